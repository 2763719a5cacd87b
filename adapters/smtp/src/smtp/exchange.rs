//! One message's SMTP transaction, in two stages: `MAIL FROM`, after which the server
//! holds a transaction, then the recipients, `DATA` and the content. The pool may
//! retry the first stage on a fresh connection; never the second.

use lettre::address::Envelope as SmtpEnvelope;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::response::Response;

/// The extension a message needs and the server lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MissingExtension {
    /// An address beyond ASCII needs SMTPUTF8.
    #[error("the address is not ASCII and the SMTP server does not support SMTPUTF8")]
    SmtpUtf8,
    /// Content beyond ASCII needs 8BITMIME (the same content encoded does not).
    #[error("the message is not ASCII and the SMTP server does not support 8BITMIME")]
    EightBitMime,
}

/// Why a stage failed.
#[derive(Debug)]
pub enum ExchangeError {
    /// The server answered negatively, or the connection failed.
    Smtp(lettre::transport::smtp::Error),
    /// The message needs an extension this server lacks (permanent for this server).
    Unsupported(MissingExtension),
}

impl ExchangeError {
    /// A failure a fresh connection to the same server would repeat.
    pub fn is_unsupported(&self) -> bool {
        matches!(self, Self::Unsupported(_))
    }

    /// A failure a fresh connection might not meet: the connection broke, or a 4xx
    /// answer (such as 421, "closing"). A 5xx answer would be repeated.
    pub fn may_succeed_elsewhere(&self) -> bool {
        matches!(self, Self::Smtp(error) if !error.is_permanent())
    }
}

impl From<lettre::transport::smtp::Error> for ExchangeError {
    fn from(error: lettre::transport::smtp::Error) -> Self {
        Self::Smtp(error)
    }
}

/// `MAIL FROM`, with SMTPUTF8 and 8BITMIME asked for when the envelope or the content
/// need them (as lettre's own `send` does).
pub async fn begin(
    connection: &mut AsyncSmtpConnection,
    envelope: &SmtpEnvelope,
    content: &[u8],
) -> Result<(), ExchangeError> {
    let mut parameters = Vec::new();
    let non_ascii_address = envelope
        .from()
        .into_iter()
        .chain(envelope.to())
        .any(|address| !AsRef::<str>::as_ref(address).is_ascii());
    if non_ascii_address {
        if !connection
            .server_info()
            .supports_feature(Extension::SmtpUtfEight)
        {
            return Err(ExchangeError::Unsupported(MissingExtension::SmtpUtf8));
        }
        parameters.push(MailParameter::SmtpUtfEight);
    }
    if !content.is_ascii() {
        if !connection
            .server_info()
            .supports_feature(Extension::EightBitMime)
        {
            return Err(ExchangeError::Unsupported(MissingExtension::EightBitMime));
        }
        parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    connection
        .command(Mail::new(envelope.from().cloned(), parameters))
        .await?;
    Ok(())
}

/// The recipients, `DATA`, the content and the server's final answer.
pub async fn finish(
    connection: &mut AsyncSmtpConnection,
    envelope: &SmtpEnvelope,
    content: &[u8],
) -> Result<Response, ExchangeError> {
    for recipient in envelope.to() {
        connection
            .command(Rcpt::new(recipient.clone(), vec![]))
            .await?;
    }
    connection.command(Data).await?;
    Ok(connection.message(content).await?)
}
