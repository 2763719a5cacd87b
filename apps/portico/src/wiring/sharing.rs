//! Delegation's and the affiliate program's services.

use portico_affiliate::{ClickHasher, Ledger, Payouts, Program, Tracking};
use portico_delegation::{AccessDecisions, DelegatePorts, Delegates, Invitations, Products};

use super::DomainSettings;
use super::shared::Shared;
use super::stores::Stores;

pub(super) struct DelegationServices {
    pub products: Products,
    pub delegates: Delegates,
    pub invitations: Invitations,
    pub access: AccessDecisions,
}

pub(super) fn delegation(
    stores: &Stores,
    shared: &Shared,
    settings: &DomainSettings,
) -> DelegationServices {
    let ports = DelegatePorts {
        delegates: stores.delegates.clone(),
        contacts: stores.contacts.clone(),
        composer: shared.notices.clone(),
        audit: shared.audit.clone(),
        clock: shared.clock.clone(),
    };
    DelegationServices {
        products: Products::new(stores.products.clone(), shared.clock.clone()),
        delegates: Delegates::new(
            ports.clone(),
            stores.products.clone(),
            &settings.public_base_url,
        ),
        invitations: Invitations::new(ports),
        access: AccessDecisions::new(stores.products.clone(), stores.delegates.clone()),
    }
}

pub(super) struct AffiliateServices {
    pub program: Program,
    pub tracking: Tracking,
    pub ledger: Ledger,
    pub payouts: Payouts,
}

/// Click addresses are hashed with a key derived from the seed key, so a click
/// table on its own tells no one who clicked.
pub(super) fn affiliate(
    stores: &Stores,
    shared: &Shared,
    settings: &DomainSettings,
) -> AffiliateServices {
    let clock = &shared.clock;
    AffiliateServices {
        program: Program::new(
            stores.program.clone(),
            clock.clone(),
            settings.landing_hosts.clone(),
        ),
        tracking: Tracking::new(
            stores.program.clone(),
            ClickHasher::new(settings.seed_vault.derived_key("affiliate clicks")),
            clock.clone(),
            settings.affiliate,
            settings.landing_hosts.clone(),
        ),
        ledger: Ledger::new(
            stores.program.clone(),
            stores.ledger.clone(),
            clock.clone(),
            settings.affiliate,
        ),
        payouts: Payouts::new(
            stores.program.clone(),
            stores.ledger.clone(),
            stores.contacts.clone(),
            shared.notices.clone(),
            shared.audit.clone(),
            clock.clone(),
            settings.affiliate,
        ),
    }
}
