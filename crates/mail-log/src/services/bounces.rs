//! Bounce reports from the platform.

use std::sync::Arc;

use portico_kernel::{Clock, MessageId, StorageError};

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
    /// The reason is empty or too long.
    #[error("a bounce reason has 1 to 500 characters")]
    InvalidReason,
    /// Storage failed.
    #[error("message storage failed")]
    Unexpected(#[from] StorageError),
}

/// Records that sent messages bounced.
#[derive(Clone)]
pub struct Bounces {
    outbox: Arc<dyn OutboxRepository>,
    clock: Arc<dyn Clock>,
}

impl Bounces {
    /// Longest reason kept.
    pub const MAX_REASON: usize = 500;

    /// Wires the service.
    pub fn new(outbox: Arc<dyn OutboxRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { outbox, clock }
    }

    /// Reads a reference: Portico's message id, or else a `Message-ID` header (with or
    /// without its angle brackets).
    pub fn reference(text: &str) -> BounceReference {
        let text = text.trim();
        match MessageId::parse(text) {
            Ok(id) => BounceReference::Id(id),
            Err(_) => {
                let bare = text.trim_start_matches('<').trim_end_matches('>');
                BounceReference::Header(format!("<{bare}>"))
            }
        }
    }

    /// Marks the message `bounced`. Reporting the same bounce twice is harmless.
    #[tracing::instrument(name = "Bounces::report", skip_all)]
    pub async fn report(&self, reference: &str, reason: &str) -> Result<(), BounceError> {
        let reason: String = reason.chars().filter(|c| !c.is_control()).collect();
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > Self::MAX_REASON {
            return Err(BounceError::InvalidReason);
        }
        match self
            .outbox
            .mark_bounced(&Self::reference(reference), reason, self.clock.now())
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
    use crate::ports::MockOutboxRepository;
    use portico_kernel::FixedClock;
    use time::OffsetDateTime;

    fn bounces(outbox: MockOutboxRepository) -> Bounces {
        Bounces::new(
            Arc::new(outbox),
            Arc::new(FixedClock::at(OffsetDateTime::UNIX_EPOCH)),
        )
    }

    #[test]
    fn a_reference_is_an_id_or_a_header() {
        let id = MessageId::generate();
        assert_eq!(Bounces::reference(&id.to_string()), BounceReference::Id(id));
        assert_eq!(
            Bounces::reference("abc@mail.example"),
            BounceReference::Header("<abc@mail.example>".into())
        );
        assert_eq!(
            Bounces::reference("<abc@mail.example>"),
            BounceReference::Header("<abc@mail.example>".into())
        );
    }

    #[tokio::test]
    async fn an_unknown_message_is_not_found() {
        let mut outbox = MockOutboxRepository::new();
        outbox
            .expect_mark_bounced()
            .returning(|_, _, _| Ok(BounceOutcome::NotFound));

        let result = bounces(outbox).report("nope@x", "550 user unknown").await;

        assert!(matches!(result, Err(BounceError::NotFound)));
    }

    #[tokio::test]
    async fn a_message_never_sent_cannot_bounce() {
        let mut outbox = MockOutboxRepository::new();
        outbox
            .expect_mark_bounced()
            .returning(|_, _, _| Ok(BounceOutcome::NotSent));

        let result = bounces(outbox).report("x@y", "550").await;

        assert!(matches!(result, Err(BounceError::NotSent)));
    }

    #[tokio::test]
    async fn the_reason_is_cleaned_and_bounded() {
        let mut outbox = MockOutboxRepository::new();
        outbox
            .expect_mark_bounced()
            .withf(|_, reason, _| reason == "550 gone")
            .times(1)
            .returning(|_, _, _| Ok(BounceOutcome::Bounced));
        let service = bounces(outbox);

        assert!(service.report("x@y", " 550\r\n gone ").await.is_ok());
        assert!(matches!(
            service.report("x@y", &"x".repeat(501)).await,
            Err(BounceError::InvalidReason)
        ));
    }
}
