//! Logging in with a password.

use std::sync::Arc;

use portico_kernel::{Clock, Password, SessionId, StorageError};

use crate::events::{SecurityEvent, SecurityEventKind, SecurityEventRepository};
use crate::hasher::{PasswordHasher, Verification};
use crate::password_policy::PasswordPolicy;
use crate::ports::{CredentialRepository, LoginKey, SessionRepository};
use crate::session::{ClientInfo, Session, SessionPolicy};
use crate::throttle::{ThrottleKey, ThrottlePolicy, ThrottleRepository, count_failure};
use portico_kernel::SecretToken;

/// Why a login failed.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Unknown login or wrong password: one variant for both, so that nothing above
    /// this layer can tell them apart.
    #[error("the login or password is wrong")]
    InvalidCredentials,
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
    clock: Arc<dyn Clock>,
    policy: SessionPolicy,
    throttle_policy: ThrottlePolicy,
}

impl LoginService {
    /// Wires the service.
    pub fn new(ports: LoginPorts, policy: SessionPolicy, throttle_policy: ThrottlePolicy) -> Self {
        Self {
            credentials: ports.credentials,
            sessions: ports.sessions,
            hasher: ports.hasher,
            events: ports.events,
            throttle: ports.throttle,
            clock: ports.clock,
            policy,
            throttle_policy,
        }
    }

    async fn count_failure(&self, keys: &[ThrottleKey]) -> Result<(), StorageError> {
        count_failure(
            self.throttle.as_ref(),
            &self.throttle_policy,
            keys,
            self.clock.now(),
        )
        .await
    }

    /// Logs in with a username or email and a password.
    ///
    /// An unknown login still costs one full hash verification (against a dummy
    /// hash), so it answers in the same time as a wrong password; both end in the
    /// same [`LoginError::InvalidCredentials`]. A password stored with weaker
    /// parameters than today's is re-hashed on success.
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
        if let Some(until) = self.throttle.blocked_until(&keys, now).await? {
            return Err(LoginError::Throttled {
                retry_after: until - now,
            });
        }
        if PasswordPolicy::exceeds_cap(password) {
            // No stored password is this long; refuse without hashing megabytes, but
            // spend the usual time on a bounded input.
            self.hasher
                .verify_unknown(&Password::new(String::new()))
                .await?;
            self.count_failure(&keys).await?;
            return Err(LoginError::InvalidCredentials);
        }
        let credential = match LoginKey::from_login(login) {
            Some(key) => self.credentials.find_by_login(&key).await?,
            None => None,
        };
        let Some(credential) = credential else {
            self.hasher.verify_unknown(password).await?;
            self.count_failure(&keys).await?;
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
                self.count_failure(&keys).await?;
                return Err(LoginError::InvalidCredentials);
            }
            Verification::Match { needs_rehash } if needs_rehash => {
                self.rehash(credential.account, password).await;
            }
            Verification::Match { .. } => {}
        }
        let token = SecretToken::generate()?;
        let now = self.clock.now();
        let session = Session {
            id: SessionId::generate(),
            account: credential.account,
            token_digest: token.digest(),
            created_at: now,
            last_seen_at: now,
            absolute_expires_at: now + self.policy.absolute_lifetime,
            client,
        };
        self.sessions.insert(&session).await?;
        // A success forgets the login name's failures (not the address's: one address
        // may be guessing at many accounts).
        self.throttle.clear(&login_key).await?;
        let event = SecurityEvent::new(
            session.account,
            SecurityEventKind::LoginSucceeded,
            now,
            &session.client,
            Some("factor: password".into()),
        );
        self.events.record(&event).await?;
        tracing::info!(account = %session.account, session = %session.id, "login succeeded");
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
mod tests {
    use super::*;
    use crate::events::MockSecurityEventRepository;
    use crate::hasher::MockPasswordHasher;
    use crate::ports::{MockCredentialRepository, MockSessionRepository, StoredCredential};
    use crate::throttle::MockThrottleRepository;
    use portico_kernel::{AccountId, FixedClock, PasswordHash};
    use time::OffsetDateTime;

    fn clock() -> Arc<FixedClock> {
        Arc::new(FixedClock::at(
            OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap(),
        ))
    }

    fn stored(account: AccountId) -> StoredCredential {
        StoredCredential {
            account,
            password_hash: PasswordHash::from_phc("$argon2id$stored".into()),
        }
    }

