//! Connecting to the database and keeping its schema current.

use std::time::Duration;

use portico_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, DatabaseConnection, DbBackend};

/// Connecting or migrating failed.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    /// The URL names a database Portico does not support.
    #[error("unsupported database URL (use sqlite:... or postgres://...)")]
    UnsupportedUrl,
    /// The database server did not take a connection: its address and why, so that
    /// a wrong host, port or password is plain at start-up (the URL's password is
    /// never part of it).
    #[error("cannot reach the database at {address}")]
    Unreachable {
        /// `host:port` (or the socket's path) from the URL.
        address: String,
        /// What the server or the network said last.
        #[source]
        cause: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The database URL cannot be read (a bad port, bad percent-encoding...).
    #[error("the database URL cannot be read")]
    UnreadableUrl(#[source] sea_orm::sqlx::Error),
    /// The database could not be reached or migrated.
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
}

/// Which database engine a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, the embedded default.
    Sqlite,
    /// PostgreSQL, for production.
    Postgres,
}

/// A pool of connections to Portico's database.
#[derive(Debug, Clone)]
pub struct Database {
    connection: DatabaseConnection,
    /// Read-only connections beside the one writer, for a SQLite file: WAL lets
    /// readers run while the writer writes. `None` where the writer pool serves reads
    /// too (PostgreSQL, whose pool is already parallel, and in-memory SQLite, which
    /// only the one connection can see).
    reader: Option<DatabaseConnection>,
}

