//! Delivery into a folder of `.eml` files, for running without an SMTP server.

use std::path::PathBuf;

use async_trait::async_trait;
use portico_kernel::EmailAddress;
use portico_mail_log::{DeliveryError, Envelope, MailTransport};

use crate::compose::compose;
use crate::readable_body::EightBit;

/// Writes every message to `<folder>/<message id>.eml`.
#[derive(Debug, Clone)]
pub struct MailFolder {
    folder: PathBuf,
    sender: EmailAddress,
}

impl MailFolder {
    /// A transport writing into `folder` (created on first use).
    pub fn new(folder: PathBuf, sender: &EmailAddress) -> Self {
        Self {
            folder,
            sender: sender.clone(),
        }
    }
}

#[async_trait]
impl MailTransport for MailFolder {
    async fn send(&self, envelope: &Envelope) -> Result<String, DeliveryError> {
        // A file takes 8-bit text as it is.
        let message = compose(envelope, &self.sender, EightBit::Allowed)?;
        let path = self.folder.join(format!("{}.eml", envelope.id));
        let io = |e: std::io::Error| {
            DeliveryError::Transient(format!("cannot write {}: {e}", path.display()))
        };
        tokio::fs::create_dir_all(&self.folder).await.map_err(io)?;
        tokio::fs::write(&path, message.formatted())
            .await
            .map_err(io)?;
        Ok(format!("written to {}", path.display()))
    }
}
