//! Completing a login that waits for its second factor.

use std::sync::Arc;

use portico_kernel::{Clock, SecretToken, StorageError};

use crate::devices::DeviceRepository;
use crate::events::{SecurityEvent, SecurityEventKind, SecurityEventRepository};
use crate::ports::SessionRepository;
use crate::second_factor_code::SecondFactorCode;
use crate::seed_vault::SeedVault;
use crate::services::factor_check::proof_for;
use crate::services::login::{NewSession, remember_device};
use crate::services::reauth::{ReauthError, Reauthentication};
use crate::session::{ClientInfo, Session, SessionPolicy};
use crate::throttle::{ThrottleKey, ThrottleRepository};
use crate::two_factor::{
    GuardedWriteError, SecondFactorCompletion, SecondFactorProof, TwoFactorRepository,
};

/// Why the second factor did not complete the login.
#[derive(Debug, thiserror::Error)]
pub enum SecondFactorError {
    /// The code is wrong or was already used; the session still waits.
    #[error("the code is wrong or was already used")]
    WrongCode,
    /// The last wrong code of the session's budget: the session is over, log in again.
    #[error("too many wrong codes; log in again")]
    BudgetExhausted,
    /// The session is no longer waiting (completed or ended meanwhile), or two-factor
    /// was turned off meanwhile (the session is ended; log in again).
    #[error("the session is not waiting for a second factor")]
    NotPending,
    /// Too many wrong codes lately for this account's second factor.
    #[error("too many failed attempts; try again later")]
    Throttled {
        /// How long until the next attempt is accepted.
        retry_after: time::Duration,
    },
    /// Storage failed.
    #[error("the second factor check failed unexpectedly")]
    Unexpected(#[from] StorageError),
}

impl From<ReauthError> for SecondFactorError {
    fn from(error: ReauthError) -> Self {
        match error {
            ReauthError::Throttled { retry_after } => Self::Throttled { retry_after },
            ReauthError::Unexpected(source) => Self::Unexpected(source),
            ReauthError::WrongPassword
            | ReauthError::WrongCode
            | ReauthError::CodeRequired
            | ReauthError::NotFound => Self::WrongCode,
        }
    }
}

/// The ports [`SecondFactorLogin`] works with.
#[derive(Clone)]
pub struct SecondFactorLoginPorts {
    /// Sessions.
    pub sessions: Arc<dyn SessionRepository>,
    /// Known-device credentials.
    pub devices: Arc<dyn DeviceRepository>,
    /// Two-factor state and recovery codes.
    pub two_factor: Arc<dyn TwoFactorRepository>,
    /// The failure counters.
    pub throttle: Arc<dyn ThrottleRepository>,
    /// The audit trail.
    pub events: Arc<dyn SecurityEventRepository>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

/// Completes pending logins with a TOTP or recovery code.
#[derive(Clone)]
pub struct SecondFactorLogin {
    ports: SecondFactorLoginPorts,
    vault: Arc<SeedVault>,
    reauth: Reauthentication,
    policy: SessionPolicy,
}

impl SecondFactorLogin {
    /// Wires the service.
    pub fn new(
        ports: SecondFactorLoginPorts,
        vault: Arc<SeedVault>,
        reauth: Reauthentication,
        policy: SessionPolicy,
    ) -> Self {
        Self {
            ports,
            vault,
            reauth,
            policy,
        }
    }

