//! Logging in with a password.

use std::sync::Arc;

use portico_kernel::{Clock, Password, SessionId, StorageError};

use crate::events::{SecurityEvent, SecurityEventKind, SecurityEventRepository};
use crate::hasher::{PasswordHasher, Verification};
use crate::password_policy::PasswordPolicy;
use crate::ports::{CredentialRepository, LoginKey, SessionRepository};
use crate::session::{ClientInfo, Session, SessionPolicy};
use portico_kernel::SecretToken;

/// Why a login failed.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Unknown login or wrong password: one variant for both, so that nothing above
    /// this layer can tell them apart.
    #[error("the login or password is wrong")]
    InvalidCredentials,
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

/// Checks passwords and opens sessions.
#[derive(Clone)]
pub struct LoginService {
    credentials: Arc<dyn CredentialRepository>,
    sessions: Arc<dyn SessionRepository>,
    hasher: Arc<dyn PasswordHasher>,
    events: Arc<dyn SecurityEventRepository>,
    clock: Arc<dyn Clock>,
    policy: SessionPolicy,
}

impl LoginService {
    /// Wires the service.
    pub fn new(
        credentials: Arc<dyn CredentialRepository>,
        sessions: Arc<dyn SessionRepository>,
        hasher: Arc<dyn PasswordHasher>,
        events: Arc<dyn SecurityEventRepository>,
        clock: Arc<dyn Clock>,
        policy: SessionPolicy,
    ) -> Self {
        Self {
            credentials,
            sessions,
            hasher,
            events,
            clock,
            policy,
        }
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
        LoginService::new(
            Arc::new(credentials),
            Arc::new(sessions),
            Arc::new(hasher),
            Arc::new(events),
            clock(),
            SessionPolicy::default(),
        )
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
