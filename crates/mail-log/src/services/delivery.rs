//! Delivering queued messages: one round of the outbox worker.

use std::sync::Arc;

use std::sync::atomic::{AtomicBool, Ordering};

use futures_channel::mpsc;
use futures_util::{StreamExt, future, stream};
use portico_kernel::{Clock, StorageError};

use crate::message::Envelope;
use crate::ports::{AttemptRecord, AttemptResult, Backlog, MailTransport, OutboxRepository};
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

    /// The queue this worker drains, for monitoring.
    #[tracing::instrument(name = "DeliveryWorker::backlog", skip_all)]
    pub async fn backlog(&self) -> Result<Backlog, StorageError> {
        self.outbox.backlog().await
    }

    /// Delivers one batch of due messages, up to `in_flight` of them at once. The
    /// outcomes that are ready together are recorded together, in one call, as soon
    /// as they are ready, while the other sends go on (a send left unpolled while
    /// outcomes are written could run out of time after the server took the message).
    /// When storage fails, the round starts no further send and reports what it did
    /// all the same (in [`RoundFailed`]).
    #[tracing::instrument(name = "DeliveryWorker::run_once", skip_all)]
    pub async fn run_once(&self) -> Result<DeliveryReport, RoundFailed> {
        let now = self.clock.now();
        let claimed = self
            .outbox
            .claim_due(now, now + self.policy.lease, self.policy.batch)
            .await
            .map_err(|error| RoundFailed {
                report: DeliveryReport::default(),
                error,
            })?;
        let in_flight = self.policy.in_flight.max(1);
        let storage_failed = AtomicBool::new(false);
        let (finished, to_record) = mpsc::unbounded::<AttemptRecord>();
        let sending = async {
            stream::iter(claimed)
                .map(|envelope| self.attempt(envelope, &storage_failed))
                .buffer_unordered(in_flight)
                .for_each(|record| {
                    if let Some(record) = record {
                        // The receiver lives until this stream ends.
                        let _ = finished.unbounded_send(record);
                    }
                    std::future::ready(())
                })
                .await;
            finished.close_channel();
        };
        let mut report = DeliveryReport::default();
        let mut first_error = None;
        let recording = async {
            let mut ready = to_record.ready_chunks(in_flight);
            while let Some(records) = ready.next().await {
                if let Err(error) = self.record(&records).await {
                    storage_failed.store(true, Ordering::SeqCst);
                    first_error.get_or_insert(error);
                }
                for record in &records {
                    match record.result {
                        AttemptResult::Sent { .. } => report.sent += 1,
                        AttemptResult::Retry { .. } => report.retried += 1,
                        AttemptResult::Failed { .. } => report.failed += 1,
                    }
                }
            }
        };
        future::join(sending, recording).await;
        match first_error {
            None => Ok(report),
            Some(error) => Err(RoundFailed { report, error }),
        }
    }

    /// Records outcomes together; if that fails, one by one, so that one outcome that
    /// cannot be written does not take the others with it (each is fenced by its
    /// lease, so writing one again is harmless).
    async fn record(&self, records: &[AttemptRecord]) -> Result<(), StorageError> {
        if self.outbox.record_attempts(records).await.is_err() {
            let mut first_error = None;
            for record in records {
                let written = self
                    .outbox
                    .record_attempt(record.id, record.lease_until, record.at, &record.result)
                    .await;
                if let Err(error) = written {
                    tracing::error!(message = %record.id, %error, "an outcome could not be recorded");
                    first_error.get_or_insert(error);
                }
            }
            return first_error.map_or(Ok(()), Err);
        }
        Ok(())
    }

    /// Sends one claimed message (unless earlier attempts kept dying) and returns the
    /// outcome to record under the message's lease. A message is left leased, unsent
    /// (`None`), once recording an outcome of the round failed (a send now could not
    /// be recorded either, and would be repeated after the lease) or when its lease
    /// ends within [`SEND_MARGIN`] (another worker may claim it before the send ends).
    async fn attempt(
        &self,
        envelope: Envelope,
        storage_failed: &AtomicBool,
    ) -> Option<AttemptRecord> {
        // A lease shorter than twice the margin (in tests, say) keeps half of it.
        let margin = SEND_MARGIN.min(self.policy.lease / 2);
        if storage_failed.load(Ordering::SeqCst)
            || self.clock.now() + margin >= envelope.lease_until
        {
            return None;
        }
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
            AttemptResult::Sent { .. } => {}
            AttemptResult::Retry { detail, .. } => {
                tracing::warn!(message = %envelope.id, attempt, %detail, "delivery will be retried");
            }
            AttemptResult::Failed { detail } => {
                tracing::warn!(message = %envelope.id, attempt, %detail, "delivery failed");
            }
        }
        Some(AttemptRecord {
            id: envelope.id,
            lease_until: envelope.lease_until,
            at,
            result,
        })
    }
}

/// A round that storage cut short: what it did before, and why.
#[derive(Debug, thiserror::Error)]
#[error("an outbox round failed: {error}")]
pub struct RoundFailed {
    /// The attempts made (a message sent but not recorded counts as sent).
    pub report: DeliveryReport,
    /// The storage failure.
    #[source]
    pub error: StorageError,
}

