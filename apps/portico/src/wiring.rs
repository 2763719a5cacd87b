//! Building the domain services on top of the adapters. `main` and the HTTP tests
//! call the same function, so the tests exercise the real wiring.

use crate::metrics::Metrics;
use std::sync::Arc;

use portico_affiliate::{
    ClickHasher, LandingHosts, Ledger, Payouts, Program, ProgramSettings, Tracking,
};
use portico_delegation::{AccessDecisions, DelegatePorts, Delegates, Invitations, Products};
use portico_identity::{
    AddressBook, CompanyDetails, EmailBook, Links, PhoneBook, Profiles, Registrations,
};
use portico_kernel::{Clock, EmailAddress, StorageError};
use portico_mail_log::{
    Bounces, DeliveryWorker, MailHistory, MailTransport, Mailer, RetryPolicy, Templates,
};
use portico_sea_orm::{
    Database, SeaAccountContacts, SeaAccounts, SeaAddresses, SeaAffiliates, SeaCompanies,
    SeaCredentials, SeaDelegates, SeaDevices, SeaEmails, SeaIpWhitelist, SeaLedger, SeaOutbox,
    SeaPasswordResets, SeaPhones, SeaProducts, SeaSecurityEvents, SeaSessions, SeaThrottles,
    SeaTwoFactor, SeaUsernames,
};
use portico_security::{
    AddressGate, Argon2Hasher, Cidr, IpWhitelists, LoginPorts, Logins, PasswordChangePorts,
    PasswordChanges, PasswordHasher, PasswordPolicy, PasswordResets, Passwords, RateLimitPolicies,
    RateLimits, Reauthentication, SecondFactorLogin, SecurityLog, SecurityPorts, SeedVault,
    SessionPolicy, Sessions, StepUp, StepUpPorts, ThrottlePolicies, TwoFactorEnrolments,
    UsernameChanges,
};

