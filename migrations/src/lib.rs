//! Portico's database schema, as sea-orm-migration migrations.
//!
//! The same migrations run on SQLite (the embedded default) and PostgreSQL: they use
//! only portable column types and index forms that both accept (partial unique
//! indexes included). The server applies them at start-up; `portico migrate` applies
//! them alone.
//!
//! ```no_run
//! use portico_migrations::{Migrator, MigratorTrait};
//!
//! async fn upgrade(db: &sea_orm_migration::sea_orm::DatabaseConnection) -> Result<(), sea_orm_migration::DbErr> {
//!     Migrator::up(db, None).await
//! }
//! ```

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m0001_identity_and_sessions;
mod m0002_mail_outbox;
mod m0003_security_events;
mod m0004_throttles;
mod m0005_two_factor_and_resets;
mod m0006_ip_whitelist;
mod m0007_delegation;
mod m0008_affiliate;
mod m0009_account_protection;

/// Every migration, in order.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_identity_and_sessions::Migration),
            Box::new(m0002_mail_outbox::Migration),
            Box::new(m0003_security_events::Migration),
            Box::new(m0004_throttles::Migration),
            Box::new(m0005_two_factor_and_resets::Migration),
            Box::new(m0006_ip_whitelist::Migration),
            Box::new(m0007_delegation::Migration),
            Box::new(m0008_affiliate::Migration),
            Box::new(m0009_account_protection::Migration),
        ]
    }
}
