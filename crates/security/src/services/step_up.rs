//! The recent-authentication window ("step-up"): sensitive changes need the session
//! to have proved the password (and the second factor) lately, so that a stolen
//! session token alone cannot take an account over.

use std::sync::Arc;

use portico_kernel::{Clock, Password, StorageError};
use time::Duration;

use crate::events::{SecurityEvent, SecurityEventKind, SecurityEventRepository, record_refusal};
use crate::ports::{FreshProof, SessionRepository};
use crate::second_factor_code::SecondFactorCode;
use crate::services::reauth::{Caller, GuardedAction, ReauthError, Reauthentication};
use crate::session::{ClientInfo, Session};
use crate::throttle::ThrottleRepository;
use crate::two_factor::GuardedWriteError;

/// Why a sensitive change may not go ahead.
#[derive(Debug, thiserror::Error)]
pub enum ReauthenticationRequired {
    /// The session's last proof is older than the window: re-authenticate first
    /// (the refusal was recorded in the account's audit trail).
    #[error("this change needs a recent proof of the password; re-authenticate first")]
    Stale,
    /// Storage failed while recording the refusal.
    #[error("the recent-authentication check failed unexpectedly")]
    Unexpected(#[from] StorageError),
}

/// Holds sensitive changes to the recent-authentication window and renews it.
#[derive(Clone)]
pub struct StepUp {
    reauth: Reauthentication,
    sessions: Arc<dyn SessionRepository>,
    events: Arc<dyn SecurityEventRepository>,
    throttle: Arc<dyn ThrottleRepository>,
    clock: Arc<dyn Clock>,
    window: Duration,
}

/// The ports [`StepUp`] works with besides re-authentication.
#[derive(Clone)]
pub struct StepUpPorts {
    /// Sessions, where the proof's time is kept.
    pub sessions: Arc<dyn SessionRepository>,
    /// The audit trail, for refusals.
    pub events: Arc<dyn SecurityEventRepository>,
    /// Paces the refusal records.
    pub throttle: Arc<dyn ThrottleRepository>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

impl StepUp {
    /// The shortest window accepted: anything shorter would refuse a change typed
    /// right after logging in.
    pub const MIN_WINDOW: Duration = Duration::minutes(1);

    /// Wires the service; `window` is how long a proof counts as recent (at least
    /// [`Self::MIN_WINDOW`]).
    pub fn new(reauth: Reauthentication, ports: StepUpPorts, window: Duration) -> Self {
        Self {
            reauth,
            sessions: ports.sessions,
            events: ports.events,
            throttle: ports.throttle,
            clock: ports.clock,
            window: window.max(Self::MIN_WINDOW),
        }
    }

    /// How long a proof counts as recent.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Lets a sensitive change go ahead only when the session proved the password
    /// (and second factor) within the window; a refusal is recorded (paced).
    #[tracing::instrument(name = "StepUp::require", skip_all, fields(account = %session.account))]
    pub async fn require(
        &self,
        session: &Session,
        client: &ClientInfo,
    ) -> Result<(), ReauthenticationRequired> {
        let now = self.clock.now();
        if session.recently_authenticated(self.window, now) {
            return Ok(());
        }
        let event = SecurityEvent::new(
            session.account,
            SecurityEventKind::ReauthenticationRequired,
            now,
            client,
            None,
        );
        record_refusal(
            self.events.as_ref(),
            self.throttle.as_ref(),
            &event,
            "sensitive change",
        )
        .await?;
        Err(ReauthenticationRequired::Stale)
    }