    fn service(
        credentials: MockCredentialRepository,
        sessions: MockSessionRepository,
        hasher: MockPasswordHasher,
    ) -> LoginService {
        let mut events = MockSecurityEventRepository::new();
        events.expect_record().returning(|_| Ok(()));
        with_events(credentials, sessions, hasher, events)
    }

    fn with_events(
        credentials: MockCredentialRepository,
        sessions: MockSessionRepository,
        hasher: MockPasswordHasher,
        events: MockSecurityEventRepository,
    ) -> LoginService {
        let mut throttle = MockThrottleRepository::new();
        throttle.expect_blocked_until().returning(|_, _| Ok(None));
        throttle.expect_record_failure().returning(|_, _, _| Ok(1));
        throttle.expect_clear().returning(|_| Ok(()));
        with_throttle(credentials, sessions, hasher, events, throttle)
    }

    fn with_throttle(
        credentials: MockCredentialRepository,
        sessions: MockSessionRepository,
        hasher: MockPasswordHasher,
        events: MockSecurityEventRepository,
        throttle: MockThrottleRepository,
    ) -> LoginService {
        LoginService::new(
            LoginPorts {
                credentials: Arc::new(credentials),
                sessions: Arc::new(sessions),
                hasher: Arc::new(hasher),
                events: Arc::new(events),
                throttle: Arc::new(throttle),
                clock: clock(),
            },
            SessionPolicy::default(),
            ThrottlePolicy::default(),
        )
    }

    #[tokio::test]
    async fn a_blocked_login_is_refused_before_any_lookup_or_hashing() {
        let mut credentials = MockCredentialRepository::new();
        credentials.expect_find_by_login().times(0);
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_verify().times(0);
        hasher.expect_verify_unknown().times(0);
        let mut throttle = MockThrottleRepository::new();
        let until = clock().now() + time::Duration::seconds(8);
        throttle
            .expect_blocked_until()
            .withf(|keys, _| keys.len() == 2 && keys[0] == ThrottleKey::login("ADA"))
            .returning(move |_, _| Ok(Some(until)));

        let client = ClientInfo::new(Some("192.0.2.9".parse().unwrap()), None);
        let result = with_throttle(
            credentials,
            MockSessionRepository::new(),
            hasher,
            MockSecurityEventRepository::new(),
            throttle,
        )
        .login("ada", &Password::new("secret words".into()), client)
        .await;

        assert!(matches!(
            result,
            Err(LoginError::Throttled { retry_after }) if retry_after == time::Duration::seconds(8)
        ));
    }

    #[tokio::test]
    async fn the_sixth_failure_in_a_row_blocks_the_login_for_a_second() {
        let mut credentials = MockCredentialRepository::new();
        credentials.expect_find_by_login().returning(|_| Ok(None));
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_verify_unknown().returning(|_| Ok(()));
        let mut throttle = MockThrottleRepository::new();
        throttle.expect_blocked_until().returning(|_, _| Ok(None));
        throttle.expect_record_failure().returning(|_, _, _| Ok(6));
        throttle
            .expect_block()
            .withf(|key, until| {
                *key == ThrottleKey::login("nobody")
                    && *until == clock().now() + time::Duration::seconds(1)
            })
            .times(1)
            .returning(|_, _| Ok(()));

        let result = with_throttle(
            credentials,
            MockSessionRepository::new(),
            hasher,
            MockSecurityEventRepository::new(),
            throttle,
        )
        .login(
            "nobody",
            &Password::new("guess".into()),
            ClientInfo::default(),
        )
        .await;

        assert!(matches!(result, Err(LoginError::InvalidCredentials)));
    }

    #[tokio::test]
    async fn the_right_password_opens_a_session_whose_token_is_stored_only_as_a_digest() {
        let account = AccountId::generate();
        let mut credentials = MockCredentialRepository::new();
        credentials
            .expect_find_by_login()
            .withf(|key| *key == LoginKey::Username("ada".into()))
            .returning(move |_| Ok(Some(stored(account))));
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_verify().returning(|_, _| {
            Ok(Verification::Match {
                needs_rehash: false,
            })
        });
        let mut sessions = MockSessionRepository::new();
        sessions
            .expect_insert()
            .withf(move |s| {
                s.account == account
                    && s.absolute_expires_at == s.created_at + time::Duration::hours(12)
            })
            .times(1)
            .returning(|_| Ok(()));

        let opened = service(credentials, sessions, hasher)
            .login(
                " ADA ",
                &Password::new("secret words".into()),
                ClientInfo::default(),
            )
            .await
            .unwrap();

        assert_eq!(opened.session.token_digest, opened.token.digest());
        assert_ne!(opened.session.token_digest.as_str(), opened.token.expose());
    }

