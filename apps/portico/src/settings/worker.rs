//! The settings of `portico worker`: the database and the mail, nothing the HTTP
//! server reads.

use std::sync::Arc;

use clap::Args;
use portico_mail_log::MailTransport;

use super::{InvalidSetting, MailArgs, SchemaArgs, StorageArgs};

/// What the outbox worker reads.
#[derive(Debug, Clone, Args)]
pub struct WorkerSettings {
    /// The database and the data folder.
    #[command(flatten)]
    pub storage: StorageArgs,
    /// Migrations at start-up.
    #[command(flatten)]
    pub schema: SchemaArgs,
    /// The mail server and the sender.
    #[command(flatten)]
    pub mail: MailArgs,
}

impl WorkerSettings {
    /// Where mail goes, checked without writing anything (run before the database is
    /// reached, so that a bad value is named first).
    pub fn transport(&self) -> Result<Arc<dyn MailTransport>, InvalidSetting> {
        let sender = self.mail.sender()?;
        self.mail.transport(&sender, &self.storage.data_dir)
    }
}
