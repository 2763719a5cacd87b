//! The recent-authentication window ("step-up"): sensitive changes need the session
//! to have proved the password (and the second factor) lately, so that a stolen
//! session token alone cannot take an account over.

use std::sync::Arc;

use portico_kernel::{Clock, Password};
use time::Duration;

use crate::events::{SecurityEvent, SecurityEventKind};
use crate::ports::{FreshProof, SessionRepository};
use crate::services::reauth::{ReauthError, Reauthentication};
use crate::session::{ClientInfo, Session};
use crate::two_factor::GuardedWriteError;

/// The session's last proof is older than the window: re-authenticate first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this change needs a recent proof of the password; re-authenticate first")]
pub struct ReauthenticationRequired;

/// Holds sensitive changes to the recent-authentication window and renews it.
#[derive(Clone)]
pub struct StepUp {
    reauth: Reauthentication,
    sessions: Arc<dyn SessionRepository>,
    clock: Arc<dyn Clock>,
    window: Duration,
}

impl StepUp {
    /// The shortest window accepted: anything shorter would refuse a change typed
    /// right after logging in.
    pub const MIN_WINDOW: Duration = Duration::minutes(1);

    /// Wires the service; `window` is how long a proof counts as recent (at least
    /// [`Self::MIN_WINDOW`]).
    pub fn new(
        reauth: Reauthentication,
        sessions: Arc<dyn SessionRepository>,
        clock: Arc<dyn Clock>,
        window: Duration,
    ) -> Self {
        Self {
            reauth,
            sessions,
            clock,
            window: window.max(Self::MIN_WINDOW),
        }
    }

    /// How long a proof counts as recent.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Lets a sensitive change go ahead only when the session proved the password
    /// (and second factor) within the window.
    pub fn require(&self, session: &Session) -> Result<(), ReauthenticationRequired> {
        if session.recently_authenticated(self.window, self.clock.now()) {
            Ok(())
        } else {
            Err(ReauthenticationRequired)
        }
    }

    /// Renews the session's proof with the password and, when two-factor is on, a
    /// code, throttled like a login. The code is used up with the renewal, so it
    /// cannot be replayed.
    pub async fn renew(
        &self,
        session: &Session,
        password: &Password,
        code: Option<&str>,
        client: &ClientInfo,
    ) -> Result<(), ReauthError> {
        const ACTION: &str = "re-authentication";
        let account = session.account;
        let verified = self
            .reauth
            .verify(account, password, code, client, ACTION)
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
            Ok(()) => Ok(()),
            Err(GuardedWriteError::FactorUsed) => {
                Err(self.reauth.fail(account, client, ACTION).await?)
            }
            Err(GuardedWriteError::Stale) => Err(ReauthError::NotFound),
            Err(GuardedWriteError::Storage(error)) => Err(error.into()),
        }
    }
}