    #[tokio::test]
    async fn an_unknown_login_spends_a_dummy_verification_and_fails_like_a_wrong_password() {
        let mut credentials = MockCredentialRepository::new();
        credentials.expect_find_by_login().returning(|_| Ok(None));
        let mut hasher = MockPasswordHasher::new();
        hasher
            .expect_verify_unknown()
            .times(1)
            .returning(|_| Ok(()));
        let mut sessions = MockSessionRepository::new();
        sessions.expect_insert().times(0);

        let result = service(credentials, sessions, hasher)
            .login(
                "nobody@example.com",
                &Password::new("secret words".into()),
                ClientInfo::default(),
            )
            .await;

        assert!(matches!(result, Err(LoginError::InvalidCredentials)));
    }

    #[tokio::test]
    async fn a_wrong_password_opens_nothing() {
        let account = AccountId::generate();
        let mut credentials = MockCredentialRepository::new();
        credentials
            .expect_find_by_login()
            .returning(move |_| Ok(Some(stored(account))));
        let mut hasher = MockPasswordHasher::new();
        hasher
            .expect_verify()
            .returning(|_, _| Ok(Verification::Mismatch));
        let mut sessions = MockSessionRepository::new();
        sessions.expect_insert().times(0);
        let mut events = MockSecurityEventRepository::new();
        events
            .expect_record()
            .withf(move |e| e.account == account && e.kind == SecurityEventKind::LoginFailed)
            .times(1)
            .returning(|_| Ok(()));

        let result = with_events(credentials, sessions, hasher, events)
            .login(
                "ada",
                &Password::new("wrong words".into()),
                ClientInfo::default(),
            )
            .await;

        assert!(matches!(result, Err(LoginError::InvalidCredentials)));
    }

    #[tokio::test]
    async fn a_weak_stored_hash_is_replaced_after_a_successful_login() {
        let account = AccountId::generate();
        let mut credentials = MockCredentialRepository::new();
        credentials
            .expect_find_by_login()
            .returning(move |_| Ok(Some(stored(account))));
        credentials
            .expect_replace_hash()
            .withf(move |id, hash, _| *id == account && hash.as_phc() == "$argon2id$fresh")
            .times(1)
            .returning(|_, _, _| Ok(()));
        let mut hasher = MockPasswordHasher::new();
        hasher
            .expect_verify()
            .returning(|_, _| Ok(Verification::Match { needs_rehash: true }));
        hasher
            .expect_hash()
            .returning(|_| Ok(PasswordHash::from_phc("$argon2id$fresh".into())));
        let mut sessions = MockSessionRepository::new();
        sessions.expect_insert().returning(|_| Ok(()));

        let result = service(credentials, sessions, hasher)
            .login(
                "ada",
                &Password::new("secret words".into()),
                ClientInfo::default(),
            )
            .await;

        assert!(result.is_ok());
    }

    #[tokio::test]
    async fn a_login_with_control_characters_is_refused_without_a_lookup() {
        let mut credentials = MockCredentialRepository::new();
        credentials.expect_find_by_login().times(0);
        let mut hasher = MockPasswordHasher::new();
        hasher
            .expect_verify_unknown()
            .times(1)
            .returning(|_| Ok(()));

        let result = service(credentials, MockSessionRepository::new(), hasher)
            .login(
                "ada\u{0}",
                &Password::new("secret words".into()),
                ClientInfo::default(),
            )
            .await;

        assert!(matches!(result, Err(LoginError::InvalidCredentials)));
    }

    #[tokio::test]
    async fn an_overlong_password_is_refused_without_a_lookup() {
        let mut credentials = MockCredentialRepository::new();
        credentials.expect_find_by_login().times(0);
        let mut hasher = MockPasswordHasher::new();
        hasher
            .expect_verify_unknown()
            .times(1)
            .returning(|_| Ok(()));

        let result = service(credentials, MockSessionRepository::new(), hasher)
            .login(
                "ada",
                &Password::new("x".repeat(10_000)),
                ClientInfo::default(),
            )
            .await;

        assert!(matches!(result, Err(LoginError::InvalidCredentials)));
    }
}
