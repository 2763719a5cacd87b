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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MockOutboxRepository;

    #[tokio::test]
    async fn the_list_is_the_callers_and_of_the_status_asked_for() {
        let account = AccountId::generate();
        let mut outbox = MockOutboxRepository::new();
        outbox
            .expect_list()
            .withf(move |owner, status, page| {
                *owner == account && *status == Some(MessageStatus::Bounced) && page.limit() == 5
            })
            .times(1)
            .returning(|_, _, _| {
                Ok(Page {
                    items: vec![stored_message(MessageStatus::Bounced)],
                    next_cursor: None,
                })
            });
        let page = PageRequest::new(Some(5), None).unwrap();

        let listed = MailHistory::new(Arc::new(outbox))
            .list(account, Some(MessageStatus::Bounced), &page)
            .await
            .unwrap();

        assert_eq!(listed.items[0].status, MessageStatus::Bounced);
    }

    #[tokio::test]
    async fn a_message_is_read_for_its_account_or_not_found() {
        let (account, id) = (AccountId::generate(), MessageId::generate());
        let history = |found: fn() -> Result<_, StorageError>| {
            let mut outbox = MockOutboxRepository::new();
            outbox
                .expect_find()
                .withf(move |owner, asked| *owner == account && *asked == id)
                .times(1)
                .returning(move |_, _| found());
            MailHistory::new(Arc::new(outbox))
        };

        let foreign = history(|| Ok(None)).get(account, id).await;
        let broken = history(|| Err(StorageError::new(std::io::Error::other("disk gone"))))
            .get(account, id)
            .await;
        let (message, events) = history(|| {
            Ok(Some((
                stored_message(MessageStatus::Sent),
                vec![StatusEvent {
                    at: time::OffsetDateTime::UNIX_EPOCH,
                    status: MessageStatus::Sent,
                    detail: "250 ok".into(),
                }],
            )))
        })
        .get(account, id)
        .await
        .unwrap();

        assert!(matches!(foreign, Err(HistoryError::NotFound)));
        assert!(matches!(broken, Err(HistoryError::Unexpected(_))));
        assert_eq!(message.status, MessageStatus::Sent);
        assert_eq!(events[0].detail, "250 ok");
    }

    fn stored_message(status: MessageStatus) -> Message {
        Message {
            id: MessageId::generate(),
            to: portico_kernel::EmailAddress::parse("ada@example.com").unwrap(),
            template: "welcome".into(),
            language: "en".into(),
            content: portico_kernel::Content {
                subject: "Welcome".into(),
                text: "Hello".into(),
                html: "<p>Hello</p>".into(),
            },
            status,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            sent_at: None,
            attempts: 1,
            message_id_header: "<1@example.com>".into(),
        }
    }
}
