//! Logging in with a password.

use std::sync::Arc;

use portico_kernel::{Clock, Password, SessionId, StorageError};

use crate::events::{SecurityEvent, SecurityEventKind, SecurityEventRepository};
use crate::hasher::{PasswordHasher, Verification};
use crate::password_policy::PasswordPolicy;
use crate::ports::{CredentialRepository, LoginKey, SessionRepository};
use crate::session::{ClientInfo, Session, SessionPolicy};
use crate::throttle::{
    ThrottleKey, ThrottlePolicy, ThrottleRepository, claim_attempt, settle_success,
};
use crate::two_factor::TwoFactorRepository;
use crate::whitelist::{AddressGate, GateError, IpWhitelistRepository};
use portico_kernel::SecretToken;

/// Why a login failed.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Unknown login or wrong password: one variant for both, so that nothing above
    /// this layer can tell them apart.
    #[error("the login or password is wrong")]
    InvalidCredentials,
    /// The password is right, but the account's IP whitelist does not hold the
    /// client's address (recorded in the account's audit trail).
    #[error("logins from this address are not allowed for this account")]
    AddressNotAllowed,
    /// Too many recent failures for this login name or client address; try again
    /// after the delay.
    #[error("too many failed attempts; try again later")]
    Throttled {
        /// How long until the next attempt is accepted.
        retry_after: time::Duration,
    },
    /// Storage or hashing failed.
    #[error("login failed unexpectedly")]
    Unexpected(#[from] StorageError),
}

/// A session just opened, with the only copy of its token.
#[derive(Debug)]
pub struct NewSession {
    /// The bearer token for the client.
    pub token: SecretToken,
    /// The stored session.
    pub session: Session,
}

/// The ports [`LoginService`] works with.
#[derive(Clone)]
pub struct LoginPorts {
    /// Credentials.
    pub credentials: Arc<dyn CredentialRepository>,
    /// Sessions.
    pub sessions: Arc<dyn SessionRepository>,
    /// The hasher.
    pub hasher: Arc<dyn PasswordHasher>,
    /// The audit trail.
    pub events: Arc<dyn SecurityEventRepository>,
    /// The failure counters.
    pub throttle: Arc<dyn ThrottleRepository>,
    /// Two-factor state: whether a login needs a second factor.
    pub two_factor: Arc<dyn TwoFactorRepository>,
    /// IP whitelists: where the account may log in from.
    pub whitelist: Arc<dyn IpWhitelistRepository>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

/// Checks passwords and opens sessions.
#[derive(Clone)]
pub struct LoginService {
    credentials: Arc<dyn CredentialRepository>,
    sessions: Arc<dyn SessionRepository>,
    hasher: Arc<dyn PasswordHasher>,
    events: Arc<dyn SecurityEventRepository>,
    throttle: Arc<dyn ThrottleRepository>,
    two_factor: Arc<dyn TwoFactorRepository>,
    gate: AddressGate,
    clock: Arc<dyn Clock>,
    policy: SessionPolicy,
    throttle_policy: ThrottlePolicy,
}

impl LoginService {
    /// Wires the service.
    pub fn new(ports: LoginPorts, policy: SessionPolicy, throttle_policy: ThrottlePolicy) -> Self {
        let gate = AddressGate::new(
            ports.whitelist.clone(),
            ports.events.clone(),
            ports.throttle.clone(),
            ports.clock.clone(),
        );
        Self {
            gate,
            credentials: ports.credentials,
            sessions: ports.sessions,
            hasher: ports.hasher,
            events: ports.events,
            throttle: ports.throttle,
            two_factor: ports.two_factor,
            clock: ports.clock,
            policy,
            throttle_policy,
        }
    }

