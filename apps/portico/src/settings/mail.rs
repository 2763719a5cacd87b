//! How mail leaves Portico: read by `serve` and `worker`.

use std::path::Path;
use std::sync::Arc;

use clap::Args;
use portico_kernel::EmailAddress;
use portico_mail_log::{MailTransport, RetryPolicy};
use portico_smtp::{MailFolder, PoolTiming, SmtpMailer};

use super::{InvalidSetting, Secret};

/// The mail server and the sender.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Mail")]
pub struct MailArgs {
    /// SMTP server for outgoing mail: `smtp://host:port`, `smtp://host:port?tls=required`
    /// (STARTTLS) or `smtps://host:port`, with optional `user:password@`. Without it,
    /// mail is written as .eml files under `<data dir>/mail/`.
    #[arg(long, env = "PORTICO_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,

    /// SMTP connections kept open to the server, and as many mails sent at once.
    #[arg(long, env = "PORTICO_SMTP_CONNECTIONS", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub smtp_connections: u32,

    /// Sender address of every mail; its domain also ends every Message-ID.
    #[arg(
        long,
        env = "PORTICO_MAIL_FROM",
        default_value = "portico@localhost.localdomain"
    )]
    pub mail_from: String,
}

impl MailArgs {
    /// The sender, checked.
    pub fn sender(&self) -> Result<EmailAddress, InvalidSetting> {
        EmailAddress::parse(&self.mail_from)
            .map_err(|e| InvalidSetting::new("PORTICO_MAIL_FROM", e.to_string()))
    }

    /// Retries and leases of the outbox, with as many sends in flight as connections.
    pub fn delivery(&self) -> RetryPolicy {
        RetryPolicy::with_in_flight(self.connections())
    }

    /// SMTP connections, as a count.
    fn connections(&self) -> usize {
        usize::try_from(self.smtp_connections).unwrap_or(1)
    }

    /// Where mail goes: the SMTP server, or the `mail` folder under `data_dir` when
    /// none is set. Building it writes nothing; it judges the SMTP settings.
    pub fn transport(
        &self,
        sender: &EmailAddress,
        data_dir: &Path,
    ) -> Result<Arc<dyn MailTransport>, InvalidSetting> {
        Ok(match &self.smtp_url {
            Some(url) => Arc::new(
                SmtpMailer::with_connections(
                    url.expose(),
                    sender,
                    self.connections(),
                    PoolTiming::default(),
                )
                .map_err(|e| InvalidSetting::new("PORTICO_SMTP_URL", e.to_string()))?,
            ),
            None => Arc::new(MailFolder::new(data_dir.join("mail"), sender)),
        })
    }
}
