//! Throttling failed attempts, with growing delays and never a permanent lock.
//!
//! Failures are counted under several keys at once (ADR 0012): per account, per
//! account and client network, per client network, per known device, and one
//! second-factor budget per account. A few mistakes cost nothing; after that each
//! further failure closes the door for twice as long as the one before, up to a cap,
//! so a guessing attack slows to a crawl while the owner, on a device that logged in
//! before, is judged by that device's counter alone. The counters live in the
//! database, shared by every server process.

mod keys;
mod policies;

pub use keys::{ThrottleKey, counted_network};
pub use policies::{Claim, ThrottlePolicies};

use async_trait::async_trait;
use portico_kernel::StorageError;
use time::{Duration, OffsetDateTime};

/// How many failures are free and how the delay grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures before any delay.
    pub free_failures: u32,
    /// The delay after the first failure past the free ones; each later one doubles it.
    pub first_delay: Duration,
    /// The longest delay.
    pub max_delay: Duration,
    /// A quiet period after which the count starts again.
    pub reset_after: Duration,
}

impl Default for ThrottlePolicy {
    /// 5 free failures, then 1 s, 2 s, 4 s... up to 15 minutes; forgotten after a day.
    fn default() -> Self {
        Self {
            free_failures: 5,
            first_delay: Duration::seconds(1),
            max_delay: Duration::minutes(15),
            reset_after: Duration::hours(24),
        }
    }
}

impl ThrottlePolicy {
    /// One attempt per `interval`: for pacing rather than punishing (reset mails).
    pub fn pace(interval: Duration) -> Self {
        Self::limit(1, interval)
    }

    /// At most `attempts` attempts in a row with less than `window` between them;
    /// the next waits `window`. For what costs mail or hashing rather than guesses
    /// (registrations, invitations, verification mails). A claim lets its own
    /// attempt through and blocks the ones after it, hence one free failure fewer.
    pub fn limit(attempts: u32, window: Duration) -> Self {
        Self {
            free_failures: attempts.saturating_sub(1),
            first_delay: window,
            max_delay: window,
            reset_after: window,
        }
    }

    /// Every count that earns a delay shorter than the cap, with its delay, in order;
    /// any count beyond the last earns [`Self::max_delay`]. At most 40 entries.
    pub fn ladder(&self) -> Vec<(u32, Duration)> {
        (self.free_failures.saturating_add(1)..)
            .map(|failures| (failures, self.delay_after(failures)))
            .take_while(|(_, delay)| *delay < self.max_delay)
            .take(40)
            .collect()
    }

    /// The delay after the `failures`-th failure in a row.
    pub fn delay_after(&self, failures: u32) -> Duration {
        if failures <= self.free_failures {
            return Duration::ZERO;
        }
        let doublings = (failures - self.free_failures - 1).min(30);
        let factor = 1_i32.checked_shl(doublings).unwrap_or(i32::MAX);
        self.first_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }
}

/// A counter as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleState {
    /// Failures in a row.
    pub failures: u32,
    /// No attempt is accepted before this.
    pub blocked_until: Option<OffsetDateTime>,
}

/// The failure counters.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ThrottleRepository: Send + Sync {
    /// The latest time any of the keys is blocked until, if later than `now`.
    async fn blocked_until(
        &self,
        keys: &[ThrottleKey],
        now: OffsetDateTime,
    ) -> Result<Option<OffsetDateTime>, StorageError>;

    /// Counts a failure for the key (starting again from one when the last failure is
    /// older than `reset_before`) and returns the new count. Concurrent failures MUST
    /// each be counted.
    async fn record_failure(
        &self,
        key: &ThrottleKey,
        now: OffsetDateTime,
        reset_before: OffsetDateTime,
    ) -> Result<u32, StorageError>;

    /// Claims an attempt under every key before the attempt is judged, atomically:
    /// while any key is blocked at `now`, nothing is counted and the latest block is
    /// returned. Otherwise every key's count grows by one (from one again after its
    /// policy's `reset_after` of quiet) and each key is blocked for the delay its new
    /// count earns under its own policy, as if the attempt will fail. Claims on one
    /// key MUST be serialized, so that a burst of parallel attempts cannot all pass
    /// before the first is counted. A successful attempt then gives its claim back
    /// with [`Self::forgive`] or [`Self::clear`].
    async fn claim(
        &self,
        claims: &[Claim],
        now: OffsetDateTime,
    ) -> Result<Option<OffsetDateTime>, StorageError>;

    /// Gives back one claimed attempt that succeeded: one failure less, and no block
    /// unless the remaining failures still earn one under `policy`.
    async fn forgive(&self, key: &ThrottleKey, policy: &ThrottlePolicy)
    -> Result<(), StorageError>;

    /// Blocks the key until `until` (never shortening an existing block).
    async fn block(&self, key: &ThrottleKey, until: OffsetDateTime) -> Result<(), StorageError>;

    /// Forgets the key's failures.
    async fn clear(&self, key: &ThrottleKey) -> Result<(), StorageError>;
}