    /// Checks the code and, when it is right and unused, turns the pending session
    /// into a full one under a new token (the pending token stops working). Wrong
    /// codes, TOTP and recovery alike, draw on one budget per pending session
    /// ([`SessionPolicy::SECOND_FACTOR_BUDGET`]) and on the account's one
    /// second-factor budget. Every attempt is counted before it is judged, so
    /// parallel guesses cannot overdraw either.
    ///
    /// The completed login remembers the device: `device`, the credential the
    /// client sent (a browser's cookie), when it vouches for the account, or a new
    /// one.
    #[tracing::instrument(name = "SecondFactorLogin::complete", skip_all, fields(account = %pending.account))]
    pub async fn complete(
        &self,
        pending: &Session,
        code: &SecondFactorCode,
        device: Option<&SecretToken>,
        client: &ClientInfo,
    ) -> Result<NewSession, SecondFactorError> {
        if !pending.second_factor_pending {
            return Err(SecondFactorError::NotPending);
        }
        let account = pending.account;
        let now = self.ports.clock.now();
        // The account's one second-factor budget first, shared with resets and
        // re-authentication, so that logging in again buys no fresh guesses; while
        // it is closed, the pending login's own attempts are not spent.
        let budget = self.reauth.second_factor_claims(account);
        self.reauth.claim(account, client, &budget).await?;
        let attempt = self
            .ports
            .throttle
            .record_failure(
                &ThrottleKey::pending_session(pending.id),
                now,
                pending.created_at,
            )
            .await?;
        if attempt > SessionPolicy::SECOND_FACTOR_BUDGET {
            // Not judged: the account's claim goes back.
            self.reauth.succeeded_without_clearing(&budget).await?;
            self.end(pending, client).await?;
            return Err(SecondFactorError::BudgetExhausted);
        }
        let record = self
            .ports
            .two_factor
            .find(account)
            .await?
            .filter(|record| record.is_enabled());
        let Some(record) = record else {
            self.ports.sessions.delete(account, pending.id).await?;
            return Err(SecondFactorError::NotPending);
        };
        let Some(proof) = proof_for(&self.vault, &record, code, now)? else {
            return Err(self.wrong_code(pending, client, None, attempt).await?);
        };
        let token = SecretToken::generate()?;
        let completion = SecondFactorCompletion {
            session: pending.id,
            account,
            old_digest: pending.token_digest.clone(),
            new_digest: token.digest(),
            absolute_expires_at: now + self.policy.absolute_lifetime,
            at: now,
            event: SecurityEvent::new(
                account,
                SecurityEventKind::LoginSucceeded,
                now,
                client,
                Some(format!("factors: password, {}", proof.factor())),
            ),
            proof,
        };
        match self.ports.two_factor.complete_login(&completion).await {
            Ok(()) => {}
            Err(GuardedWriteError::FactorUsed) => {
                return Err(self
                    .wrong_code(pending, client, Some(&completion.proof), attempt)
                    .await?);
            }
            Err(GuardedWriteError::Stale) => return Err(SecondFactorError::NotPending),
            Err(GuardedWriteError::Storage(error)) => return Err(error.into()),
        }
        tracing::info!(%account, session = %pending.id, "second factor completed the login");
        // The login is complete whatever happens next: a failure to tidy the counters
        // is logged, not reported.
        let tidied = match self.reauth.succeeded(&budget).await {
            Ok(()) => {
                self.ports
                    .throttle
                    .clear(&ThrottleKey::pending_session(pending.id))
                    .await
            }
            Err(error) => Err(error),
        };
        if let Err(error) = tidied {
            tracing::warn!(%account, error = %error, "could not reset the second-factor counters");
        }
        // The login is complete (its token already changed): a device that cannot be
        // remembered is logged, and the client simply gets no credential this time.
        let device_token = match self.remember(account, device, now).await {
            Ok(token) => Some(token),
            Err(error) => {
                tracing::warn!(%account, error = %error, "could not remember the device of a login");
                None
            }
        };
        Ok(NewSession {
            token,
            device_token,
            session: Session {
                token_digest: completion.new_digest,
                last_seen_at: now,
                authenticated_at: now,
                absolute_expires_at: completion.absolute_expires_at,
                second_factor_pending: false,
                ..pending.clone()
            },
        })
    }

    /// Remembers the device a completed login came from: the credential it sent, when
    /// that one vouches for the account, or a new one.
    async fn remember(
        &self,
        account: portico_kernel::AccountId,
        device: Option<&SecretToken>,
        now: time::OffsetDateTime,
    ) -> Result<SecretToken, StorageError> {
        let vouched = match device {
            Some(token) => self
                .ports
                .devices
                .find(&token.digest())
                .await?
                .filter(|known| known.vouches_for(account, now))
                .and(device),
            None => None,
        };
        remember_device(self.ports.devices.as_ref(), account, vouched, now).await
    }

    /// Records a wrong code (already counted); ends the session when it was the last
    /// of its budget.
    async fn wrong_code(
        &self,
        pending: &Session,
        client: &ClientInfo,
        proof: Option<&SecondFactorProof>,
        attempt: u32,
    ) -> Result<SecondFactorError, StorageError> {
        let factor = proof.map_or("second factor", SecondFactorProof::factor);
        let event = SecurityEvent::new(
            pending.account,
            SecurityEventKind::LoginFailed,
            self.ports.clock.now(),
            client,
            Some(format!("factor: {factor}")),
        );
        self.ports.events.record(&event).await?;
        if attempt >= SessionPolicy::SECOND_FACTOR_BUDGET {
            self.end(pending, client).await?;
            return Ok(SecondFactorError::BudgetExhausted);
        }
        Ok(SecondFactorError::WrongCode)
    }

    /// Ends a pending login whose budget is spent, and records it.
    async fn end(&self, pending: &Session, client: &ClientInfo) -> Result<(), StorageError> {
        self.ports
            .sessions
            .delete(pending.account, pending.id)
            .await?;
        let event = SecurityEvent::new(
            pending.account,
            SecurityEventKind::LoginFailed,
            self.ports.clock.now(),
            client,
            Some("too many wrong second-factor codes; the login was ended".into()),
        );
        self.ports.events.record(&event).await?;
        tracing::info!(account = %pending.account, "pending login ended after too many wrong codes");
        Ok(())
    }
}

#[cfg(test)]
#[path = "second_factor_login_tests.rs"]
mod tests;