    /// Renews the session's proof with the password and, when two-factor is on, a
    /// code, throttled like a login. The code is used up with the renewal, so it
    /// cannot be replayed.
    #[tracing::instrument(name = "StepUp::renew", skip_all, fields(account = %session.account))]
    pub async fn renew(
        &self,
        session: &Session,
        password: &Password,
        code: Option<&SecondFactorCode>,
        client: &ClientInfo,
    ) -> Result<(), ReauthError> {
        const ACTION: GuardedAction = GuardedAction::StepUp;
        let account = session.account;
        let verified = self
            .reauth
            .verify(Caller::from(session), password, code, client, ACTION)
            .await?;
        let now = self.clock.now();
        let fresh = FreshProof {
            session: session.id,
            account,
            at: now,
            event: SecurityEvent::new(
                account,
                SecurityEventKind::Reauthenticated,
                now,
                client,
                Some(match &verified.proof {
                    Some(proof) => format!("factors: password, {}", proof.factor()),
                    None => "factor: password".into(),
                }),
            ),
            proof: verified.proof,
        };
        match self.sessions.renew_proof(&fresh).await {
            Ok(()) => {
                if fresh.proof.is_some() {
                    self.reauth.code_used(account).await;
                }
                Ok(())
            }
            Err(GuardedWriteError::FactorUsed) => {
                Err(self.reauth.fail(account, client, ACTION).await?)
            }
            Err(GuardedWriteError::Stale) => Err(ReauthError::NotFound),
            Err(GuardedWriteError::Storage(error)) => Err(error.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hasher::Verification;
    use crate::services::test_support::{Doubles, Fixture, client, now, reauth};
    use crate::two_factor::SecondFactorProof;
    use portico_kernel::{FixedClock, SessionId, TokenDigest};

    fn session(f: &Fixture, authenticated_at: time::OffsetDateTime) -> Session {
        Session {
            id: SessionId::generate(),
            account: f.account,
            token_digest: TokenDigest::from_stored("digest".into()),
            created_at: authenticated_at,
            last_seen_at: now(),
            absolute_expires_at: now() + Duration::hours(1),
            authenticated_at,
            client: client(),
            second_factor_pending: false,
        }
    }

    fn step_up(d: Doubles, sessions: crate::ports::MockSessionRepository) -> StepUp {
        let ports = d.ports();
        StepUp::new(
            reauth(&ports),
            StepUpPorts {
                sessions: Arc::new(sessions),
                events: ports.events.clone(),
                throttle: ports.throttle.clone(),
                clock: Arc::new(FixedClock::at(now())),
            },
            Duration::minutes(10),
        )
    }

    fn right() -> Verification {
        Verification::Match {
            needs_rehash: false,
        }
    }

    #[tokio::test]
    async fn a_change_needs_a_proof_younger_than_the_window_and_a_refusal_is_recorded() {
        let f = Fixture::new();
        let mut d = Doubles::new(right(), None);
        d.events.checkpoint();
        d.events
            .expect_record()
            .withf(|e| e.kind == SecurityEventKind::ReauthenticationRequired)
            .times(1)
            .returning(|_| Ok(()));
        let step_up = step_up(d, crate::ports::MockSessionRepository::new());
        assert!(
            step_up
                .require(&session(&f, now() - Duration::minutes(9)), &client())
                .await
                .is_ok()
        );
        assert!(matches!(
            step_up
                .require(&session(&f, now() - Duration::minutes(10)), &client())
                .await,
            Err(ReauthenticationRequired::Stale)
        ));
    }

    #[test]
    fn the_window_is_never_shorter_than_a_minute() {
        let d = Doubles::new(right(), None);
        let ports = d.ports();
        let step_up = StepUp::new(
            reauth(&ports),
            StepUpPorts {
                sessions: Arc::new(crate::ports::MockSessionRepository::new()),
                events: ports.events.clone(),
                throttle: ports.throttle.clone(),
                clock: Arc::new(FixedClock::at(now())),
            },
            Duration::seconds(5),
        );
        assert_eq!(step_up.window(), StepUp::MIN_WINDOW);
    }

    #[tokio::test]
    async fn a_renewal_writes_the_proof_and_its_code_together() {
        let f = Fixture::new();
        let mut d = Doubles::new(right(), Some(f.record(true)));
        // The budget is restored once the renewal has used the code up.
        let account = f.account;
        d.throttle.checkpoint();
        d.throttle.expect_claim().returning(|_, _| Ok(None));
        d.throttle
            .expect_clear()
            .withf(move |key| *key == crate::throttle::ThrottleKey::second_factor(account))
            .times(1)
            .returning(|_| Ok(()));
        d.throttle.expect_clear().returning(|_| Ok(()));
        let mut sessions = crate::ports::MockSessionRepository::new();
        let step = u64::try_from(now().unix_timestamp()).unwrap() / 30;
        sessions
            .expect_renew_proof()
            .withf(move |fresh| {
                fresh.at == now()
                    && fresh.proof == Some(SecondFactorProof::Totp { step })
                    && fresh.event.kind == SecurityEventKind::Reauthenticated
            })
            .times(1)
            .returning(|_| Ok(()));
        let stale = session(&f, now() - Duration::hours(1));

        step_up(d, sessions)
            .renew(
                &stale,
                &Password::new("violet tractor sings".into()),
                Some(&f.typed_code()),
                &client(),
            )
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_code_used_meanwhile_renews_nothing_and_spends_the_budget() {
        let f = Fixture::new();
        let mut d = Doubles::new(right(), Some(f.record(true)));
        let account = f.account;
        d.throttle.checkpoint();
        d.throttle
            .expect_claim()
            .withf(move |claims, _| {
                claims[0].key == crate::throttle::ThrottleKey::second_factor(account)
            })
            .times(1)
            .returning(|_, _| Ok(None));
        d.throttle.expect_claim().returning(|_, _| Ok(None));
        d.throttle
            .expect_clear()
            .withf(move |key| *key == crate::throttle::ThrottleKey::second_factor(account))
            .times(0);
        d.throttle.expect_clear().returning(|_| Ok(()));
        let mut sessions = crate::ports::MockSessionRepository::new();
        sessions
            .expect_renew_proof()
            .returning(|_| Err(GuardedWriteError::FactorUsed));
        let stale = session(&f, now() - Duration::hours(1));

        let result = step_up(d, sessions)
            .renew(
                &stale,
                &Password::new("violet tractor sings".into()),
                Some(&f.typed_code()),
                &client(),
            )
            .await;

        assert!(matches!(result, Err(ReauthError::WrongCode)));
    }

    #[tokio::test]
    async fn a_wrong_password_renews_nothing() {
        let f = Fixture::new();
        let d = Doubles::new(Verification::Mismatch, None);
        let mut sessions = crate::ports::MockSessionRepository::new();
        sessions.expect_renew_proof().times(0);
        let stale = session(&f, now() - Duration::hours(1));

        let result = step_up(d, sessions)
            .renew(&stale, &Password::new("wrong".into()), None, &client())
            .await;

        assert!(matches!(result, Err(ReauthError::WrongPassword)));
    }
}