/// Claims an attempt under `claims` (see [`ThrottleRepository::claim`]); `Err`
/// carries how long until attempts are accepted again.
pub async fn claim(
    repository: &dyn ThrottleRepository,
    claims: &[Claim],
    now: OffsetDateTime,
) -> Result<Result<(), Duration>, StorageError> {
    if claims.is_empty() {
        return Ok(Ok(()));
    }
    Ok(match repository.claim(claims, now).await? {
        Some(until) => Err((until - now).max(Duration::SECOND)),
        None => Ok(()),
    })
}

/// Claims an attempt under `keys`, all counted under one `policy`.
pub async fn claim_attempt(
    repository: &dyn ThrottleRepository,
    policy: &ThrottlePolicy,
    keys: &[ThrottleKey],
    now: OffsetDateTime,
) -> Result<Result<(), Duration>, StorageError> {
    let claims: Vec<Claim> = keys
        .iter()
        .map(|key| Claim::new(key.clone(), *policy))
        .collect();
    claim(repository, &claims, now).await
}

/// Gives claimed attempts back after they succeeded: each key either forgets its
/// failures or gets this one attempt back, as its claim says.
pub async fn settle(
    repository: &dyn ThrottleRepository,
    claims: &[Claim],
) -> Result<(), StorageError> {
    for claim in claims {
        if claim.cleared_on_success {
            repository.clear(&claim.key).await?;
        } else {
            repository.forgive(&claim.key, &claim.policy).await?;
        }
    }
    Ok(())
}

/// Gives claimed attempts back without clearing anything: the attempt was not a
/// guess (a right password sent without the code it also needs, say).
pub async fn give_back(
    repository: &dyn ThrottleRepository,
    claims: &[Claim],
) -> Result<(), StorageError> {
    for claim in claims {
        repository.forgive(&claim.key, &claim.policy).await?;
    }
    Ok(())
}

/// Counts a failure against every claim's key and blocks the ones past their free
/// failures. For failures found after an attempt was already settled as a success
/// (a code used by a concurrent request).
pub async fn count_failure(
    repository: &dyn ThrottleRepository,
    claims: &[Claim],
    now: OffsetDateTime,
) -> Result<(), StorageError> {
    for Claim { key, policy, .. } in claims {
        let failures = repository
            .record_failure(key, now, now - policy.reset_after)
            .await?;
        let delay = policy.delay_after(failures);
        if delay > Duration::ZERO {
            repository.block(key, now + delay).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_mistakes_are_free_then_the_delay_doubles_up_to_the_cap() {
        let policy = ThrottlePolicy::default();
        for failures in 0..=5 {
            assert_eq!(policy.delay_after(failures), Duration::ZERO);
        }
        assert_eq!(policy.delay_after(6), Duration::seconds(1));
        assert_eq!(policy.delay_after(7), Duration::seconds(2));
        assert_eq!(policy.delay_after(10), Duration::seconds(16));
        assert_eq!(policy.delay_after(100), Duration::minutes(15));
    }

    #[test]
    fn the_ladder_lists_each_count_below_the_cap() {
        let ladder = ThrottlePolicy::default().ladder();
        assert_eq!(ladder.first(), Some(&(6, Duration::seconds(1))));
        assert_eq!(ladder.last(), Some(&(15, Duration::seconds(512))));
        let pace = ThrottlePolicy::pace(Duration::minutes(1));
        assert!(pace.ladder().is_empty());
        assert_eq!(pace.delay_after(1), Duration::minutes(1));
    }

    #[test]
    fn a_limit_lets_its_attempts_through_then_waits_the_window() {
        let limit = ThrottlePolicy::limit(20, Duration::hours(1));
        assert_eq!(limit.delay_after(19), Duration::ZERO);
        assert_eq!(limit.delay_after(20), Duration::hours(1));
        assert_eq!(limit.delay_after(40), Duration::hours(1));
        assert_eq!(limit.reset_after, Duration::hours(1));
    }
}
