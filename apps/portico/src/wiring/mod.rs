//! Building the domain services on top of the adapters. `main` and the HTTP tests
//! call the same function, so the tests exercise the real wiring.

use crate::metrics::Metrics;
use std::sync::Arc;

mod identity;
mod security;
mod shared;
mod sharing;
mod stores;

use portico_affiliate::{LandingHosts, Ledger, Payouts, Program, ProgramSettings, Tracking};
use portico_delegation::{AccessDecisions, Delegates, Invitations, Products};
use portico_identity::{
    AddressBook, CompanyDetails, EmailBook, PhoneBook, Profiles, Registrations,
};
use portico_kernel::{Clock, EmailAddress, StorageError};
use portico_mail_log::{Bounces, DeliveryWorker, MailHistory, MailTransport, RetryPolicy};
use portico_sea_orm::Database;
use portico_security::{
    Argon2Hasher, Cidr, IpWhitelists, Logins, PasswordChanges, PasswordPolicy, PasswordResets,
    RateLimitPolicies, RateLimits, SecondFactorLogin, SecurityLog, SeedVault, SessionPolicy,
    Sessions, StepUp, ThrottlePolicies, TwoFactorEnrolments, UsernameChanges,
};

use self::shared::Shared;
use self::stores::Stores;
use crate::brand::Brand;
use crate::settings::Secret;
use crate::web::templates::PageTemplates;

/// The settings the domain services need.
#[derive(Debug, Clone)]
pub struct DomainSettings {
    /// Password policy.
    pub password_policy: PasswordPolicy,
    /// Session expiry.
    pub session_policy: SessionPolicy,
    /// Allowances and delays of every failure counter.
    pub throttles: ThrottlePolicies,
    /// How long a proof of the password counts as recent for sensitive changes.
    pub step_up: time::Duration,
    /// Limits on what costs mail or hashing.
    pub rate_limits: RateLimitPolicies,
    /// The hosts affiliate links may land on.
    pub landing_hosts: LandingHosts,
    /// Where links in mails point (no trailing slash).
    pub public_base_url: String,
    /// Sender of every mail.
    pub mail_from: EmailAddress,
    /// The platform API's bearer token; `None` disables the platform API.
    pub platform_token: Option<Secret>,
    /// Seals TOTP seeds at rest.
    pub seed_vault: SeedVault,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<Cidr>,
    /// The affiliate program.
    pub affiliate: ProgramSettings,
    /// Outbox retries, leases and sends in flight.
    pub delivery: RetryPolicy,
    /// The hosting company's name, logo, colour and wording.
    pub brand: Brand,
    /// Whether requests are counted and `GET /metrics` is served.
    pub metrics: bool,
}

/// Every service the HTTP layer and the worker call.
#[derive(Clone)]
pub struct Services {
    /// The pages' templates, with the brand and the operator's wording.
    pub pages: Arc<PageTemplates>,
    /// The database, for readiness checks.
    pub database: Database,
    /// Opening accounts.
    pub registration: Registrations,
    /// Profile.
    pub profiles: Profiles,
    /// Email addresses.
    pub emails: EmailBook,
    /// Phone numbers.
    pub phones: PhoneBook,
    /// Postal addresses.
    pub addresses: AddressBook,
    /// Company details.
    pub companies: CompanyDetails,
    /// Logging in.
    pub login: Logins,
    /// Authenticating and managing sessions.
    pub sessions: Sessions,
    /// Reading the security log.
    pub security_log: SecurityLog,
    /// The recent-authentication window for sensitive changes.
    pub step_up: StepUp,
    /// Limits on registrations, invitations and verification mails.
    pub rate_limits: RateLimits,
    /// Password changes.
    pub password_changes: PasswordChanges,
    /// Completing logins with a second factor.
    pub second_factor: SecondFactorLogin,
    /// TOTP enrolment, recovery codes, turning two-factor off.
    pub two_factor: TwoFactorEnrolments,
    /// Username changes.
    pub usernames: UsernameChanges,
    /// Password resets.
    pub resets: PasswordResets,
    /// IP whitelists.
    pub whitelists: IpWhitelists,
    /// Contract products.
    pub products: Products,
    /// The owner's side of delegation.
    pub delegates: Delegates,
    /// Accepting delegate invitations.
    pub invitations: Invitations,
    /// Access decisions and delegated accounts.
    pub access: AccessDecisions,
    /// Affiliate membership and links.
    pub program: Program,
    /// Clicks and referrals.
    pub tracking: Tracking,
    /// The commission ledger.
    pub ledger: Ledger,
    /// Payout destinations and payouts.
    pub payouts: Payouts,
    /// The affiliate program's settings.
    pub affiliate: ProgramSettings,
    /// The password policy, for reading a registration at the edge.
    pub password_policy: PasswordPolicy,
    /// The settings the published spec states as rules (password length, landing
    /// hosts).
    pub contract_rules: crate::contract::ConfiguredRules,
    /// Where the portal is reached (`PORTICO_PUBLIC_BASE_URL`): the spec's server, and
    /// where `/r/{code}` lands when a link has no landing URL or the code is unknown.
    pub public_base_url: String,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<Cidr>,
    /// The email history.
    pub history: MailHistory,
    /// Bounce reports.
    pub bounces: Bounces,
    /// One round of outbox delivery.
    pub delivery: DeliveryWorker,
    /// The platform API's bearer token, if enabled.
    pub platform_token: Option<Secret>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The password hasher, for its queue length in the metrics.
    pub hasher: Argon2Hasher,
    /// What `GET /metrics` exposes.
    pub metrics: Arc<Metrics>,
    /// Whether the router counts requests and serves `GET /metrics`.
    pub metrics_served: bool,
}