use crate::brand::Brand;
use crate::email_audit_bridge::EmailChangesInSecurityLog;
use crate::mail_notices::MailNotices;
use crate::mail_notices::sources::MAIL_TEMPLATES;
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
    /// Where `/r/{code}` lands when a link has no landing URL, or the code is unknown.
    pub default_landing_url: String,
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
    /// `transport`.
    pub fn new(
        database: Database,
        settings: &DomainSettings,
        clock: Arc<dyn Clock>,
        transport: Arc<dyn MailTransport>,
    ) -> Result<Self, WiringError> {
        settings.brand.check()?;
        let db = database.connection();
        let argon2 = Argon2Hasher::new()?;
        let hasher: Arc<dyn PasswordHasher> = Arc::new(argon2.clone());
        let policy = (settings.password_policy.clone()).with_service_name(&settings.brand.name);
        let passwords = Passwords::new(policy, hasher.clone());
        let events = Arc::new(SeaSecurityEvents::new(db.clone()));
        let credentials = Arc::new(SeaCredentials::new(db.clone()));
        let throttles = Arc::new(SeaThrottles::new(db.clone()));
        let reads = database.read_connection();
        let accounts = Arc::new(SeaAccounts::new(db.clone()).reading_from(reads.clone()));
        let session_store = Arc::new(SeaSessions::new(db.clone()).reading_from(reads.clone()));
        let outbox = Arc::new(SeaOutbox::new(db.clone()).reading_from(reads));
        let mail_domain = settings
            .mail_from
            .as_str()
            .rsplit_once('@')
            .map_or("localhost", |(_, domain)| domain);
        let mailer = Arc::new(MailNotices::new(Arc::new(Mailer::new(
            Arc::new(Templates::branded(
                MAIL_TEMPLATES,
                &settings.brand.name,
                &settings.brand.mail_templates,
            )?),
            clock.clone(),
            mail_domain,
        ))));
        let links = Links::new(&settings.public_base_url);
        let two_factor = Arc::new(SeaTwoFactor::new(db.clone()));
        let whitelist = Arc::new(SeaIpWhitelist::new(db.clone()));
        let directory = Arc::new(SeaAccountContacts::new(db.clone()));
        let devices = Arc::new(SeaDevices::new(db.clone()));
        let security = SecurityPorts {
            credentials: credentials.clone(),
            sessions: session_store.clone(),
            devices: devices.clone(),
            two_factor: two_factor.clone(),
            usernames: Arc::new(SeaUsernames::new(db.clone())),
            resets: Arc::new(SeaPasswordResets::new(db.clone())),
            directory: directory.clone(),
            events: events.clone(),
            hasher: hasher.clone(),
            throttle: throttles.clone(),
            whitelist: whitelist.clone(),
            composer: mailer.clone(),
            clock: clock.clone(),
        };
        let products = Arc::new(SeaProducts::new(db.clone()));
        let delegate_store = Arc::new(SeaDelegates::new(db.clone()));
        let delegation = DelegatePorts {
            delegates: delegate_store.clone(),
            products: products.clone(),
            contacts: directory.clone(),
            composer: mailer.clone(),
            clock: clock.clone(),
        };
        let program_store = Arc::new(SeaAffiliates::new(db.clone()));
        let ledger_store = Arc::new(SeaLedger::new(db.clone()));
        let click_hasher = ClickHasher::new(settings.seed_vault.derived_key("affiliate clicks"));
        let vault = Arc::new(settings.seed_vault.clone());
        let reauth = Reauthentication::new(security.clone(), vault.clone(), settings.throttles);
        Ok(Self {
            step_up: StepUp::new(
                reauth.clone(),
                StepUpPorts {
                    sessions: session_store.clone(),
                    events: events.clone(),
                    throttle: throttles.clone(),
                    clock: clock.clone(),
                },
                settings.step_up,
            ),
            rate_limits: RateLimits::new(
                throttles.clone(),
                events.clone(),
                clock.clone(),
                settings.rate_limits,
            ),
            second_factor: SecondFactorLogin::new(
                security.clone(),
                vault.clone(),
                reauth.clone(),
                settings.session_policy,
            ),
            two_factor: TwoFactorEnrolments::new(security.clone(), vault.clone(), reauth.clone())
                .with_issuer(&settings.brand.name),
            pages: Arc::new(PageTemplates::new(&settings.brand)?),
            usernames: UsernameChanges::new(security.clone(), reauth.clone()),
            whitelists: IpWhitelists::new(security.clone()),
            products: Products::new(products.clone(), clock.clone()),
            delegates: Delegates::new(delegation.clone(), &settings.public_base_url),
            invitations: Invitations::new(delegation),
            access: AccessDecisions::new(products, delegate_store),
            program: Program::new(
                program_store.clone(),
                clock.clone(),
                settings.landing_hosts.clone(),
            ),
            tracking: Tracking::new(
                program_store.clone(),
                click_hasher,
                clock.clone(),
                settings.affiliate,
                settings.landing_hosts.clone(),
            ),
            ledger: Ledger::new(
                program_store.clone(),
                ledger_store.clone(),
                clock.clone(),
                settings.affiliate,
            ),
            payouts: Payouts::new(
                program_store,
                ledger_store,
                directory.clone(),
                mailer.clone(),
                clock.clone(),
                settings.affiliate,
            ),
            affiliate: settings.affiliate,
            default_landing_url: settings.public_base_url.clone(),
            trusted_proxies: settings.trusted_proxies.clone(),
            resets: PasswordResets::new(
                security,
                vault,
                reauth,
                passwords.clone(),
                &settings.public_base_url,
            ),
            password_changes: PasswordChanges::new(
                PasswordChangePorts {
                    credentials: credentials.clone(),
                    directory,
                    events: events.clone(),
                    hasher: hasher.clone(),
                    composer: mailer.clone(),
                    throttle: throttles.clone(),
                    clock: clock.clone(),
                },
                passwords.clone(),
                settings.throttles,
            ),
            registration: Registrations::new(
                accounts.clone(),
                Arc::new(passwords),
                mailer.clone(),
                links.clone(),
                clock.clone(),
            ),
            profiles: Profiles::new(accounts.clone()),
            emails: EmailBook::new(
                accounts,
                Arc::new(SeaEmails::new(db.clone())),
                mailer,
                links,
                clock.clone(),
            )
            .with_audit_trail(Arc::new(EmailChangesInSecurityLog::new(events.clone()))),
            phones: PhoneBook::new(Arc::new(SeaPhones::new(db.clone())), clock.clone()),
            addresses: AddressBook::new(Arc::new(SeaAddresses::new(db.clone())), clock.clone()),
            companies: CompanyDetails::new(Arc::new(SeaCompanies::new(db.clone())), clock.clone()),
            login: Logins::new(
                LoginPorts {
                    credentials,
                    sessions: session_store.clone(),
                    devices,
                    hasher,
                    events: events.clone(),
                    throttle: throttles.clone(),
                    two_factor,
                    whitelist: whitelist.clone(),
                    clock: clock.clone(),
                },
                settings.session_policy,
                settings.throttles,
            ),
            security_log: SecurityLog::new(events.clone()),
            sessions: Sessions::new(
                session_store,
                events.clone(),
                AddressGate::new(whitelist, events, throttles, clock.clone()),
                clock.clone(),
                settings.session_policy,
            ),
            history: MailHistory::new(outbox.clone()),
            bounces: Bounces::new(outbox.clone(), clock.clone()),
            delivery: DeliveryWorker::new(outbox, transport, clock.clone(), settings.delivery),
            platform_token: settings.platform_token.clone(),
            hasher: argon2,
            metrics: Arc::new(Metrics::new()),
            metrics_served: settings.metrics,
            clock: clock.clone(),
            database,
        })
    }
}

impl Services {
    /// Whether cookies must be `Secure`: the portal is served over https.
    pub fn cookies_secure(&self) -> bool {
        self.default_landing_url.starts_with("https://")
    }

    /// The time now, by the services' clock (tests move it).
    pub fn clock_now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }
}
