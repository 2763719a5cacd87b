//! Logging in with a password.

use std::sync::Arc;

use portico_kernel::{AccountId, Clock, Password, SessionId, StorageError};

use crate::devices::{DEVICE_LIFETIME, DeviceRepository, KnownDevice};
use crate::events::{
    SecurityEvent, SecurityEventKind, SecurityEventRepository, record_throttled, refusal_due,
};
use crate::hasher::{PasswordHasher, Verification};
use crate::password_policy::PasswordPolicy;
use crate::ports::{CredentialRepository, LoginKey, SessionRepository, StoredCredential};
use crate::session::{ClientInfo, Session, SessionPolicy};
use crate::throttle::{Claim, ThrottlePolicies, ThrottleRepository, claim, settle};
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
    /// Too many recent failures for this account, this account from this address,
    /// this address, or this known device; try again after the delay.
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
    /// The known-device credential the client keeps for its next login (the one it
    /// sent, when that one was valid). `None` while a second factor is still due and
    /// no valid credential was sent: the completed login issues one.
    pub device_token: Option<SecretToken>,
}

/// The ports [`Logins`] works with.
#[derive(Clone)]
pub struct LoginPorts {
    /// Credentials.
    pub credentials: Arc<dyn CredentialRepository>,
    /// Sessions.
    pub sessions: Arc<dyn SessionRepository>,
    /// Known-device credentials.
    pub devices: Arc<dyn DeviceRepository>,
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

/// What a client sends to log in.
#[derive(Debug)]
pub struct LoginAttempt<'a> {
    /// The username, primary email or a verified email, as typed.
    pub login: &'a str,
    /// The password.
    pub password: &'a Password,
    /// The known-device credential from an earlier login, if the client kept one.
    pub device_token: Option<&'a SecretToken>,
}

/// Checks passwords and opens sessions.
#[derive(Clone)]
pub struct Logins {
    credentials: Arc<dyn CredentialRepository>,
    sessions: Arc<dyn SessionRepository>,
    devices: Arc<dyn DeviceRepository>,
    hasher: Arc<dyn PasswordHasher>,
    events: Arc<dyn SecurityEventRepository>,
    throttle: Arc<dyn ThrottleRepository>,
    two_factor: Arc<dyn TwoFactorRepository>,
    gate: AddressGate,
    clock: Arc<dyn Clock>,
    policy: SessionPolicy,
    throttles: ThrottlePolicies,
}

