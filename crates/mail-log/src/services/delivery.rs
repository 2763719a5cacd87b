//! Delivering queued messages: one round of the outbox worker.

use std::sync::Arc;

use portico_kernel::{Clock, StorageError};

use crate::ports::{AttemptResult, MailTransport, OutboxRepository};
use crate::retry::RetryPolicy;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Messages the server accepted.
    pub sent: usize,
    /// Messages that will be tried again.
    pub retried: usize,
    /// Messages that failed for good.
    pub failed: usize,
}

impl DeliveryReport {
    /// Messages handled in the round.
    pub fn handled(&self) -> usize {
        self.sent + self.retried + self.failed
    }
}

/// Claims due messages, hands them to the transport and records the outcome. Any
/// number of workers (in one process or many) may run rounds at once: the outbox
/// never gives the same message to two of them.
#[derive(Clone)]
pub struct DeliveryWorker {
    outbox: Arc<dyn OutboxRepository>,
    transport: Arc<dyn MailTransport>,
    clock: Arc<dyn Clock>,
    policy: RetryPolicy,
}

impl DeliveryWorker {
    /// Wires the worker.
    pub fn new(
        outbox: Arc<dyn OutboxRepository>,
        transport: Arc<dyn MailTransport>,
        clock: Arc<dyn Clock>,
        policy: RetryPolicy,
    ) -> Self {
        Self {
            outbox,
            transport,
            clock,
            policy,
        }
    }

    /// Delivers one batch of due messages.
    pub async fn run_once(&self) -> Result<DeliveryReport, StorageError> {
        let now = self.clock.now();
        let claimed = self
            .outbox
            .claim_due(now, now + self.policy.lease, self.policy.batch)
            .await?;
        let mut report = DeliveryReport::default();
        for envelope in claimed {
            let attempt = envelope.attempts;
            let at;
            let result = if attempt > self.policy.max_attempts {
                // Earlier workers died while sending it: give up rather than loop.
                at = self.clock.now();
                AttemptResult::Failed {
                    detail: format!("gave up: {} attempts were interrupted", attempt - 1),
                }
            } else {
                let outcome = self.transport.send(&envelope).await;
                at = self.clock.now();
                self.policy.decide(attempt, outcome, at)
            };
            match &result {
                AttemptResult::Sent { .. } => report.sent += 1,
                AttemptResult::Retry { detail, .. } => {
                    tracing::warn!(message = %envelope.id, attempt, %detail, "delivery will be retried");
                    report.retried += 1;
                }
                AttemptResult::Failed { detail } => {
                    tracing::warn!(message = %envelope.id, attempt, %detail, "delivery failed");
                    report.failed += 1;
                }
            }
            self.outbox
                .record_attempt(envelope.id, envelope.lease_until, at, &result)
                .await?;
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Content, Envelope};
    use crate::ports::{DeliveryError, MockMailTransport, MockOutboxRepository};
    use portico_kernel::{EmailAddress, FixedClock, MessageId};
    use time::{Duration, OffsetDateTime};

    fn start() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap()
    }

    fn envelope(attempts: u32) -> Envelope {
        Envelope {
            id: MessageId::generate(),
            to: EmailAddress::parse("ada@example.com").unwrap(),
            content: Content {
                subject: "Hi".into(),
                text: "Hello".into(),
                html: "<p>Hello</p>".into(),
            },
            message_id_header: "<x@example.com>".into(),
            attempts,
            lease_until: start() + Duration::minutes(10),
        }
    }

    fn worker(outbox: MockOutboxRepository, transport: MockMailTransport) -> DeliveryWorker {
        DeliveryWorker::new(
            Arc::new(outbox),
            Arc::new(transport),
            Arc::new(FixedClock::at(start())),
            RetryPolicy::default(),
        )
    }