/// Building the services failed.
#[derive(Debug, thiserror::Error)]
pub enum WiringError {
    /// The password hasher could not start.
    #[error("the password hasher could not start")]
    Hasher(#[from] StorageError),
    /// The brand's name, logo or colour is refused.
    #[error(transparent)]
    Brand(#[from] crate::settings::InvalidSetting),
    /// A template of `PORTICO_TEMPLATES_DIR` (or an embedded one) is refused.
    #[error("invalid setting PORTICO_TEMPLATES_DIR: {0}")]
    Templates(#[from] portico_mail_log::OverrideError),
}

impl Services {
    /// Wires every service to the adapters over `database`, sending mail with
    /// `transport`. Each domain's services are built in a module of their own
    /// (`identity`, `security`, `sharing`) from the one set of [`Stores`] and the
    /// collaborators they share.
    pub fn new(
        database: Database,
        settings: &DomainSettings,
        clock: Arc<dyn Clock>,
        transport: Arc<dyn MailTransport>,
    ) -> Result<Self, WiringError> {
        settings.brand.check()?;
        let stores = Stores::open(&database);
        let shared = Shared::new(settings, clock.clone())?;
        let identity = identity::wire(&stores, &shared, settings);
        let security = security::wire(&stores, &shared, settings);
        let delegation = sharing::delegation(&stores, &shared, settings);
        let affiliate = sharing::affiliate(&stores, &shared, settings);
        let outbox = stores.outbox.clone();
        Ok(Self {
            pages: Arc::new(PageTemplates::new(&settings.brand)?),
            registration: identity.registration,
            profiles: identity.profiles,
            emails: identity.emails,
            phones: identity.phones,
            addresses: identity.addresses,
            companies: identity.companies,
            login: security.login,
            sessions: security.sessions,
            security_log: security.security_log,
            step_up: security.step_up,
            rate_limits: security.rate_limits,
            password_changes: security.password_changes,
            second_factor: security.second_factor,
            two_factor: security.two_factor,
            usernames: security.usernames,
            resets: security.resets,
            whitelists: security.whitelists,
            products: delegation.products,
            delegates: delegation.delegates,
            invitations: delegation.invitations,
            access: delegation.access,
            program: affiliate.program,
            tracking: affiliate.tracking,
            ledger: affiliate.ledger,
            payouts: affiliate.payouts,
            affiliate: settings.affiliate,
            // The policy the domain applies, the brand's name included.
            password_policy: shared.passwords.policy().clone(),
            contract_rules: crate::contract::ConfiguredRules {
                password_min_chars: shared.passwords.policy().min_len(),
                landing_url_pattern: settings.landing_hosts.url_pattern(),
            },
            public_base_url: settings.public_base_url.clone(),
            trusted_proxies: settings.trusted_proxies.clone(),
            history: MailHistory::new(outbox.clone()),
            bounces: Bounces::new(outbox.clone(), clock.clone()),
            delivery: DeliveryWorker::new(outbox, transport, clock.clone(), settings.delivery),
            platform_token: settings.platform_token.clone(),
            hasher: shared.argon2,
            metrics: Arc::new(Metrics::new()),
            metrics_served: settings.metrics,
            clock,
            database,
        })
    }
}

/// The outbox worker alone, for `portico worker`: it touches nothing but the outbox,
/// so it needs none of the settings the other services read. (`Services::new` builds
/// the same worker over the outbox its other services share.)
pub fn delivery_worker(
    database: &Database,
    clock: Arc<dyn Clock>,
    transport: Arc<dyn MailTransport>,
    policy: RetryPolicy,
) -> DeliveryWorker {
    DeliveryWorker::new(Stores::outbox(database), transport, clock, policy)
}

impl Services {
    /// Whether cookies must be `Secure`: the portal is served over https.
    pub fn cookies_secure(&self) -> bool {
        self.public_base_url.starts_with("https://")
    }

    /// The time now, by the services' clock (tests move it).
    pub fn clock_now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }
}