    /// Logs in with a username or email and a password.
    ///
    /// An unknown login still costs one full hash verification (against a dummy
    /// hash), so it answers in the same time as a wrong password; both end in the
    /// same [`LoginError::InvalidCredentials`]. A password stored with weaker
    /// parameters than today's is re-hashed on success.
    ///
    /// The attempt is counted against the login name and the address before the
    /// password is checked, so parallel guesses cannot slip past the throttle; a
    /// success gives the claim back.
    pub async fn login(
        &self,
        login: &str,
        password: &Password,
        client: ClientInfo,
    ) -> Result<NewSession, LoginError> {
        let login_key = ThrottleKey::login(login);
        let mut keys = vec![login_key.clone()];
        keys.extend(client.ip.map(ThrottleKey::address));
        let now = self.clock.now();
        if let Err(retry_after) =
            claim_attempt(self.throttle.as_ref(), &self.throttle_policy, &keys, now).await?
        {
            return Err(LoginError::Throttled { retry_after });
        }
        if PasswordPolicy::exceeds_cap(password) {
            // No stored password is this long; refuse without hashing megabytes, but
            // spend the usual time on a bounded input.
            self.hasher
                .verify_unknown(&Password::new(String::new()))
                .await?;
            return Err(LoginError::InvalidCredentials);
        }
        let credential = match LoginKey::from_login(login) {
            Some(key) => self.credentials.find_by_login(&key).await?,
            None => None,
        };
        let Some(credential) = credential else {
            self.hasher.verify_unknown(password).await?;
            return Err(LoginError::InvalidCredentials);
        };
        match self
            .hasher
            .verify(password, &credential.password_hash)
            .await?
        {
            Verification::Mismatch => {
                let event = SecurityEvent::new(
                    credential.account,
                    SecurityEventKind::LoginFailed,
                    self.clock.now(),
                    &client,
                    Some("factor: password".into()),
                );
                self.events.record(&event).await?;
                return Err(LoginError::InvalidCredentials);
            }
            Verification::Match { needs_rehash } if needs_rehash => {
                self.rehash(credential.account, password).await;
            }
            Verification::Match { .. } => {}
        }
        // The whitelist is checked only once the password is right, so an address
        // outside it cannot tell a listed account from any other by a wrong guess.
        // A right password is then refused with a different answer, which does
        // confirm it; the claim stays counted, so such probing is throttled like
        // guessing, and each refusal is in the owner's audit trail.
        match self.gate.admit(credential.account, &client, "login").await {
            Ok(()) => {}
            Err(GateError::Refused) => return Err(LoginError::AddressNotAllowed),
            Err(GateError::Unexpected(error)) => return Err(error.into()),
        }
        // With two-factor on, the password opens only a short-lived session that can
        // do nothing but complete the second factor.
        let second_factor_pending = self
            .two_factor
            .find(credential.account)
            .await?
            .is_some_and(|record| record.is_enabled());
        let token = SecretToken::generate()?;
        let now = self.clock.now();
        let lifetime = if second_factor_pending {
            SessionPolicy::SECOND_FACTOR_WINDOW
        } else {
            self.policy.absolute_lifetime
        };
        let session = Session {
            id: SessionId::generate(),
            account: credential.account,
            token_digest: token.digest(),
            created_at: now,
            last_seen_at: now,
            absolute_expires_at: now + lifetime,
            client,
            second_factor_pending,
        };
        self.sessions.insert(&session).await?;
        // A success forgets the login name's failures; the address only gets this
        // attempt back (one address may be guessing at many accounts).
        settle_success(
            self.throttle.as_ref(),
            &self.throttle_policy,
            std::slice::from_ref(&login_key),
            &keys[1..],
        )
        .await?;
        let kind = if second_factor_pending {
            SecurityEventKind::SecondFactorRequested
        } else {
            SecurityEventKind::LoginSucceeded
        };
        let event = SecurityEvent::new(
            session.account,
            kind,
            now,
            &session.client,
            Some("factor: password".into()),
        );
        self.events.record(&event).await?;
        tracing::info!(
            account = %session.account,
            session = %session.id,
            second_factor_pending,
            "password accepted"
        );
        Ok(NewSession { token, session })
    }

    /// Upgrades a stored hash. A failure is logged and otherwise ignored: the login
    /// itself was valid, and the next one tries again.
    async fn rehash(&self, account: portico_kernel::AccountId, password: &Password) {
        let result = match self.hasher.hash(password).await {
            Ok(hash) => {
                self.credentials
                    .replace_hash(account, &hash, self.clock.now())
                    .await
            }
            Err(error) => Err(error),
        };
        if let Err(error) = result {
            tracing::warn!(%account, error = %error, "could not upgrade a password hash");
        }
    }
}

#[cfg(test)]
#[path = "login_tests.rs"]
mod tests;
