//! Delivery over SMTP: a bounded pool of connections opened by Portico (with
//! `TCP_NODELAY`) and driven by lettre's SMTP client.

mod connect;
mod exchange;
mod pool;
mod relay;

use std::sync::Arc;

use async_trait::async_trait;
use portico_kernel::EmailAddress;
use portico_mail_log::{DeliveryError, Envelope, MailTransport};

use crate::compose::compose;
use crate::readable_body::EightBit;
use exchange::MissingExtension;
pub use pool::PoolTiming;
use pool::{ConnectionPool, SendError};
use relay::Relay;

/// The SMTP URL cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("the SMTP URL is not valid: {0}")]
pub struct SmtpUrlError(String);

/// Sends through an SMTP server, several messages at once on up to
/// [`SmtpMailer::DEFAULT_CONNECTIONS`] (or the configured number of) connections.
#[derive(Clone)]
pub struct SmtpMailer {
    pool: Arc<ConnectionPool>,
    sender: EmailAddress,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The pool holds the credentials of the URL.
        f.debug_struct("SmtpMailer")
            .field("sender", &self.sender)
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// Connections (and messages in flight) unless configured otherwise.
    pub const DEFAULT_CONNECTIONS: usize = 4;

    /// A mailer for `smtp://`, `smtp://...?tls=required` or `smtps://` URLs.
    pub fn from_url(url: &str, sender: &EmailAddress) -> Result<Self, SmtpUrlError> {
        Self::with_connections(
            url,
            sender,
            Self::DEFAULT_CONNECTIONS,
            PoolTiming::default(),
        )
    }

    /// A mailer that keeps at most `connections` connections to the server.
    pub fn with_connections(
        url: &str,
        sender: &EmailAddress,
        connections: usize,
        timing: PoolTiming,
    ) -> Result<Self, SmtpUrlError> {
        let relay = Relay::parse(url)?;
        Ok(Self {
            pool: Arc::new(ConnectionPool::new(relay, connections, timing)),
            sender: sender.clone(),
        })
    }
}

/// Sorts a failure into retry-or-not. A 5xx answer is permanent, and so is a message
/// this server cannot take (one needing an extension it lacks); a 4xx answer, a
/// refused connection, a timeout or broken TLS may succeed later.
fn classify(error: &SendError) -> DeliveryError {
    let text = error.to_string();
    match error {
        SendError::Smtp(smtp) if smtp.is_permanent() => DeliveryError::Permanent(text),
        SendError::Unsupported(_) => DeliveryError::Permanent(text),
        _ => DeliveryError::Transient(text),
    }
}

#[async_trait]
impl MailTransport for SmtpMailer {
    async fn send(&self, envelope: &Envelope) -> Result<String, DeliveryError> {
        let message = compose(envelope, &self.sender, EightBit::Allowed)?;
        let formatted = message.formatted();
        let sent = match self.pool.send(message.envelope(), &formatted).await {
            // A server without 8BITMIME takes the same message with its 8-bit text
            // encoded: less convenient to copy from, but delivered. (An address
            // beyond ASCII without SMTPUTF8 would be refused again: not retried.)
            Err(SendError::Unsupported(MissingExtension::EightBitMime)) => {
                let ascii = compose(envelope, &self.sender, EightBit::Refused)?;
                self.pool.send(ascii.envelope(), &ascii.formatted()).await
            }
            other => other,
        };
        let response = sent.map_err(|e| classify(&e))?;
        let text = response.message().collect::<Vec<_>>().join(" ");
        Ok(format!("{} {}", response.code(), text).trim().to_owned())
    }
}
