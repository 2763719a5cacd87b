//! Whether a long-running command migrates the database itself, and what it does
//! when told not to.

use clap::Args;
use portico_sea_orm::{Database, DatabaseError};

/// Migrations at start-up (`serve` and `worker`).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Storage")]
pub struct SchemaArgs {
    /// Do not apply migrations at start-up (run `portico migrate` instead); a database
    /// that lacks some is then refused at start-up, naming them.
    #[arg(long, env = "PORTICO_SKIP_MIGRATIONS", default_value_t = false)]
    pub skip_migrations: bool,
}

impl SchemaArgs {
    /// Brings `database` up to date, or, when migrations are skipped, refuses one that
    /// lacks some. Serving a schema that lacks migrations would answer 500 to every
    /// request. A database this binary cannot judge (one migrated by a newer version,
    /// during a rolling deploy; a role that may not read the bookkeeping table) is
    /// served as before, with a warning.
    pub async fn prepare(&self, database: &Database) -> Result<(), SchemaError> {
        if !self.skip_migrations {
            return Ok(database.migrate().await?);
        }
        match database.pending_migrations().await {
            Ok(pending) if !pending.is_empty() => Err(SchemaError::Missing(pending)),
            Ok(_) => Ok(()),
            Err(error) => {
                let error = crate::http::problem::cause_chain(&error);
                tracing::warn!(%error, "cannot tell which migrations the database has");
                Ok(())
            }
        }
    }
}

/// The database is not ready to be served.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// Migrations are skipped, and these are missing.
    #[error(
        "PORTICO_SKIP_MIGRATIONS is set, but the database lacks {} migration(s) ({}), \
         or this role cannot see its seaql_migrations table: run `portico migrate` first",
        .0.len(),
        .0.join(", ")
    )]
    Missing(Vec<String>),
    /// Migrating failed.
    #[error(transparent)]
    Database(#[from] DatabaseError),
}
