//! Limits on what costs a mail or a hash without being a guess: opening accounts,
//! inviting delegates, sending verification mails. Past a limit the request waits,
//! so that nobody can use Portico to flood an inbox or burn the hashing threads.

use std::net::IpAddr;
use std::sync::Arc;

use portico_kernel::{AccountId, Clock, StorageError};
use time::Duration;

use crate::events::{SecurityEventRepository, record_throttled};
use crate::session::ClientInfo;
use crate::throttle::{Claim, ThrottleKey, ThrottlePolicy, ThrottleRepository, claim};

/// How many of each are allowed, with less than the window between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitPolicies {
    /// Accounts opened from one client network.
    pub registrations: ThrottlePolicy,
    /// Delegate invitations sent by one account.
    pub invitations: ThrottlePolicy,
    /// Verification mails one account asks to send to one address; every account
    /// together may send four times as many to it.
    pub verification_mails: ThrottlePolicy,
    /// Verification mails sent to one address by every account together.
    pub verification_mails_to_address: ThrottlePolicy,
}

impl RateLimitPolicies {
    /// So many of each an hour.
    pub fn per_hour(registrations: u32, invitations: u32, verification_mails: u32) -> Self {
        let hour = Duration::hours(1);
        Self {
            registrations: ThrottlePolicy::limit(registrations, hour),
            invitations: ThrottlePolicy::limit(invitations, hour),
            verification_mails: ThrottlePolicy::limit(verification_mails, hour),
            verification_mails_to_address: ThrottlePolicy::limit(
                verification_mails.saturating_mul(4),
                hour,
            ),
        }
    }
}

impl Default for RateLimitPolicies {
    /// 20 registrations per address, 20 invitations per account, 5 verification
    /// mails per address, an hour.
    fn default() -> Self {
        Self::per_hour(20, 20, 5)
    }
}

/// Why a request was not let through.
#[derive(Debug, thiserror::Error)]
pub enum RateLimitError {
    /// The limit is reached; try again after the delay.
    #[error("too many requests; try again later")]
    Limited {
        /// How long until the next one is accepted.
        retry_after: Duration,
    },
    /// Storage failed.
    #[error("the rate limit could not be checked")]
    Unexpected(#[from] StorageError),
}

/// Counts requests that cost mail or hashing, and refuses those past their limit.
#[derive(Clone)]
pub struct RateLimits {
    throttle: Arc<dyn ThrottleRepository>,
    events: Arc<dyn SecurityEventRepository>,
    clock: Arc<dyn Clock>,
    policies: RateLimitPolicies,
}

impl RateLimits {
    /// Wires the service.
    pub fn new(
        throttle: Arc<dyn ThrottleRepository>,
        events: Arc<dyn SecurityEventRepository>,
        clock: Arc<dyn Clock>,
        policies: RateLimitPolicies,
    ) -> Self {
        Self {
            throttle,
            events,
            clock,
            policies,
        }
    }

    /// Counts an account opened from `ip` (an unknown address is not limited: only
    /// a misconfigured proxy hides it, and refusing everyone would be worse).
    #[tracing::instrument(name = "RateLimits::registration", skip_all)]
    pub async fn registration(&self, ip: Option<IpAddr>) -> Result<(), RateLimitError> {
        let Some(ip) = ip else {
            return Ok(());
        };
        self.admit(ThrottleKey::registration(ip), self.policies.registrations)
            .await
    }

    /// Counts a delegate invitation sent by `account`.
    #[tracing::instrument(name = "RateLimits::invitation", skip_all, fields(account = %account))]
    pub async fn invitation(
        &self,
        account: AccountId,
        client: &ClientInfo,
    ) -> Result<(), RateLimitError> {
        let admitted = self
            .admit(ThrottleKey::invitation(account), self.policies.invitations)
            .await;
        self.note_refusal(admitted, account, client, "delegate invitation")
            .await
    }

