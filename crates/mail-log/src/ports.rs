//! The ports of the mail-log domain.

use async_trait::async_trait;
use portico_kernel::{AccountId, MessageId, Page, PageRequest, StorageError};
use time::OffsetDateTime;

use crate::message::{Envelope, Message, MessageStatus, NewMessage, StatusEvent};

/// How one delivery attempt ended, as the outbox records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptResult {
    /// The SMTP server accepted the message: it becomes `sent`.
    Sent {
        /// The server's answer.
        detail: String,
    },
    /// A temporary failure: the message stays `queued` until `next_attempt_at`.
    Retry {
        /// What went wrong.
        detail: String,
        /// When to try again.
        next_attempt_at: OffsetDateTime,
    },
    /// A permanent refusal, or the last allowed attempt failed: it becomes `failed`.
    Failed {
        /// Why.
        detail: String,
    },
}

/// Which message a bounce report names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BounceReference {
    /// Portico's own message id.
    Id(MessageId),
    /// The `Message-ID` header the message was sent with.
    Header(String),
}

impl BounceReference {
    /// The longest reference read, in characters.
    pub const MAX_LEN: usize = 255;

    /// Reads a reference as a bounce report gives it: Portico's message id, or else a
    /// `Message-ID` header, with or without its angle brackets.
    pub fn parse(text: &str) -> Result<Self, InvalidBounceReference> {
        let trimmed = text.trim();
        if trimmed.is_empty() || text.chars().count() > Self::MAX_LEN {
            return Err(InvalidBounceReference);
        }
        Ok(match MessageId::parse(trimmed) {
            Ok(id) => Self::Id(id),
            Err(_) => {
                let bare = trimmed.trim_start_matches('<').trim_end_matches('>');
                Self::Header(format!("<{bare}>"))
            }
        })
    }
}

/// A bounce report named no message: the reference is empty or too long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a message id has 1 to 255 characters")]
pub struct InvalidBounceReference;

/// What recording a bounce did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BounceOutcome {
    /// The message is now `bounced`.
    Bounced,
    /// It was already `bounced`; nothing changed (reports may arrive twice).
    AlreadyBounced,
    /// It was never sent (`queued` or `failed`), so it cannot have bounced.
    NotSent,
    /// No message matches the reference.
    NotFound,
}

/// The outbox and the email history.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait OutboxRepository: Send + Sync {
    /// Writes a message as `queued`, due at once. (Changes that cause mail write the
    /// message in their own transaction through the adapter instead.)
    async fn enqueue(&self, message: &NewMessage) -> Result<(), StorageError>;

    /// Claims up to `limit` queued messages that are due at `now` and not leased by
    /// another worker, leasing them until `lease_until` and counting the attempt. Two
    /// workers calling this at the same time MUST never both receive the same message;
    /// a message whose lease ran out (its worker died) MUST be claimable again.
    async fn claim_due(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u64,
    ) -> Result<Vec<Envelope>, StorageError>;

    /// Records the outcome of an attempt and moves the message on. It applies only to
    /// a `queued` message still holding `lease_until` (the lease of the claim that
    /// produced the attempt); otherwise the call does nothing.
    async fn record_attempt(
        &self,
        id: MessageId,
        lease_until: OffsetDateTime,
        at: OffsetDateTime,
        result: &AttemptResult,
    ) -> Result<(), StorageError>;

    /// Records several outcomes at once, each as [`Self::record_attempt`] would (and
    /// each fenced by its own lease), in one transaction where the database allows:
    /// the outbox worker records a round's finished sends together.
    async fn record_attempts(&self, attempts: &[AttemptRecord]) -> Result<(), StorageError> {
        for attempt in attempts {
            self.record_attempt(attempt.id, attempt.lease_until, attempt.at, &attempt.result)
                .await?;
        }
        Ok(())
    }

    /// One page of the account's messages, newest first, optionally of one status.
    async fn list(
        &self,
        account: AccountId,
        status: Option<MessageStatus>,
        page: &PageRequest,
    ) -> Result<Page<Message>, StorageError>;

    /// One of the account's messages with its status history, oldest event first;
    /// `None` when the account has no such message.
    async fn find(
        &self,
        account: AccountId,
        id: MessageId,
    ) -> Result<Option<(Message, Vec<StatusEvent>)>, StorageError>;

    /// How many messages are queued (due or waiting for a retry), and when the
    /// oldest of them was written: what monitoring watches to see mail falling behind.
    async fn backlog(&self) -> Result<Backlog, StorageError>;

    /// Marks a `sent` message `bounced`, recording the reason.
    async fn mark_bounced(
        &self,
        reference: &BounceReference,
        reason: &str,
        at: OffsetDateTime,
    ) -> Result<BounceOutcome, StorageError>;
}

/// One finished attempt, to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    /// The message.
    pub id: MessageId,
    /// The lease of the claim that made the attempt (the fence).
    pub lease_until: OffsetDateTime,
    /// When the attempt ended.
    pub at: OffsetDateTime,
    /// How it ended.
    pub result: AttemptResult,
}

/// The outbox's queue at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Backlog {
    /// Messages in `queued`.
    pub queued: u64,
    /// When the oldest queued message was written; `None` when none is queued.
    pub oldest_queued_at: Option<OffsetDateTime>,
}

/// Why a delivery attempt failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Worth retrying: the server is unreachable or answered 4xx.
    #[error("temporary delivery failure: {0}")]
    Transient(String),
    /// Not worth retrying: the server answered 5xx, or the message cannot be built.
    #[error("permanent delivery failure: {0}")]
    Permanent(String),
}

/// Hands messages to a mail server (or a mail folder).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait MailTransport: Send + Sync {
    /// Sends one message; the answer is the server's reply, for the history.
    async fn send(&self, envelope: &Envelope) -> Result<String, DeliveryError>;
}