impl Database {
    /// How long a request waits for a connection before failing.
    const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);
    /// The pause between two attempts to reach a PostgreSQL server at start-up.
    const REACH_RETRY_PAUSE: Duration = Duration::from_millis(250);
    /// How long SQLite waits on a lock held by another process before failing.
    const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);
    /// A PostgreSQL connection idle this long is pinged before it serves again: a
    /// server restart, a proxy or a firewall may have dropped it meanwhile. A busy
    /// connection is not: the pool's default, a ping on every checkout, added a round
    /// trip to every statement. Under load connections are idle for microseconds, so
    /// a connection the server drops then fails the one statement that finds it.
    const PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

    /// Connects to `sqlite:...` or `postgres://...`.
    ///
    /// SQLite uses WAL journaling, a busy timeout and foreign keys, behind a single
    /// pooled connection: SQLite allows one writer at a time anyway, and queueing in
    /// the pool is both faster and safer than letting writers collide on the file
    /// lock. An in-memory database needs the single connection too, since each
    /// connection would otherwise see its own empty database.
    #[tracing::instrument(level = "debug", name = "Database::connect", skip_all)]
    pub async fn connect(url: &str) -> Result<Self, DatabaseError> {
        let backend = Self::backend_of(url)?;
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .acquire_timeout(Self::ACQUIRE_TIMEOUT)
            .sqlx_logging(false);
        match backend {
            Backend::Sqlite => {
                // A connection to a file in this process cannot be dropped by
                // anyone else, so it is never pinged before use.
                options
                    .max_connections(1)
                    .min_connections(1)
                    .test_before_acquire(false)
                    .idle_timeout(None::<Duration>)
                    .max_lifetime(None::<Duration>)
                    .map_sqlx_sqlite_opts(|opts| {
                        opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                            .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                            .busy_timeout(Self::SQLITE_BUSY_TIMEOUT)
                            .foreign_keys(true)
                    });
            }
            Backend::Postgres => {
                Self::reach_postgres(url).await?;
                options
                    .max_connections(16)
                    .min_connections(1)
                    .test_before_acquire_if_idle_for(Self::PING_IF_IDLE_FOR);
            }
        }
        let connection = sea_orm::Database::connect(options).await?;
        let reader = match backend {
            Backend::Sqlite if !is_in_memory(url) => Some(Self::connect_reader(url).await?),
            _ => None,
        };
        Ok(Self { connection, reader })
    }

    /// Opens and closes one connection to the PostgreSQL server, so that a server that
    /// refuses (or never answers) is named with its cause; the pool alone would wait
    /// its acquire timeout and then say only that it timed out. Like the pool, it
    /// tries again until that timeout, so a server that is still starting (beside
    /// Portico in a compose file, say) is waited for.
    async fn reach_postgres(url: &str) -> Result<(), DatabaseError> {
        use sea_orm::sqlx::Connection as _;
        use sea_orm::sqlx::postgres::{PgConnectOptions, PgConnection};
        let options: PgConnectOptions = url.parse().map_err(DatabaseError::UnreadableUrl)?;
        let address = match options.get_socket() {
            Some(socket) => socket.display().to_string(),
            None => format!("{}:{}", options.get_host(), options.get_port()),
        };
        let deadline = tokio::time::Instant::now() + Self::ACQUIRE_TIMEOUT;
        let silence = std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("no answer within {} s", Self::ACQUIRE_TIMEOUT.as_secs()),
        );
        let mut last_cause: Box<dyn std::error::Error + Send + Sync> = Box::new(silence);
        while tokio::time::Instant::now() < deadline {
            match tokio::time::timeout_at(deadline, PgConnection::connect_with(&options)).await {
                Ok(Ok(connection)) => {
                    let _ = connection.close().await;
                    return Ok(());
                }
                Ok(Err(error)) => last_cause = Box::new(error),
                Err(_) => break,
            }
            tokio::time::sleep(Self::REACH_RETRY_PAUSE).await;
        }
        Err(DatabaseError::Unreachable {
            address,
            cause: last_cause,
        })
    }

    /// Read-only connections to a SQLite file, opened as they are needed (the file
    /// may not have its tables yet).
    #[tracing::instrument(level = "debug", name = "Database::connect_reader", skip_all)]
    async fn connect_reader(url: &str) -> Result<DatabaseConnection, DatabaseError> {
        let readers = std::thread::available_parallelism()
            .map_or(2, usize::from)
            .clamp(2, 8);
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .acquire_timeout(Self::ACQUIRE_TIMEOUT)
            .sqlx_logging(false)
            .max_connections(u32::try_from(readers).unwrap_or(2))
            .min_connections(0)
            .test_before_acquire(false)
            .map_sqlx_sqlite_opts(|opts| {
                opts.read_only(true)
                    .create_if_missing(false)
                    .busy_timeout(Self::SQLITE_BUSY_TIMEOUT)
            });
        Ok(sea_orm::Database::connect(options).await?)
    }

    /// Which engine a URL names.
    pub fn backend_of(url: &str) -> Result<Backend, DatabaseError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(DatabaseError::UnsupportedUrl)
        }
    }

    /// Applies every pending migration.
    #[tracing::instrument(level = "debug", name = "Database::migrate", skip_all)]
    pub async fn migrate(&self) -> Result<(), DatabaseError> {
        Migrator::up(&self.connection, None).await?;
        Ok(())
    }

    /// The migrations this database has not had, by name, oldest first. It only reads
    /// (no bookkeeping table is created), so it is safe where migrations are someone
    /// else's job.
    #[tracing::instrument(level = "debug", name = "Database::pending_migrations", skip_all)]
    pub async fn pending_migrations(&self) -> Result<Vec<String>, DatabaseError> {
        Ok(Migrator::get_pending_migrations_read_only(&self.connection)
            .await?
            .iter()
            .map(|migration| migration.name().to_owned())
            .collect())
    }

    /// Whether the database answers a trivial query (readiness).
    #[tracing::instrument(level = "debug", name = "Database::ping", skip_all)]
    pub async fn ping(&self) -> bool {
        self.connection.ping().await.is_ok()
    }

    /// The engine behind this pool.
    pub fn backend(&self) -> Backend {
        match self.connection.get_database_backend() {
            DbBackend::Sqlite => Backend::Sqlite,
            _ => Backend::Postgres,
        }
    }

    /// A handle for the repositories (cheap to clone: it shares the pool).
    pub fn connection(&self) -> DatabaseConnection {
        self.connection.clone()
    }

    /// A handle for reads outside any write transaction: the read-only pool of a
    /// SQLite file, or the same pool as [`Self::connection`]. A read here sees every
    /// write committed before it started.
    pub fn read_connection(&self) -> DatabaseConnection {
        self.reader.as_ref().unwrap_or(&self.connection).clone()
    }

    /// Connections open and in use in each pool, for monitoring: `"writer"` (every
    /// pool of PostgreSQL, the one writer of SQLite) and, on a SQLite file, `"reader"`.
    pub fn pool_usage(&self) -> Vec<PoolUsage> {
        let mut usage = vec![usage_of("writer", &self.connection)];
        if let Some(reader) = &self.reader {
            usage.push(usage_of("reader", reader));
        }
        usage
    }

    /// Runs a statement that returns nothing; for test set-up and tooling.
    #[tracing::instrument(level = "debug", name = "Database::execute", skip_all)]
    pub async fn execute(&self, sql: &str) -> Result<(), DatabaseError> {
        self.connection.execute_unprepared(sql).await?;
        Ok(())
    }
}

/// One pool's connections at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    /// `"writer"` or `"reader"`.
    pub pool: &'static str,
    /// Connections open.
    pub open: u32,
    /// Of those, the ones serving a query or transaction right now.
    pub in_use: u32,
}

fn usage_of(pool: &'static str, connection: &DatabaseConnection) -> PoolUsage {
    let (open, idle) = match connection.get_database_backend() {
        DbBackend::Sqlite => {
            let sqlx = connection.get_sqlite_connection_pool();
            (sqlx.size(), sqlx.num_idle())
        }
        _ => {
            let sqlx = connection.get_postgres_connection_pool();
            (sqlx.size(), sqlx.num_idle())
        }
    };
    PoolUsage {
        pool,
        open,
        in_use: open.saturating_sub(u32::try_from(idle).unwrap_or(u32::MAX)),
    }
}

/// Whether a SQLite URL names an in-memory database, which only its one connection
/// can see.
fn is_in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}
