//! The email history a client reads.

use std::sync::Arc;

use portico_kernel::{AccountId, MessageId, Page, PageRequest, StorageError};

use crate::message::{Message, MessageStatus, StatusEvent};
use crate::ports::OutboxRepository;

/// Why a history read failed.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The account has no such message.
    #[error("no such message")]
    NotFound,
    /// Storage failed.
    #[error("message storage failed")]
    Unexpected(#[from] StorageError),
}

/// Every message sent to an account, newest first, with its status.
#[derive(Clone)]
pub struct MailHistory {
    outbox: Arc<dyn OutboxRepository>,
}

impl MailHistory {
    /// Wires the service.
    pub fn new(outbox: Arc<dyn OutboxRepository>) -> Self {
        Self { outbox }
    }

    /// One page of the account's messages, optionally of one status.
    #[tracing::instrument(name = "MailHistory::list", skip_all, fields(account = %account))]
    pub async fn list(
        &self,
        account: AccountId,
        status: Option<MessageStatus>,
        page: &PageRequest,
    ) -> Result<Page<Message>, HistoryError> {
        Ok(self.outbox.list(account, status, page).await?)
    }

    /// One message with its status history. Another account's message is not found.
    #[tracing::instrument(name = "MailHistory::get", skip_all, fields(account = %account, id = %id))]
    pub async fn get(
        &self,
        account: AccountId,
        id: MessageId,
    ) -> Result<(Message, Vec<StatusEvent>), HistoryError> {
        self.outbox
            .find(account, id)
            .await?
            .ok_or(HistoryError::NotFound)
    }
}
