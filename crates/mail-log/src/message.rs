//! Messages, their statuses and delivery attempts.

use std::fmt;

pub use portico_kernel::mail::{Content, NewMessage};
use portico_kernel::{EmailAddress, MessageId};
use time::OffsetDateTime;

/// Where a message is in its life.
///
/// `queued -> sent`, `queued -> failed` and `sent -> bounced` are the only moves; a
/// queued message that meets a temporary failure stays queued for a later attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageStatus {
    /// Waiting for (another) delivery attempt.
    Queued,
    /// Accepted by the SMTP server.
    Sent,
    /// Refused for good, or out of attempts.
    Failed,
    /// Accepted, then reported undeliverable by the receiving side.
    Bounced,
}

/// The text is not a message status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a status is one of queued, sent, failed, bounced")]
pub struct InvalidStatus;

impl MessageStatus {
    /// Every status, in life order.
    pub const ALL: [Self; 4] = [Self::Queued, Self::Sent, Self::Failed, Self::Bounced];

    /// Whether a message may move from this status to `next`.
    pub fn can_become(self, next: Self) -> bool {
        matches!(
            (self, next),
            (Self::Queued, Self::Sent) | (Self::Queued, Self::Failed) | (Self::Sent, Self::Bounced)
        )
    }

    /// The wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Bounced => "bounced",
        }
    }

    /// Reads a wire or storage name.
    pub fn parse(text: &str) -> Result<Self, InvalidStatus> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or(InvalidStatus)
    }
}

impl fmt::Display for MessageStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored message as the history shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Its id.
    pub id: MessageId,
    /// Recipient.
    pub to: EmailAddress,
    /// Template name.
    pub template: String,
    /// Language.
    pub language: String,
    /// Subject and redacted bodies.
    pub content: Content,
    /// Current status.
    pub status: MessageStatus,
    /// Creation time.
    pub created_at: OffsetDateTime,
    /// When the SMTP server accepted it.
    pub sent_at: Option<OffsetDateTime>,
    /// Delivery attempts made so far.
    pub attempts: u32,
    /// The `Message-ID` header.
    pub message_id_header: String,
}

/// One entry of a message's status history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEvent {
    /// When.
    pub at: OffsetDateTime,
    /// The status after the event.
    pub status: MessageStatus,
    /// What happened: the SMTP answer, the bounce reason, "queued".
    pub detail: String,
}

/// A message claimed by a delivery worker: everything needed to send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The message.
    pub id: MessageId,
    /// Recipient.
    pub to: EmailAddress,
    /// What to send (with its secrets, if any).
    pub content: Content,
    /// The `Message-ID` header.
    pub message_id_header: String,
    /// The number of this attempt (1 for the first): attempts are counted when a
    /// message is claimed, so a worker that dies mid-send still uses one up.
    pub attempts: u32,
    /// The lease this worker holds. Recording the outcome only applies while the
    /// message still carries this lease: if it ran out and another worker claimed the
    /// message, this worker's late result is ignored.
    pub lease_until: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use MessageStatus::*;

    #[test]
    fn only_the_documented_moves_are_allowed() {
        let allowed = [(Queued, Sent), (Queued, Failed), (Sent, Bounced)];
        for from in MessageStatus::ALL {
            for to in MessageStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn statuses_read_back_their_names() {
        for status in MessageStatus::ALL {
            assert_eq!(MessageStatus::parse(status.as_str()), Ok(status));
        }
        assert_eq!(MessageStatus::parse("delivered"), Err(InvalidStatus));
    }
}
