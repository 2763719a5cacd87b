//! Typed settings, read once at start-up from flags and `PORTICO_*` variables.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use portico_security::{PasswordPolicy, SessionPolicy};
use time::Duration;

use crate::wiring::DomainSettings;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

/// Settings shared by every command.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address the HTTP server listens on.
    #[arg(
        long,
        global = true,
        env = "PORTICO_LISTEN",
        default_value = "127.0.0.1:8080"
    )]
    pub listen: SocketAddr,

    /// Database URL: `sqlite://path?mode=rwc` or `postgres://...`. Defaults to a
    /// SQLite file in the data folder.
    #[arg(long, global = true, env = "PORTICO_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Folder for the embedded database and other local state.
    #[arg(
        long,
        global = true,
        env = "PORTICO_DATA_DIR",
        default_value = "./data"
    )]
    pub data_dir: PathBuf,

    /// Do not apply migrations at start-up (run `portico migrate` instead).
    #[arg(
        long,
        global = true,
        env = "PORTICO_SKIP_MIGRATIONS",
        default_value_t = false
    )]
    pub skip_migrations: bool,

    /// Minimum password length in characters (at least 8; NIST SP 800-63B asks for 15
    /// where the password is the only factor).
    #[arg(
        long,
        global = true,
        env = "PORTICO_PASSWORD_MIN_LENGTH",
        default_value_t = 8
    )]
    pub password_min_length: usize,

    /// Minutes of inactivity after which a session ends (5 to 10080; activity is
    /// recorded once a minute, so shorter would end busy sessions).
    #[arg(long, global = true, env = "PORTICO_SESSION_IDLE_MINUTES", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(5..=10_080))]
    pub session_idle_minutes: u32,

    /// Hours after login at which a session ends, however active.
    #[arg(long, global = true, env = "PORTICO_SESSION_ABSOLUTE_HOURS", default_value_t = 12,
          value_parser = clap::value_parser!(u32).range(1..=2_160))]
    pub session_absolute_hours: u32,

    /// Log format.
    #[arg(
        long,
        global = true,
        env = "PORTICO_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub log_format: LogFormat,
}

impl Settings {
    /// The database URL in force.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("portico.db").to_string_lossy()
            ),
        }
    }

    /// The settings of the domain services.
    pub fn domain(&self) -> DomainSettings {
        DomainSettings {
            password_policy: PasswordPolicy::new(self.password_min_length),
            session_policy: SessionPolicy {
                idle_timeout: Duration::minutes(i64::from(self.session_idle_minutes)),
                absolute_lifetime: Duration::hours(i64::from(self.session_absolute_hours)),
            },
        }
    }
}
