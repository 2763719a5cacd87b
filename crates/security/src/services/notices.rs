//! Composing the notices that security changes mail to the account.

use portico_kernel::{AccountId, StorageError};
use portico_mail_log::{ComposeError, MessageComposer, NewMessage, SecurityNotice, Template};

use crate::ports::{AccountContext, AccountDirectory};
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

/// `template` for every address that hears of security changes (the primary one
/// and every other verified one), in the account's language.
pub(crate) fn notices_for(
    composer: &dyn MessageComposer,
    account: AccountId,
    context: &AccountContext,
    template: &Template,
) -> Result<Vec<NewMessage>, ComposeError> {
    context
        .notice_recipients()
        .into_iter()
        .map(|to| composer.compose(Some(account), to, &context.language, template))
        .collect()
}

/// The notices of a security change, naming the client address it came from.
pub(crate) async fn security_notices(
    directory: &dyn AccountDirectory,
    composer: &dyn MessageComposer,
    account: AccountId,
    notice: SecurityNotice,
    client: &ClientInfo,
) -> Result<Vec<NewMessage>, NoticeError> {
    let context = directory
        .context(account)
        .await?
        .ok_or(NoticeError::NotFound)?;
    let template = Template::SecurityNotice {
        notice,
        username: context.username.clone(),
        ip: client.ip.map(|ip| ip.to_string()),
    };
    Ok(notices_for(composer, account, &context, &template)?)
}
