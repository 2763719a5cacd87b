//! An outbox in memory: what `OutboxRepository` promises, kept in a `Vec` behind one
//! lock. A platform team would write the same over its own storage; Portico's is
//! `portico_sea_orm::SeaOutbox`.

use std::sync::{Mutex, MutexGuard, PoisonError};

use portico_kernel::{
    AccountId, Content, Cursor, MessageId, NewMessage, Page, PageRequest, StorageError, async_trait,
};
use portico_mail_log::ports::{
    AttemptResult, Backlog, BounceOutcome, BounceReference, OutboxRepository,
};
use portico_mail_log::{Envelope, Message, MessageStatus, StatusEvent};
use time::OffsetDateTime;

/// One message with what only the outbox sees: who it is for, the copy with the
/// live link, when it is due and which claim holds it.
struct Entry {
    account: Option<AccountId>,
    message: Message,
    secret_delivery: Option<Content>,
    due_at: OffsetDateTime,
    lease_until: Option<OffsetDateTime>,
    history: Vec<StatusEvent>,
}

impl Entry {
    fn move_to(&mut self, status: MessageStatus, at: OffsetDateTime, detail: &str) {
        self.message.status = status;
        self.history.push(StatusEvent {
            at,
            status,
            detail: detail.to_owned(),
        });
    }
}

/// The outbox and the email history, in memory.
#[derive(Default)]
pub struct MemoryOutbox(Mutex<Vec<Entry>>);

impl MemoryOutbox {
    fn entries(&self) -> MutexGuard<'_, Vec<Entry>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn cursor(message: &Message) -> Cursor {
    Cursor {
        created_at: message.created_at,
        id: message.id.to_string(),
    }
}

#[async_trait]
impl OutboxRepository for MemoryOutbox {
    async fn enqueue(&self, new: &NewMessage) -> Result<(), StorageError> {
        let mut entry = Entry {
            account: new.account,
            message: Message {
                id: new.id,
                to: new.to.clone(),
                template: new.template.to_owned(),
                language: new.language.clone(),
                content: new.stored.clone(),
                status: MessageStatus::Queued,
                created_at: new.created_at,
                sent_at: None,
                attempts: 0,
                message_id_header: new.message_id_header.clone(),
            },
            secret_delivery: new.secret_delivery.clone(),
            due_at: new.created_at,
            lease_until: None,
            history: Vec::new(),
        };
        entry.move_to(MessageStatus::Queued, new.created_at, "queued");
        self.entries().push(entry);
        Ok(())
    }

    async fn claim_due(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u64,
    ) -> Result<Vec<Envelope>, StorageError> {
        let mut entries = self.entries();
        let mut due: Vec<&mut Entry> = entries
            .iter_mut()
            .filter(|e| e.message.status == MessageStatus::Queued && e.due_at <= now)
            .filter(|e| e.lease_until.is_none_or(|lease| lease <= now))
            .collect();
        due.sort_by_key(|e| e.due_at);
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        Ok(due
            .into_iter()
            .take(limit)
            .map(|entry| {
                entry.lease_until = Some(lease_until);
                entry.message.attempts += 1;
                let message = &entry.message;
                Envelope {
                    id: message.id,
                    to: message.to.clone(),
                    content: entry
                        .secret_delivery
                        .clone()
                        .unwrap_or_else(|| message.content.clone()),
                    message_id_header: message.message_id_header.clone(),
                    attempts: message.attempts,
                    lease_until,
                }
            })
            .collect())
    }

    async fn record_attempt(
        &self,
        id: MessageId,
        lease_until: OffsetDateTime,
        at: OffsetDateTime,
        result: &AttemptResult,
    ) -> Result<(), StorageError> {
        let mut entries = self.entries();
        // The fence: a worker whose lease ran out (and whose message another worker
        // claimed meanwhile) changes nothing.
        let Some(entry) = entries.iter_mut().find(|e| {
            e.message.id == id
                && e.message.status == MessageStatus::Queued
                && e.lease_until == Some(lease_until)
        }) else {
            return Ok(());
        };
        entry.lease_until = None;
        match result {
            AttemptResult::Sent { detail } => {
                entry.message.sent_at = Some(at);
                entry.move_to(MessageStatus::Sent, at, detail);
            }
            AttemptResult::Retry {
                detail,
                next_attempt_at,
            } => {
                entry.due_at = *next_attempt_at;
                entry.move_to(MessageStatus::Queued, at, detail);
            }
            AttemptResult::Failed { detail } => entry.move_to(MessageStatus::Failed, at, detail),
        }
        Ok(())
    }

    async fn list(
        &self,
        account: AccountId,
        status: Option<MessageStatus>,
        page: &PageRequest,
    ) -> Result<Page<Message>, StorageError> {
        let entries = self.entries();
        let mut messages: Vec<Message> = entries
            .iter()
            .filter(|e| e.account == Some(account))
            .filter(|e| status.is_none_or(|s| e.message.status == s))
            .map(|e| e.message.clone())
            .collect();
        // Newest first; a cursor names the last message of the page before.
        messages.sort_by_key(|m| std::cmp::Reverse((m.created_at, m.id.to_string())));
        let before = page.after().map(|c| (c.created_at, c.id.clone()));
        let rows = messages
            .into_iter()
            .filter(|m| {
                before
                    .as_ref()
                    .is_none_or(|b| (m.created_at, m.id.to_string()) < *b)
            })
            .take(usize::try_from(page.limit()).unwrap_or(usize::MAX) + 1)
            .collect();
        Ok(Page::from_overfetch(rows, page, cursor))
    }

    async fn find(
        &self,
        account: AccountId,
        id: MessageId,
    ) -> Result<Option<(Message, Vec<StatusEvent>)>, StorageError> {
        let entries = self.entries();
        let found = entries
            .iter()
            .find(|e| e.account == Some(account) && e.message.id == id);
        Ok(found.map(|e| (e.message.clone(), e.history.clone())))
    }

    async fn backlog(&self) -> Result<Backlog, StorageError> {
        let entries = self.entries();
        let queued = entries
            .iter()
            .filter(|e| e.message.status == MessageStatus::Queued);
        Ok(Backlog {
            queued: queued.clone().count() as u64,
            oldest_queued_at: queued.map(|e| e.message.created_at).min(),
        })
    }

    async fn mark_bounced(
        &self,
        reference: &BounceReference,
        reason: &str,
        at: OffsetDateTime,
    ) -> Result<BounceOutcome, StorageError> {
        let mut entries = self.entries();
        let Some(entry) = entries.iter_mut().find(|e| match reference {
            BounceReference::Id(id) => e.message.id == *id,
            BounceReference::Header(header) => e.message.message_id_header == *header,
        }) else {
            return Ok(BounceOutcome::NotFound);
        };
        Ok(match entry.message.status {
            MessageStatus::Bounced => BounceOutcome::AlreadyBounced,
            MessageStatus::Sent => {
                entry.move_to(MessageStatus::Bounced, at, reason);
                BounceOutcome::Bounced
            }
            MessageStatus::Queued | MessageStatus::Failed => BounceOutcome::NotSent,
        })
    }
}
