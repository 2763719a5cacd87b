//! Composing the notices that security changes mail to the account.

use portico_kernel::StorageError;
use portico_kernel::mail::compose_for_account;
use portico_kernel::{AccountContacts, AccountId, ComposeError, NewMessage, NoticeComposer};

use crate::notice::{SecurityNotice, SettingChange};
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

/// The notices of a changed security setting, naming the client address it came
/// from.
pub(crate) async fn security_notices(
    contacts: &dyn AccountContacts,
    composer: &dyn NoticeComposer,
    account: AccountId,
    change: SettingChange,
    client: &ClientInfo,
) -> Result<Vec<NewMessage>, NoticeError> {
    let contact = contacts
        .contact(account)
        .await?
        .ok_or(NoticeError::NotFound)?;
    let notice = SecurityNotice::SettingChanged {
        change,
        username: contact.username.clone(),
        ip: client.ip,
    };
    Ok(compose_for_account(composer, account, &contact, &notice)?)
}
