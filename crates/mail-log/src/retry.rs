//! When to try a failed delivery again, and when to give up.

use time::{Duration, OffsetDateTime};

use crate::ports::{AttemptResult, DeliveryError};

/// The outbox's retry and lease rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts before a message fails for good.
    pub max_attempts: u32,
    /// Wait after the first failure; each later one doubles it.
    pub first_backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
    /// How long a claimed batch stays reserved for its worker. It must outlast the
    /// slowest batch, or another worker could claim and send a message this one is
    /// still about to send: `batch / in_flight` messages one after another, each at most
    /// 100 s over SMTP (20 s to check an idle connection, 20 s to connect, 60 s for the
    /// message), so 500 s by default; and no send starts within two minutes of the
    /// lease's end. A worker that dies mid-send leaves its batch claimable again after
    /// this.
    pub lease: Duration,
    /// Messages claimed per round.
    pub batch: u64,
    /// Messages of a round handed to the transport at once (the SMTP connection pool
    /// has as many connections). Sends overlap; the outcomes that finish together are
    /// recorded together.
    pub in_flight: usize,
}

impl Default for RetryPolicy {
    /// Eight attempts spread over about two hours (30 s, 1, 2, 4, 8, 16, 32 min).
    fn default() -> Self {
        Self {
            max_attempts: 8,
            first_backoff: Duration::seconds(30),
            max_backoff: Duration::hours(1),
            lease: Duration::minutes(10),
            batch: 20,
            in_flight: 4,
        }
    }
}

impl RetryPolicy {
    /// The default rules with `in_flight` sends at once and five messages per send
    /// lane in a round, so that the lease still outlasts a round.
    pub fn with_in_flight(in_flight: usize) -> Self {
        let in_flight = in_flight.max(1);
        Self {
            in_flight,
            batch: u64::try_from(in_flight * 5).unwrap_or(u64::MAX),
            ..Self::default()
        }
    }

    /// The wait after the `attempt`-th failed attempt (1-based).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(20);
        let factor = 1_i32.checked_shl(doublings).unwrap_or(i32::MAX);
        self.first_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }

    /// What to record after the `attempt`-th attempt (1-based) ended with `result`.
    pub fn decide(
        &self,
        attempt: u32,
        result: Result<String, DeliveryError>,
        now: OffsetDateTime,
    ) -> AttemptResult {
        match result {
            Ok(reply) => AttemptResult::Sent { detail: reply },
            Err(DeliveryError::Permanent(reason)) => AttemptResult::Failed { detail: reason },
            Err(DeliveryError::Transient(reason)) if attempt >= self.max_attempts => {
                AttemptResult::Failed {
                    detail: format!("gave up after {attempt} attempts: {reason}"),
                }
            }
            Err(DeliveryError::Transient(reason)) => AttemptResult::Retry {
                detail: reason,
                next_attempt_at: now + self.backoff(attempt),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff(1), Duration::seconds(30));
        assert_eq!(policy.backoff(2), Duration::minutes(1));
        assert_eq!(policy.backoff(5), Duration::minutes(8));
        assert_eq!(policy.backoff(9), Duration::hours(1));
        assert_eq!(policy.backoff(1_000), Duration::hours(1));
    }

    #[test]
    fn a_temporary_failure_is_retried_until_the_last_attempt() {
        let policy = RetryPolicy::default();
        let now = OffsetDateTime::UNIX_EPOCH;
        let transient = || Err(DeliveryError::Transient("421 busy".into()));
        assert_eq!(
            policy.decide(1, transient(), now),
            AttemptResult::Retry {
                detail: "421 busy".into(),
                next_attempt_at: now + Duration::seconds(30)
            }
        );
        assert!(matches!(
            policy.decide(8, transient(), now),
            AttemptResult::Failed { detail } if detail.contains("gave up after 8 attempts")
        ));
    }

    #[test]
    fn a_permanent_refusal_fails_at_once_and_success_is_sent() {
        let policy = RetryPolicy::default();
        let now = OffsetDateTime::UNIX_EPOCH;
        assert_eq!(
            policy.decide(
                1,
                Err(DeliveryError::Permanent("550 no such user".into())),
                now
            ),
            AttemptResult::Failed {
                detail: "550 no such user".into()
            }
        );
        assert_eq!(
            policy.decide(3, Ok("250 ok".into()), now),
            AttemptResult::Sent {
                detail: "250 ok".into()
            }
        );
    }
}
