//! Bounce reports from the platform.

use std::sync::Arc;

use portico_kernel::{Clock, StorageError};

use crate::ports::{BounceOutcome, BounceReference, OutboxRepository};

/// Why a bounce report was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum BounceError {
    /// No message matches the reference.
    #[error("no message matches the reference")]
    NotFound,
    /// The message was never sent, so it cannot have bounced.
    #[error("the message was never sent")]
    NotSent,
    /// Storage failed.
    #[error("message storage failed")]
    Unexpected(#[from] StorageError),
}

/// Why a bounce happened, as the receiving side said it: one line of text, kept in
/// the message's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BounceReason(String);

/// A bounce reason is empty or too long (after control characters are dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a bounce reason has 1 to 500 characters")]
pub struct InvalidBounceReason;

impl BounceReason {
    /// The longest reason kept.
    pub const MAX_LEN: usize = 500;

    /// Reads a reason, dropping control characters (a multi-line SMTP answer becomes
    /// one line) and the spaces around it.
    pub fn parse(text: &str) -> Result<Self, InvalidBounceReason> {
        let cleaned: String = text.chars().filter(|c| !c.is_control()).collect();
        let cleaned = cleaned.trim();
        if cleaned.is_empty() || cleaned.chars().count() > Self::MAX_LEN {
            return Err(InvalidBounceReason);
        }
        Ok(Self(cleaned.to_owned()))
    }

    /// The reason as kept.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Records that sent messages bounced.
#[derive(Clone)]
pub struct Bounces {
    outbox: Arc<dyn OutboxRepository>,
    clock: Arc<dyn Clock>,
}

impl Bounces {
    /// Wires the service.
    pub fn new(outbox: Arc<dyn OutboxRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { outbox, clock }
    }

    /// Marks the message `bounced`. Reporting the same bounce twice is harmless.
    #[tracing::instrument(name = "Bounces::report", skip_all)]
    pub async fn report(
        &self,
        reference: &BounceReference,
        reason: &BounceReason,
    ) -> Result<(), BounceError> {
        match self
            .outbox
            .mark_bounced(reference, reason.as_str(), self.clock.now())
            .await?
        {
            BounceOutcome::Bounced | BounceOutcome::AlreadyBounced => Ok(()),
            BounceOutcome::NotSent => Err(BounceError::NotSent),
            BounceOutcome::NotFound => Err(BounceError::NotFound),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{InvalidBounceReference, MockOutboxRepository};
    use portico_kernel::{FixedClock, MessageId};
    use time::OffsetDateTime;

    fn bounces(outbox: MockOutboxRepository) -> Bounces {
        Bounces::new(
            Arc::new(outbox),
            Arc::new(FixedClock::at(OffsetDateTime::UNIX_EPOCH)),
        )
    }

    fn reference(text: &str) -> BounceReference {
        BounceReference::parse(text).unwrap()
    }

    fn reason(text: &str) -> BounceReason {
        BounceReason::parse(text).unwrap()
    }

    #[test]
    fn a_reference_is_an_id_or_a_header() {
        let id = MessageId::generate();
        assert_eq!(reference(&id.to_string()), BounceReference::Id(id));
        assert_eq!(
            reference("abc@mail.example"),
            BounceReference::Header("<abc@mail.example>".into())
        );
        assert_eq!(
            reference(" <abc@mail.example> "),
            BounceReference::Header("<abc@mail.example>".into())
        );
        assert_eq!(BounceReference::parse("  "), Err(InvalidBounceReference));
        assert_eq!(
            BounceReference::parse(&"a".repeat(256)),
            Err(InvalidBounceReference)
        );
    }

    #[test]
    fn the_reason_is_cleaned_and_bounded() {
        assert_eq!(reason(" 550\r\n gone ").as_str(), "550 gone");
        assert_eq!(reason(&"x".repeat(500)).as_str().len(), 500);
        assert_eq!(
            BounceReason::parse(&"x".repeat(501)),
            Err(InvalidBounceReason)
        );
        assert_eq!(BounceReason::parse("\r\n \t"), Err(InvalidBounceReason));
    }

    #[tokio::test]
    async fn an_unknown_message_is_not_found() {
        let mut outbox = MockOutboxRepository::new();
        outbox
            .expect_mark_bounced()
            .returning(|_, _, _| Ok(BounceOutcome::NotFound));

        let result = bounces(outbox)
            .report(&reference("nope@x"), &reason("550 user unknown"))
            .await;

        assert!(matches!(result, Err(BounceError::NotFound)));
    }

    #[tokio::test]
    async fn a_message_never_sent_cannot_bounce() {
        let mut outbox = MockOutboxRepository::new();
        outbox
            .expect_mark_bounced()
            .returning(|_, _, _| Ok(BounceOutcome::NotSent));

        let result = bounces(outbox)
            .report(&reference("x@y"), &reason("550"))
            .await;

        assert!(matches!(result, Err(BounceError::NotSent)));
    }

    #[tokio::test]
    async fn the_reason_reaches_the_outbox_as_cleaned() {
        let mut outbox = MockOutboxRepository::new();
        outbox
            .expect_mark_bounced()
            .withf(|reference, reason, _| {
                *reference == BounceReference::Header("<x@y>".into()) && reason == "550 gone"
            })
            .times(1)
            .returning(|_, _, _| Ok(BounceOutcome::Bounced));

        let result = bounces(outbox)
            .report(&reference("x@y"), &reason(" 550\r\n gone "))
            .await;

        assert!(result.is_ok());
    }
}
