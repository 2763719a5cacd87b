//! Where Portico keeps its data: read by every command.

use std::path::PathBuf;

use clap::Args;
use portico_sea_orm::{Backend, Database, DatabaseError};

use super::Secret;

/// The database and the data folder.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Storage")]
pub struct StorageArgs {
    /// Database URL: `sqlite://path?mode=rwc` or `postgres://...`. Defaults to a
    /// SQLite file in the data folder. Its value is never printed (it may hold a
    /// password).
    #[arg(long, env = "PORTICO_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<Secret>,

    /// Folder for the embedded database and other local state.
    #[arg(long, env = "PORTICO_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
}

impl StorageArgs {
    /// The database URL in force.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose().to_owned(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("portico.db").to_string_lossy()
            ),
        }
    }

    /// Connects to the database; the data folder is created first when the embedded
    /// default lives there (and only then: a named database writes no file here).
    pub async fn connect(&self) -> Result<Database, ConnectError> {
        let url = self.database_url();
        if Database::backend_of(&url)? == Backend::Sqlite && self.database_url.is_none() {
            std::fs::create_dir_all(&self.data_dir).map_err(|source| ConnectError::DataDir {
                folder: self.data_dir.clone(),
                source,
            })?;
        }
        Ok(Database::connect(&url).await?)
    }
}

/// The database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The data folder for the embedded database could not be made.
    #[error("cannot create the data folder {folder:?} (PORTICO_DATA_DIR)")]
    DataDir {
        /// The folder.
        folder: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The database refused, or could not be reached.
    #[error(transparent)]
    Database(#[from] DatabaseError),
}
