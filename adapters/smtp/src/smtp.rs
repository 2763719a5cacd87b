//! Delivery over SMTP.

use async_trait::async_trait;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use portico_kernel::EmailAddress;
use portico_mail_log::{DeliveryError, Envelope, MailTransport};

use crate::compose::compose;

/// The SMTP URL cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("the SMTP URL is not valid: {0}")]
pub struct SmtpUrlError(String);

/// Sends through an SMTP server with a small connection pool.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    sender: EmailAddress,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The transport holds the credentials of the URL.
        f.debug_struct("SmtpMailer")
            .field("sender", &self.sender)
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// How long one SMTP command may take before the attempt counts as failed (and is
    /// retried later).
    const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

    /// A mailer for `smtp://`, `smtp://...?tls=required` or `smtps://` URLs.
    pub fn from_url(url: &str, sender: &EmailAddress) -> Result<Self, SmtpUrlError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| SmtpUrlError(e.to_string()))?
            .timeout(Some(Self::TIMEOUT))
            .build();
        Ok(Self {
            transport,
            sender: sender.clone(),
        })
    }
}

/// Sorts an SMTP failure into retry-or-not. Anything that is not a 5xx answer (4xx,
/// refused connection, timeout, broken TLS) may succeed later.
fn classify(error: &lettre::transport::smtp::Error) -> DeliveryError {
    let text = error.to_string();
    if error.is_permanent() {
        DeliveryError::Permanent(text)
    } else {
        DeliveryError::Transient(text)
    }
}

#[async_trait]
impl MailTransport for SmtpMailer {
    async fn send(&self, envelope: &Envelope) -> Result<String, DeliveryError> {
        let message = compose(envelope, &self.sender)?;
        let response = self
            .transport
            .send(message)
            .await
            .map_err(|e| classify(&e))?;
        let text = response.message().collect::<Vec<_>>().join(" ");
        Ok(format!("{} {}", response.code(), text).trim().to_owned())
    }
}
