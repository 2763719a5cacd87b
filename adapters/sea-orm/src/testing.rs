//! Fresh databases for tests: the same test body runs on SQLite and PostgreSQL.
//!
//! PostgreSQL tests create a new database per test on the server named by
//! `PORTICO_TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`)
//! and drop it afterwards. They fail, rather than skip, when that server is
//! unreachable: a green run must mean both engines were exercised.

use std::time::{SystemTime, UNIX_EPOCH};

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::database::{Database, DatabaseError};

/// The server PostgreSQL tests run against, unless `PORTICO_TEST_DATABASE_URL` says
/// otherwise.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Test databases older than this are left-overs of crashed runs and are dropped.
const STALE_AFTER_SECS: u64 = 6 * 3600;

/// Which engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// An in-memory SQLite database.
    Sqlite,
    /// A SQLite database in a temporary file (for tests of file locking).
    SqliteFile,
    /// A new PostgreSQL database.
    Postgres,
}

/// A migrated database that exists only for one test.
#[derive(Debug)]
pub struct TestDatabase {
    database: Database,
    url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    None,
    File(String),
    Postgres { admin_url: String, name: String },
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

fn with_database(url: &str, name: &str) -> String {
    match url.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => format!("{url}/{name}"),
    }
}

impl TestDatabase {
    /// A fresh, migrated database on the given engine.
    pub async fn new(engine: Engine) -> Result<Self, DatabaseError> {
        match engine {
            Engine::Sqlite => Self::open("sqlite::memory:".to_owned(), Cleanup::None).await,
            Engine::SqliteFile => {
                let path = std::env::temp_dir()
                    .join(format!("portico-test-{}.db", uuid::Uuid::now_v7().simple()));
                let path = path.to_string_lossy().into_owned();
                Self::open(format!("sqlite://{path}?mode=rwc"), Cleanup::File(path)).await
            }
            Engine::Postgres => Self::postgres().await,
        }
    }

    async fn open(url: String, cleanup: Cleanup) -> Result<Self, DatabaseError> {
        let database = Database::connect(&url).await?;
        database.migrate().await?;
        Ok(Self {
            database,
            url,
            cleanup,
        })
    }

    async fn postgres() -> Result<Self, DatabaseError> {
        let admin_url = std::env::var("PORTICO_TEST_DATABASE_URL")
            .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
        let name = format!(
            "portico_test_{}_{}",
            unix_now(),
            uuid::Uuid::now_v7().simple()
        );
        let admin = sea_orm::Database::connect(admin_url.as_str()).await?;
        drop_stale(&admin).await?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await?;
        admin.close().await?;
        let url = with_database(&admin_url, &name);
        Self::open(url, Cleanup::Postgres { admin_url, name }).await
    }

    /// The database.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// Its URL, for a server under test to connect to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Closes the pool and removes the database.
    pub async fn finish(self) -> Result<(), DatabaseError> {
        self.database.connection().close().await?;
        match self.cleanup {
            Cleanup::None => {}
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                let admin = sea_orm::Database::connect(admin_url.as_str()).await?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await?;
                admin.close().await?;
            }
        }
        Ok(())
    }
}

/// Drops test databases left behind by runs that crashed before cleaning up.
async fn drop_stale(admin: &sea_orm::DatabaseConnection) -> Result<(), DatabaseError> {
    let rows = admin
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT datname FROM pg_database WHERE datname LIKE 'portico_test_%'",
        ))
        .await?;
    let now = unix_now();
    for row in rows {
        let name: String = row.try_get("", "datname")?;
        let created = name
            .split('_')
            .nth(2)
            .and_then(|ts| ts.parse::<u64>().ok())
            .unwrap_or(now);
        if now.saturating_sub(created) > STALE_AFTER_SECS {
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await?;
        }
    }
    Ok(())
}