impl Logins {
    /// Wires the service.
    pub fn new(ports: LoginPorts, policy: SessionPolicy, throttles: ThrottlePolicies) -> Self {
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
            devices: ports.devices,
            hasher: ports.hasher,
            events: ports.events,
            throttle: ports.throttle,
            two_factor: ports.two_factor,
            clock: ports.clock,
            policy,
            throttles,
        }
    }

    /// Logs in with a username or email and a password.
    ///
    /// An unknown login still costs one full hash verification (against a dummy
    /// hash), so it answers in the same time as a wrong password; both end in the
    /// same [`LoginError::InvalidCredentials`]. A password stored with weaker
    /// parameters than today's is re-hashed on success.
    ///
    /// The attempt is claimed before the password is checked, so parallel guesses
    /// cannot slip past the throttle, and a success gives the claim back. A valid
    /// known-device credential of the account means the attempt is judged by that
    /// device's counter alone; otherwise by the account's, the account-and-address
    /// pair's and the address's (ADR 0012). While any of those is blocked even the
    /// right password is refused, or the block would protect nothing.
    #[tracing::instrument(name = "Logins::login", skip_all)]
    pub async fn login(
        &self,
        attempt: LoginAttempt<'_>,
        client: ClientInfo,
    ) -> Result<NewSession, LoginError> {
        let now = self.clock.now();
        let credential = match LoginKey::from_login(attempt.login) {
            Some(key) => self.credentials.find_by_login(&key).await?,
            None => None,
        };
        let device = self
            .known_device(attempt.device_token, credential.as_ref())
            .await?;
        let claims = match (&credential, &device) {
            (Some(_), Some(device)) => self.throttles.device_claims(&device.digest),
            (Some(credential), None) => self
                .throttles
                .password_claims(credential.account, client.ip),
            (None, _) => self
                .throttles
                .unknown_login_claims(attempt.login, client.ip),
        };
        if let Err(retry_after) = claim(self.throttle.as_ref(), &claims, now).await? {
            match &credential {
                Some(credential) => self.record_throttled(credential.account, &client).await?,
                // The same pacing claim, with nobody to note it for: a refusal costs
                // the same whether or not the name exists.
                None => {
                    let subject = claims[0].key.as_str();
                    refusal_due(self.throttle.as_ref(), subject, client.ip, "login", now).await?;
                }
            }
            return Err(LoginError::Throttled { retry_after });
        }
        let password = attempt.password;
        let Some(credential) = credential else {
            self.hasher.verify_unknown(bounded(password)).await?;
            return Err(LoginError::InvalidCredentials);
        };
        let verification = if PasswordPolicy::exceeds_cap(password) {
            // No stored password is this long; refuse without hashing megabytes, but
            // spend the usual time on a bounded input.
            self.hasher.verify_unknown(bounded(password)).await?;
            Verification::Mismatch
        } else {
            self.hasher
                .verify(password, &credential.password_hash)
                .await?
        };
        match verification {
            Verification::Mismatch => {
                self.wrong_password(credential.account, device.as_ref(), &client)
                    .await?;
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
        self.open(&credential, attempt.device_token, device, &claims, client)
            .await
    }

    /// Opens the session of a login whose password was right, settles its claim and
    /// remembers the device.
    async fn open(
        &self,
        credential: &StoredCredential,
        presented: Option<&SecretToken>,
        device: Option<KnownDevice>,
        claims: &[Claim],
        client: ClientInfo,
    ) -> Result<NewSession, LoginError> {
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
            authenticated_at: now,
            client,
            second_factor_pending,
        };
        let vouched = device.and(presented);
        // A device is vouched for only once the whole login succeeded: with two-factor
        // on, the second factor issues it, so a password alone earns nothing. It is
        // remembered before the session opens: a device row alone grants nothing.
        let device_token = if second_factor_pending {
            vouched.cloned()
        } else {
            Some(remember_device(self.devices.as_ref(), credential.account, vouched, now).await?)
        };
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
        self.sessions.insert(&session, &event).await?;
        // The login is done whatever happens next: a failure to give the claims back
        // is logged, not reported (it only leaves the counters a little higher).
        if let Err(error) = settle(self.throttle.as_ref(), claims).await {
            tracing::warn!(account = %session.account, error = %error, "could not settle the login's counters");
        }
        tracing::info!(
            account = %session.account,
            session = %session.id,
            second_factor_pending,
            "password accepted"
        );
        Ok(NewSession {
            token,
            session,
            device_token,
        })
    }

    /// The known device a presented credential stands for, when it vouches for the
    /// account the login names. Looked up whenever one is presented, named account
    /// or not, so that the work done tells nothing about which logins exist.
    async fn known_device(
        &self,
        presented: Option<&SecretToken>,
        credential: Option<&StoredCredential>,
    ) -> Result<Option<KnownDevice>, StorageError> {
        let Some(presented) = presented else {
            return Ok(None);
        };
        let device = self.devices.find(&presented.digest()).await?;
        let now = self.clock.now();
        Ok(device.filter(|device| {
            credential.is_some_and(|credential| device.vouches_for(credential.account, now))
        }))
    }

    /// Records a wrong password (already counted by its claim); a known device that
    /// has now sent too many is voided.
    async fn wrong_password(
        &self,
        account: AccountId,
        device: Option<&KnownDevice>,
        client: &ClientInfo,
    ) -> Result<(), StorageError> {
        let event = SecurityEvent::new(
            account,
            SecurityEventKind::LoginFailed,
            self.clock.now(),
            client,
            Some("factor: password".into()),
        );
        self.events.record(&event).await?;
        let Some(device) = device else {
            return Ok(());
        };
        let failures = self.devices.count_failure(&device.digest).await?;
        if failures >= self.throttles.device_failure_limit {
            self.devices.forget(&device.digest).await?;
            let event = SecurityEvent::new(
                account,
                SecurityEventKind::DeviceForgotten,
                self.clock.now(),
                client,
                Some(format!("after {failures} wrong passwords")),
            );
            self.events.record(&event).await?;
            tracing::info!(%account, "a known device was voided after too many wrong passwords");
        }
        Ok(())
    }

    /// Notes a refused attempt in the account's audit trail (paced).
    async fn record_throttled(
        &self,
        account: AccountId,
        client: &ClientInfo,
    ) -> Result<(), StorageError> {
        record_throttled(
            self.events.as_ref(),
            self.throttle.as_ref(),
            account,
            client,
            "login",
            self.clock.now(),
        )
        .await
    }

    /// Upgrades a stored hash. A failure is logged and otherwise ignored: the login
    /// itself was valid, and the next one tries again.
    async fn rehash(&self, account: AccountId, password: &Password) {
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

/// Remembers the device a login succeeded on: the credential it presented, when that
/// one vouches for the account and is still stored (its expiry moves on), or a new
/// one. Returns the credential the client keeps.
pub(crate) async fn remember_device(
    devices: &dyn DeviceRepository,
    account: AccountId,
    vouched: Option<&SecretToken>,
    now: time::OffsetDateTime,
) -> Result<SecretToken, StorageError> {
    let expires_at = now + DEVICE_LIFETIME;
    if let Some(token) = vouched
        && devices.renew(&token.digest(), account, expires_at).await?
    {
        return Ok(token.clone());
    }
    let token = SecretToken::generate()?;
    devices
        .issue(&KnownDevice {
            digest: token.digest(),
            account,
            created_at: now,
            expires_at,
        })
        .await?;
    Ok(token)
}

/// The password to spend a dummy verification on: itself, or an empty one when it
/// is over the cap (hashing megabytes would be a denial of service).
fn bounded(password: &Password) -> &Password {
    static EMPTY: std::sync::OnceLock<Password> = std::sync::OnceLock::new();
    if PasswordPolicy::exceeds_cap(password) {
        EMPTY.get_or_init(|| Password::new(String::new()))
    } else {
        password
    }
}

#[cfg(test)]
#[path = "login_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "login_device_tests.rs"]
mod device_tests;
