//! Throttling failed attempts, with growing delays and never a permanent lock.
//!
//! Failures are counted per login name and per client address. A few mistakes cost
//! nothing; after that each further failure closes the door for twice as long as the
//! one before, up to a cap, so a guessing attack slows to a crawl while the owner is
//! at most delayed. The login name is counted whether or not an account has it, so a
//! delay reveals nothing about which accounts exist. The counters live in the
//! database, shared by every server process.

use std::net::IpAddr;

use async_trait::async_trait;
use portico_kernel::StorageError;
use time::{Duration, OffsetDateTime};

/// What is being counted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ThrottleKey(String);

impl ThrottleKey {
    /// Failures for one login name (case-folded), account or not. The name is kept
    /// only as its SHA-256 digest: the table holds no typed-in logins (which may be
    /// passwords entered in the wrong field), and any text makes a valid key.
    pub fn login(login: &str) -> Self {
        let folded = login.trim().to_lowercase();
        let digest = portico_kernel::SecretToken::from_client(&folded).digest();
        Self(format!("login:{}", digest.as_str()))
    }

    /// Failed re-authentications (such as a wrong current password) of one account.
    pub fn account(account: portico_kernel::AccountId) -> Self {
        Self(format!("account:{account}"))
    }

    /// Wrong second-factor codes sent to complete logins of one account. Kept apart
    /// from [`Self::account`] so that someone who knows the password and guesses
    /// codes does not also block the owner's password reset.
    pub fn second_factor(account: portico_kernel::AccountId) -> Self {
        Self(format!("second-factor:{account}"))
    }

    /// Wrong second-factor codes sent by one pending login: its budget.
    pub fn pending_session(session: portico_kernel::SessionId) -> Self {
        Self(format!("pending-session:{session}"))
    }

    /// Wrong guesses made with one password reset link.
    pub fn reset_link(digest: &portico_kernel::TokenDigest) -> Self {
        Self(format!("reset:{}", digest.as_str()))
    }

    /// Reset mails sent to one account: not failures, a pace (one per minute).
    pub fn reset_mail(account: portico_kernel::AccountId) -> Self {
        Self(format!("reset-mail:{account}"))
    }

    /// Refusals by the IP whitelist of one account, address and kind of attempt
    /// that were recorded: a pace, not failures.
    pub fn refusal_record(account: portico_kernel::AccountId, address: &str, what: &str) -> Self {
        Self(format!("refusal:{account}:{address}:{what}"))
    }

    /// Failures from one client address.
    pub fn address(ip: IpAddr) -> Self {
        Self(format!("ip:{ip}"))
    }

    /// The storage form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

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
        Self {
            free_failures: 0,
            first_delay: interval,
            max_delay: interval,
            reset_after: interval,
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
    /// returned. Otherwise every key's count grows by one (from one again after
    /// `policy.reset_after` of quiet) and each key is blocked for the delay its new
    /// count earns under `policy`, as if the attempt will fail. Claims on one key MUST
    /// be serialized, so that a burst of parallel attempts cannot all pass before the
    /// first is counted. A successful attempt then gives its claim back with
    /// [`Self::forgive`] or [`Self::clear`].
    async fn claim(
        &self,
        keys: &[ThrottleKey],
        now: OffsetDateTime,
        policy: &ThrottlePolicy,
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

/// Claims an attempt under `keys` (see [`ThrottleRepository::claim`]); `Err` carries
/// how long until attempts are accepted again.
pub async fn claim_attempt(
    repository: &dyn ThrottleRepository,
    policy: &ThrottlePolicy,
    keys: &[ThrottleKey],
    now: OffsetDateTime,
) -> Result<Result<(), Duration>, StorageError> {
    Ok(match repository.claim(keys, now, policy).await? {
        Some(until) => Err((until - now).max(Duration::SECOND)),
        None => Ok(()),
    })
}

/// After a successful attempt: the named keys forget their failures (an account or
/// login name proved itself), the other claimed keys get one failure back (an address
/// may still be guessing at other accounts).
pub async fn settle_success(
    repository: &dyn ThrottleRepository,
    policy: &ThrottlePolicy,
    cleared: &[ThrottleKey],
    forgiven: &[ThrottleKey],
) -> Result<(), StorageError> {
    for key in cleared {
        repository.clear(key).await?;
    }
    for key in forgiven {
        repository.forgive(key, policy).await?;
    }
    Ok(())
}

/// Counts a failure against every key and blocks the ones past their free failures.
/// For failures found after an attempt was already settled as a success (a code used
/// by a concurrent request).
pub async fn count_failure(
    repository: &dyn ThrottleRepository,
    policy: &ThrottlePolicy,
    keys: &[ThrottleKey],
    now: OffsetDateTime,
) -> Result<(), StorageError> {
    for key in keys {
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
    fn login_keys_fold_case_and_space_and_hold_no_login_text() {
        assert_eq!(ThrottleKey::login(" Ada "), ThrottleKey::login("ada"));
        assert!(!ThrottleKey::login("ada\u{0}").as_str().contains('\u{0}'));
        assert!(!ThrottleKey::login("my secret").as_str().contains("secret"));
        assert_ne!(
            ThrottleKey::login("ada"),
            ThrottleKey::address("192.0.2.1".parse().unwrap())
        );
    }
}
