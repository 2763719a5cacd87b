//! Composing the notices that security changes mail to the account.

use portico_kernel::{AccountId, StorageError};
use portico_mail_log::{ComposeError, MessageComposer, NewMessage, SecurityNotice, Template};

use crate::ports::AccountDirectory;
use crate::session::ClientInfo;

/// Why a notice could not be composed.
#[derive(Debug, thiserror::Error)]
pub enum NoticeError {
    /// The account no longer exists.
    #[error("no such account")]
    NotFound,
    /// The template could not be rendered.
    #[error(transparent)]
    Compose(#[from] ComposeError),
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The notice of a security change, to the account's primary address in its
/// language, naming the client address the change came from.
pub(crate) async fn security_notice(
    directory: &dyn AccountDirectory,
    composer: &dyn MessageComposer,
    account: AccountId,
    notice: SecurityNotice,
    client: &ClientInfo,
) -> Result<NewMessage, NoticeError> {
    let context = directory
        .context(account)
        .await?
        .ok_or(NoticeError::NotFound)?;
    Ok(composer.compose(
        Some(account),
        &context.primary_email,
        &context.language,
        &Template::SecurityNotice {
            notice,
            username: context.username,
            ip: client.ip.map(|ip| ip.to_string()),
        },
    )?)
}
