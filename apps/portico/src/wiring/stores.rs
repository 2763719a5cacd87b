//! Every storage adapter, opened once over the database and shared by the services
//! that use it.

use std::sync::Arc;

use portico_sea_orm::{
    Database, SeaAccountContacts, SeaAccounts, SeaAddresses, SeaAffiliates, SeaCompanies,
    SeaCredentials, SeaDelegates, SeaDevices, SeaEmails, SeaIpWhitelist, SeaLedger, SeaOutbox,
    SeaPasswordResets, SeaPhones, SeaProducts, SeaSecurityEvents, SeaSessions, SeaThrottles,
    SeaTwoFactor, SeaUsernames,
};

/// The SeaORM repositories, one of each. Accounts, sessions and the outbox read
/// through the read connection (a second pool on a SQLite file).
pub(super) struct Stores {
    pub accounts: Arc<SeaAccounts>,
    pub contacts: Arc<SeaAccountContacts>,
    pub emails: Arc<SeaEmails>,
    pub phones: Arc<SeaPhones>,
    pub addresses: Arc<SeaAddresses>,
    pub companies: Arc<SeaCompanies>,
    pub credentials: Arc<SeaCredentials>,
    pub sessions: Arc<SeaSessions>,
    pub devices: Arc<SeaDevices>,
    pub events: Arc<SeaSecurityEvents>,
    pub throttles: Arc<SeaThrottles>,
    pub two_factor: Arc<SeaTwoFactor>,
    pub whitelist: Arc<SeaIpWhitelist>,
    pub usernames: Arc<SeaUsernames>,
    pub resets: Arc<SeaPasswordResets>,
    pub products: Arc<SeaProducts>,
    pub delegates: Arc<SeaDelegates>,
    pub program: Arc<SeaAffiliates>,
    pub ledger: Arc<SeaLedger>,
    pub outbox: Arc<SeaOutbox>,
}

impl Stores {
    /// Opens every repository over `database`.
    pub fn open(database: &Database) -> Self {
        let db = database.connection();
        let reads = database.read_connection();
        Self {
            accounts: Arc::new(SeaAccounts::new(db.clone()).reading_from(reads.clone())),
            contacts: Arc::new(SeaAccountContacts::new(db.clone())),
            emails: Arc::new(SeaEmails::new(db.clone())),
            phones: Arc::new(SeaPhones::new(db.clone())),
            addresses: Arc::new(SeaAddresses::new(db.clone())),
            companies: Arc::new(SeaCompanies::new(db.clone())),
            credentials: Arc::new(SeaCredentials::new(db.clone())),
            sessions: Arc::new(SeaSessions::new(db.clone()).reading_from(reads)),
            devices: Arc::new(SeaDevices::new(db.clone())),
            events: Arc::new(SeaSecurityEvents::new(db.clone())),
            throttles: Arc::new(SeaThrottles::new(db.clone())),
            two_factor: Arc::new(SeaTwoFactor::new(db.clone())),
            whitelist: Arc::new(SeaIpWhitelist::new(db.clone())),
            usernames: Arc::new(SeaUsernames::new(db.clone())),
            resets: Arc::new(SeaPasswordResets::new(db.clone())),
            products: Arc::new(SeaProducts::new(db.clone())),
            delegates: Arc::new(SeaDelegates::new(db.clone())),
            program: Arc::new(SeaAffiliates::new(db.clone())),
            ledger: Arc::new(SeaLedger::new(db)),
            outbox: Self::outbox(database),
        }
    }

    /// The outbox alone, for the worker that needs nothing else.
    pub fn outbox(database: &Database) -> Arc<SeaOutbox> {
        Arc::new(SeaOutbox::new(database.connection()).reading_from(database.read_connection()))
    }
}