    /// Counts a verification mail to `address`, asked for by `account`: limited per
    /// account, so that nobody can keep another account from verifying an address,
    /// and per address over every account, so that many accounts cannot flood it.
    #[tracing::instrument(name = "RateLimits::verification_mail", skip_all, fields(account = %account))]
    pub async fn verification_mail(
        &self,
        account: AccountId,
        address: &str,
        client: &ClientInfo,
    ) -> Result<(), RateLimitError> {
        let claims = [
            Claim::new(
                ThrottleKey::verification_mail_from(account, address),
                self.policies.verification_mails,
            ),
            Claim::new(
                ThrottleKey::verification_mail(address),
                self.policies.verification_mails_to_address,
            ),
        ];
        let admitted = self.admit_all(&claims).await;
        self.note_refusal(admitted, account, client, "verification mail")
            .await
    }

    async fn admit(&self, key: ThrottleKey, policy: ThrottlePolicy) -> Result<(), RateLimitError> {
        self.admit_all(&[Claim::new(key, policy)]).await
    }

    async fn admit_all(&self, claims: &[Claim]) -> Result<(), RateLimitError> {
        claim(self.throttle.as_ref(), claims, self.clock.now())
            .await?
            .map_err(|retry_after| RateLimitError::Limited { retry_after })
    }

    /// Records a refusal in the account's audit trail (paced), and passes the
    /// outcome on.
    async fn note_refusal(
        &self,
        admitted: Result<(), RateLimitError>,
        account: AccountId,
        client: &ClientInfo,
        what: &str,
    ) -> Result<(), RateLimitError> {
        if let Err(RateLimitError::Limited { .. }) = &admitted {
            record_throttled(
                self.events.as_ref(),
                self.throttle.as_ref(),
                account,
                client,
                what,
                self.clock.now(),
            )
            .await?;
        }
        admitted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{MockSecurityEventRepository, SecurityEventKind};
    use crate::throttle::MockThrottleRepository;
    use portico_kernel::FixedClock;
    use time::OffsetDateTime;

    fn limits(blocked: bool, events: MockSecurityEventRepository) -> RateLimits {
        let mut throttle = MockThrottleRepository::new();
        throttle.expect_claim().returning(move |claims, now| {
            // The pace of refusal records is never blocked here.
            let paced = claims[0].key.as_str().starts_with("refusal:");
            Ok((blocked && !paced).then_some(now + Duration::minutes(30)))
        });
        RateLimits::new(
            Arc::new(throttle),
            Arc::new(events),
            Arc::new(FixedClock::at(OffsetDateTime::UNIX_EPOCH)),
            RateLimitPolicies::default(),
        )
    }

    #[tokio::test]
    async fn a_request_within_its_limit_goes_through_and_records_nothing() {
        let mut events = MockSecurityEventRepository::new();
        events.expect_record().never();
        let limits = limits(false, events);
        let account = AccountId::generate();
        limits
            .invitation(account, &ClientInfo::default())
            .await
            .unwrap();
        limits
            .registration(Some("192.0.2.1".parse().unwrap()))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_request_past_its_limit_waits_and_is_recorded_for_the_account() {
        let mut events = MockSecurityEventRepository::new();
        events
            .expect_record()
            .withf(|event| {
                event.kind == SecurityEventKind::AttemptThrottled
                    && event.detail.as_deref() == Some("verification mail")
            })
            .times(1)
            .returning(|_| Ok(()));
        let limits = limits(true, events);
        let refused = limits
            .verification_mail(
                AccountId::generate(),
                "ada@example.com",
                &ClientInfo::default(),
            )
            .await;
        assert!(matches!(
            refused,
            Err(RateLimitError::Limited { retry_after }) if retry_after == Duration::minutes(30)
        ));
    }

    #[test]
    fn limits_are_per_hour() {
        let policies = RateLimitPolicies::per_hour(20, 20, 5);
        assert_eq!(policies.registrations.delay_after(19), Duration::ZERO);
        assert_eq!(policies.registrations.delay_after(20), Duration::hours(1));
        assert_eq!(
            policies.verification_mails.delay_after(5),
            Duration::hours(1)
        );
        assert_eq!(
            policies.verification_mails_to_address.delay_after(19),
            Duration::ZERO
        );
    }
}