/// The longest one send may take (connecting, checking an idle connection and the
/// message itself, with the SMTP adapter's timeouts) plus room to record it: a
/// message whose lease ends sooner is not started.
pub const SEND_MARGIN: time::Duration = time::Duration::minutes(2);

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
                *now == start() && *lease_until == start() + Duration::minutes(10) && *limit == 20
            })
            .return_once(move |_, _, _| Ok(vec![message]));
        outbox
            .expect_record_attempts()
            .withf(move |records| {
                matches!(records, [AttemptRecord { id: record_id, lease_until, result, .. }]
                    if *record_id == id
                        && *lease_until == start() + Duration::minutes(10)
                        && matches!(result, AttemptResult::Sent { detail } if detail == "250 queued"))
            })
            .times(1)
            .returning(|_| Ok(()));
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
            .expect_record_attempts()
            .withf(|records| {
                matches!(records, [AttemptRecord { result, .. }] if
                matches!(result, AttemptResult::Retry { next_attempt_at, .. }
                    if *next_attempt_at == start() + Duration::minutes(2)))
            })
            .times(1)
            .returning(|_| Ok(()));
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
            .expect_record_attempts()
            .withf(|records| {
                matches!(records, [AttemptRecord { result, .. }] if
                matches!(result, AttemptResult::Failed { detail } if detail.contains("550")))
            })
            .times(1)
            .returning(|_| Ok(()));
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
            .expect_record_attempts()
            .withf(|records| {
                matches!(records, [AttemptRecord { result, .. }] if
                matches!(result, AttemptResult::Failed { detail } if detail.contains("interrupted")))
            })
            .times(1)
            .returning(|_| Ok(()));
        let mut transport = MockMailTransport::new();
        transport.expect_send().times(0);

        let report = worker(outbox, transport).run_once().await.unwrap();

        assert_eq!(report.failed, 1);
    }

    /// A transport whose sends finish only once `in_flight` of them have started.
    struct Gathering {
        all_started: tokio::sync::Barrier,
    }

    #[async_trait::async_trait]
    impl MailTransport for Gathering {
        async fn send(&self, _envelope: &Envelope) -> Result<String, DeliveryError> {
            self.all_started.wait().await;
            Ok("250 queued".into())
        }
    }

    #[tokio::test]
    async fn a_round_has_its_messages_in_flight_at_once() {
        let messages = vec![envelope(1), envelope(1), envelope(1)];
        let mut outbox = MockOutboxRepository::new();
        outbox
            .expect_claim_due()
            .withf(|_, _, limit| *limit == 15)
            .return_once(move |_, _, _| Ok(messages));
        let recorded = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = recorded.clone();
        outbox.expect_record_attempts().returning(move |records| {
            counted.fetch_add(records.len(), Ordering::SeqCst);
            Ok(())
        });
        let worker = DeliveryWorker::new(
            Arc::new(outbox),
            Arc::new(Gathering {
                all_started: tokio::sync::Barrier::new(3),
            }),
            Arc::new(FixedClock::at(start())),
            RetryPolicy::with_in_flight(3),
        );

        let report = tokio::time::timeout(std::time::Duration::from_secs(5), worker.run_once())
            .await
            .expect("one send at a time would wait forever for the other two")
            .unwrap();

        assert_eq!(report.sent, 3);
        assert_eq!(recorded.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn after_a_failed_record_no_further_message_is_sent() {
        let failing = envelope(1);
        let failing_id = failing.id;
        // One at a time: the third send starts as the second's outcome is written
        // (sends do not wait for records); the fourth starts after that failed.
        let messages = vec![envelope(1), failing, envelope(1), envelope(1)];
        let mut outbox = MockOutboxRepository::new();
        outbox
            .expect_claim_due()
            .return_once(move |_, _, _| Ok(messages));
        let storage_down = || Err(StorageError::corrupt("the database went away"));
        outbox.expect_record_attempts().returning(move |records| {
            if records.iter().any(|record| record.id == failing_id) {
                storage_down()
            } else {
                Ok(())
            }
        });
        // The group failed: each outcome is tried alone, the failing one fails again.
        outbox
            .expect_record_attempt()
            .withf(move |id, _, _, _| *id == failing_id)
            .times(1)
            .returning(move |_, _, _, _| storage_down());
        outbox
            .expect_record_attempt()
            .returning(|_, _, _, _| Ok(()));
        let sends = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let one_at_a_time = DeliveryWorker::new(
            Arc::new(outbox),
            Arc::new(Slow {
                sends: sends.clone(),
            }),
            Arc::new(FixedClock::at(start())),
            RetryPolicy::with_in_flight(1),
        );

        let failed = one_at_a_time.run_once().await.unwrap_err();

        assert_eq!(sends.load(Ordering::SeqCst), 3, "the fourth is never sent");
        assert_eq!(failed.report.sent, 3, "every send is reported");
    }

    /// A transport that takes 20 ms per message and counts them.
    struct Slow {
        sends: Arc<std::sync::atomic::AtomicUsize>,
    }

    #[async_trait::async_trait]
    impl MailTransport for Slow {
        async fn send(&self, _envelope: &Envelope) -> Result<String, DeliveryError> {
            self.sends.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            Ok("250 queued".into())
        }
    }

    #[tokio::test]
    async fn a_message_whose_lease_is_about_to_end_is_not_started() {
        let mut late = envelope(1);
        late.lease_until = start() + Duration::minutes(1);
        let mut outbox = MockOutboxRepository::new();
        outbox
            .expect_claim_due()
            .return_once(move |_, _, _| Ok(vec![late]));
        outbox.expect_record_attempts().times(0);
        let mut transport = MockMailTransport::new();
        transport.expect_send().times(0);

        let report = worker(outbox, transport).run_once().await.unwrap();

        assert_eq!(report.handled(), 0);
    }

    #[tokio::test]
    async fn an_empty_outbox_sends_nothing() {
        let mut outbox = MockOutboxRepository::new();
        outbox
            .expect_claim_due()
            .returning(|_, _, _| Ok(Vec::new()));
        outbox.expect_record_attempts().times(0);
        let mut transport = MockMailTransport::new();
        transport.expect_send().times(0);

        let report = worker(outbox, transport).run_once().await.unwrap();

        assert_eq!(report.handled(), 0);
    }
}
