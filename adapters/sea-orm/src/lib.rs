//! SeaORM persistence for Portico: every storage port of the domain crates, on SQLite
//! (the embedded default) and PostgreSQL, with the same code and migrations.
//!
//! Layout:
//! - [`database`]: connecting (SQLite in WAL mode behind a single connection, so
//!   concurrent writers queue instead of failing with "database is locked"), running
//!   migrations, readiness;
//! - `entities`: the tables, private to this crate;
//! - one module per port: [`accounts`], [`emails`], [`phones`], [`addresses`],
//!   [`companies`], [`credentials`], [`sessions`], [`outbox`], [`security_events`],
//!   [`throttles`], [`two_factor`], [`usernames`], [`password_resets`],
//!   [`ip_whitelist`], [`products`], [`delegates`], [`affiliate`];
//! - `errors`, `keyset`, `mapping`: database error classification, keyset pagination
//!   and the row-to-domain helpers they share.
//!
//! ```no_run
//! use portico_sea_orm::{Database, SeaPhones};
//!
//! async fn open() -> Result<(), Box<dyn std::error::Error>> {
//!     let db = Database::connect("sqlite::memory:").await?;
//!     db.migrate().await?;
//!     let phones = SeaPhones::new(db.connection());
//!     # let _ = phones;
//!     Ok(())
//! }
//! ```

pub mod account_contacts;
pub mod accounts;
pub mod addresses;
pub mod affiliate;
pub mod companies;
pub mod credentials;
pub mod database;
pub mod delegates;
pub mod devices;
pub mod emails;
mod entities;
mod errors;
pub mod ip_whitelist;
mod keyset;
mod locks;
mod mapping;
pub mod outbox;
pub mod password_resets;
pub mod phones;
pub mod products;
mod raw;
pub mod security_events;
pub mod sessions;
pub mod throttles;
mod transactions;
pub mod two_factor;
pub mod usernames;

pub use account_contacts::SeaAccountContacts;
pub use accounts::SeaAccounts;
pub use addresses::SeaAddresses;
pub use affiliate::{SeaAffiliates, SeaLedger};
pub use companies::SeaCompanies;
pub use credentials::SeaCredentials;
pub use database::{Backend, Database, DatabaseError};
pub use delegates::SeaDelegates;
pub use devices::SeaDevices;
pub use emails::SeaEmails;
pub use ip_whitelist::SeaIpWhitelist;
pub use outbox::SeaOutbox;
pub use password_resets::SeaPasswordResets;
pub use phones::SeaPhones;
pub use products::SeaProducts;
pub use security_events::SeaSecurityEvents;
pub use sessions::SeaSessions;
pub use throttles::SeaThrottles;
pub use two_factor::SeaTwoFactor;
pub use usernames::SeaUsernames;
#[cfg(feature = "testing")]
pub mod testing;
