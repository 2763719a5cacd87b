//! Building the domain services on top of the SeaORM adapters. `main` and the HTTP
//! tests call the same function, so the tests exercise the real wiring.

use std::sync::Arc;

use portico_identity::{AddressBook, CompanyDetails, PhoneBook, Profiles, RegistrationService};
use portico_kernel::{Clock, StorageError};
use portico_sea_orm::{
    Database, SeaAccounts, SeaAddresses, SeaCompanies, SeaCredentials, SeaEmails, SeaPhones,
    SeaSessions,
};
use portico_security::{
    Argon2Hasher, LoginService, PasswordHasher, PasswordPolicy, Passwords, SessionPolicy, Sessions,
};

use crate::credential_bridge::PolicyCheckedCredentials;

/// The settings the domain services need.
#[derive(Debug, Clone, Copy)]
pub struct DomainSettings {
    /// Password policy.
    pub password_policy: PasswordPolicy,
    /// Session expiry.
    pub session_policy: SessionPolicy,
}

/// Every service the HTTP layer calls.
#[derive(Clone)]
pub struct Services {
    /// The database, for readiness checks.
    pub database: Database,
    /// Opening accounts.
    pub registration: RegistrationService,
    /// Profile and email list.
    pub profiles: Profiles,
    /// Phone numbers.
    pub phones: PhoneBook,
    /// Postal addresses.
    pub addresses: AddressBook,
    /// Company details.
    pub companies: CompanyDetails,
    /// Logging in.
    pub login: LoginService,
    /// Authenticating and managing sessions.
    pub sessions: Sessions,
}

impl Services {
    /// Wires every service to the adapters over `database`.
    pub fn new(
        database: Database,
        settings: DomainSettings,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StorageError> {
        let db = database.connection();
        let hasher: Arc<dyn PasswordHasher> = Arc::new(Argon2Hasher::new()?);
        let passwords = Passwords::new(settings.password_policy, hasher.clone());
        let accounts = Arc::new(SeaAccounts::new(db.clone()));
        let session_store = Arc::new(SeaSessions::new(db.clone()));
        Ok(Self {
            registration: RegistrationService::new(
                accounts.clone(),
                Arc::new(PolicyCheckedCredentials::new(passwords)),
                clock.clone(),
            ),
            profiles: Profiles::new(accounts, Arc::new(SeaEmails::new(db.clone()))),
            phones: PhoneBook::new(Arc::new(SeaPhones::new(db.clone())), clock.clone()),
            addresses: AddressBook::new(Arc::new(SeaAddresses::new(db.clone())), clock.clone()),
            companies: CompanyDetails::new(Arc::new(SeaCompanies::new(db.clone())), clock.clone()),
            login: LoginService::new(
                Arc::new(SeaCredentials::new(db)),
                session_store.clone(),
                hasher,
                clock.clone(),
                settings.session_policy,
            ),
            sessions: Sessions::new(session_store, clock, settings.session_policy),
            database,
        })
    }
}
