//! Typed settings, read once at start-up from flags and `PORTICO_*` variables. Each
//! command takes only the settings it reads, so its `--help` lists only those:
//! `migrate` the database ([`StorageArgs`]), `worker` the database and the mail
//! ([`WorkerSettings`]), `serve` everything ([`ServeSettings`]).

mod mail;
mod schema;
mod serve;
mod storage;
mod worker;

use clap::ValueEnum;

pub use mail::MailArgs;
pub use schema::SchemaArgs;
pub use serve::{MIN_PLATFORM_TOKEN_LEN, ServeSettings};
pub use storage::StorageArgs;
pub use worker::WorkerSettings;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

/// A setting that must not appear in logs or `Debug` output (a URL with a password,
/// a token).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The value.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self(value.to_owned()))
    }
}

/// A setting has a value Portico cannot use.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {name}: {reason}")]
pub struct InvalidSetting {
    name: &'static str,
    reason: String,
}

impl InvalidSetting {
    /// The setting `name` (its environment variable) is refused for `reason`.
    pub fn new(name: &'static str, reason: impl Into<String>) -> Self {
        Self {
            name,
            reason: reason.into(),
        }
    }
}