    #[tokio::test]
    async fn claimed_messages_are_sent_and_recorded_with_a_lease() {
        let message = envelope(1);
        let id = message.id;
        let mut outbox = MockOutboxRepository::new();
        outbox
            .expect_claim_due()
            .withf(|now, lease_until, limit| {
                *now == start() && *lease_until == start() + Duration::minutes(10) && *limit == 5
            })
            .return_once(move |_, _, _| Ok(vec![message]));
        outbox
            .expect_record_attempt()
            .withf(move |record_id, lease, _, result| {
                *record_id == id
                    && *lease == start() + Duration::minutes(10)
                    && matches!(result, AttemptResult::Sent { detail } if detail == "250 queued")
            })
            .times(1)
            .returning(|_, _, _, _| Ok(()));
        let mut transport = MockMailTransport::new();
        transport
            .expect_send()
            .returning(|_| Ok("250 queued".into()));

        let report = worker(outbox, transport).run_once().await.unwrap();

        assert_eq!(
            report,
            DeliveryReport {
                sent: 1,
                retried: 0,
                failed: 0
            }
        );
    }

    #[tokio::test]
    async fn a_server_that_is_down_leaves_the_message_queued_for_later() {
        let message = envelope(3);
        let mut outbox = MockOutboxRepository::new();
        outbox
            .expect_claim_due()
            .return_once(move |_, _, _| Ok(vec![message]));
        outbox
            .expect_record_attempt()
            .withf(|_, _, _, result| {
                matches!(result, AttemptResult::Retry { next_attempt_at, .. }
                    if *next_attempt_at == start() + Duration::minutes(2))
            })
            .times(1)
            .returning(|_, _, _, _| Ok(()));
        let mut transport = MockMailTransport::new();
        transport
            .expect_send()
            .returning(|_| Err(DeliveryError::Transient("connection refused".into())));

        let report = worker(outbox, transport).run_once().await.unwrap();

        assert_eq!(report.retried, 1);
    }

    #[tokio::test]
    async fn a_refused_recipient_fails_with_the_reason() {
        let message = envelope(1);
        let mut outbox = MockOutboxRepository::new();
        outbox
            .expect_claim_due()
            .return_once(move |_, _, _| Ok(vec![message]));
        outbox
            .expect_record_attempt()
            .withf(|_, _, _, result| {
                matches!(result, AttemptResult::Failed { detail } if detail.contains("550"))
            })
            .times(1)
            .returning(|_, _, _, _| Ok(()));
        let mut transport = MockMailTransport::new();
        transport
            .expect_send()
            .returning(|_| Err(DeliveryError::Permanent("550 mailbox unavailable".into())));

        let report = worker(outbox, transport).run_once().await.unwrap();

        assert_eq!(report.failed, 1);
    }

    #[tokio::test]
    async fn a_message_whose_workers_kept_dying_fails_without_another_send() {
        let message = envelope(9);
        let mut outbox = MockOutboxRepository::new();
        outbox
            .expect_claim_due()
            .return_once(move |_, _, _| Ok(vec![message]));
        outbox
            .expect_record_attempt()
            .withf(|_, _, _, result| {
                matches!(result, AttemptResult::Failed { detail } if detail.contains("interrupted"))
            })
            .times(1)
            .returning(|_, _, _, _| Ok(()));
        let mut transport = MockMailTransport::new();
        transport.expect_send().times(0);

        let report = worker(outbox, transport).run_once().await.unwrap();

        assert_eq!(report.failed, 1);
    }

    #[tokio::test]
    async fn an_empty_outbox_sends_nothing() {
        let mut outbox = MockOutboxRepository::new();
        outbox
            .expect_claim_due()
            .returning(|_, _, _| Ok(Vec::new()));
        outbox.expect_record_attempt().times(0);
        let mut transport = MockMailTransport::new();
        transport.expect_send().times(0);

        let report = worker(outbox, transport).run_once().await.unwrap();

        assert_eq!(report.handled(), 0);
    }
}
