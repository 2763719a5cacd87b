//! Identity's services: accounts, profile, addresses, phones, company.

use std::sync::Arc;

use portico_identity::{
    AddressBook, CompanyDetails, EmailBook, Links, PhoneBook, Profiles, Registrations,
};

use super::DomainSettings;
use super::shared::Shared;
use super::stores::Stores;
use crate::email_audit_bridge::EmailChangesInSecurityLog;

pub(super) struct IdentityServices {
    pub registration: Registrations,
    pub profiles: Profiles,
    pub emails: EmailBook,
    pub phones: PhoneBook,
    pub addresses: AddressBook,
    pub companies: CompanyDetails,
}

/// Registration checks and hashes the first password with security's `Passwords`;
/// email changes are recorded in security's log through the audit bridge.
pub(super) fn wire(
    stores: &Stores,
    shared: &Shared,
    settings: &DomainSettings,
) -> IdentityServices {
    let clock = &shared.clock;
    let links = Links::new(&settings.public_base_url);
    IdentityServices {
        registration: Registrations::new(
            stores.accounts.clone(),
            Arc::new(shared.passwords.clone()),
            shared.notices.clone(),
            links.clone(),
            clock.clone(),
        ),
        profiles: Profiles::new(stores.accounts.clone()),
        emails: EmailBook::new(
            stores.accounts.clone(),
            stores.emails.clone(),
            shared.notices.clone(),
            links,
            clock.clone(),
        )
        .with_audit_trail(Arc::new(EmailChangesInSecurityLog::new(
            stores.events.clone(),
        ))),
        phones: PhoneBook::new(stores.phones.clone(), clock.clone()),
        addresses: AddressBook::new(stores.addresses.clone(), clock.clone()),
        companies: CompanyDetails::new(stores.companies.clone(), clock.clone()),
    }
}
