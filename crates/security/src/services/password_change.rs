//! Changing the password of a logged-in account.

use std::sync::Arc;

use portico_kernel::mail::compose_for_account;
use portico_kernel::{
    AccountContacts, Clock, ComposeError, EmailAddress, NoticeComposer, Password,
    PasswordRejection, StorageError,
};

use crate::events::{SecurityEvent, SecurityEventKind, SecurityEventRepository, record_throttled};
use crate::hasher::{PasswordHasher, Verification};
use crate::notice::{SecurityNotice, SettingChange};
use crate::password_policy::{PasswordContext, PasswordPolicy};
use crate::ports::{CredentialRepository, PasswordChange};
use crate::services::passwords::{PasswordError, Passwords};
use crate::session::{ClientInfo, Session};
use crate::throttle::{ThrottlePolicies, ThrottleRepository, claim, settle};

/// Why a password was not changed; nothing changed in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum PasswordChangeError {
    /// The current password given is wrong.
    #[error("the current password is wrong")]
    WrongPassword,
    /// Too many wrong current passwords from this account or address lately.
    #[error("too many failed attempts; try again later")]
    Throttled {
        /// How long until the next attempt is accepted.
        retry_after: time::Duration,
    },
    /// The new password breaks the policy.
    #[error(transparent)]
    Rejected(PasswordRejection),
    /// The account no longer exists.
    #[error("no such account")]
    NotFound,
    /// The notification could not be rendered.
    #[error("the notification could not be composed")]
    Compose(#[from] ComposeError),
    /// Storage or hashing failed.
    #[error("the password change failed unexpectedly")]
    Unexpected(#[from] StorageError),
}

/// Changes passwords: the current one is required, the new one must pass the policy,
/// and success ends every other session, records an event and mails a notice, all in
/// one transaction.
#[derive(Clone)]
pub struct PasswordChanges {
    credentials: Arc<dyn CredentialRepository>,
    contacts: Arc<dyn AccountContacts>,
    events: Arc<dyn SecurityEventRepository>,
    hasher: Arc<dyn PasswordHasher>,
    passwords: Passwords,
    composer: Arc<dyn NoticeComposer>,
    throttle: Arc<dyn ThrottleRepository>,
    throttles: ThrottlePolicies,
    clock: Arc<dyn Clock>,
}

/// The ports [`PasswordChanges`] works with.
#[derive(Clone)]
pub struct PasswordChangePorts {
    /// Credentials.
    pub credentials: Arc<dyn CredentialRepository>,
    /// Account facts.
    pub contacts: Arc<dyn AccountContacts>,
    /// The audit trail.
    pub events: Arc<dyn SecurityEventRepository>,
    /// The hasher.
    pub hasher: Arc<dyn PasswordHasher>,
    /// The notification composer.
    pub composer: Arc<dyn NoticeComposer>,
    /// The failure counters.
    pub throttle: Arc<dyn ThrottleRepository>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

impl PasswordChanges {
    /// Wires the service.
    pub fn new(
        ports: PasswordChangePorts,
        passwords: Passwords,
        throttles: ThrottlePolicies,
    ) -> Self {
        Self {
            credentials: ports.credentials,
            contacts: ports.contacts,
            events: ports.events,
            hasher: ports.hasher,
            passwords,
            composer: ports.composer,
            throttle: ports.throttle,
            throttles,
            clock: ports.clock,
        }
    }

    /// Changes the password of the session's account.
    #[tracing::instrument(name = "PasswordChanges::change", skip_all, fields(account = %session.account))]
    pub async fn change(
        &self,
        session: &Session,
        current: &Password,
        new: &Password,
        client: &ClientInfo,
    ) -> Result<(), PasswordChangeError> {
        let account = session.account;
        // Counted by the session's own counter, like a login from a known device: a
        // stolen session gets no way around the throttle, and strangers' guesses at
        // the account never keep its owner from changing the password.
        let claims = self.throttles.session_claims(session.id);
        let now = self.clock.now();
        if let Err(retry_after) = claim(self.throttle.as_ref(), &claims, now).await? {
            record_throttled(
                self.events.as_ref(),
                self.throttle.as_ref(),
                account,
                client,
                "password change",
                now,
            )
            .await?;
            return Err(PasswordChangeError::Throttled { retry_after });
        }
        let credential = self
            .credentials
            .find_by_account(account)
            .await?
            .ok_or(PasswordChangeError::NotFound)?;
        let matched = !PasswordPolicy::exceeds_cap(current)
            && matches!(
                self.hasher
                    .verify(current, &credential.password_hash)
                    .await?,
                Verification::Match { .. }
            );
        if !matched {
            let event = SecurityEvent::new(
                account,
                SecurityEventKind::PasswordChangeFailed,
                self.clock.now(),
                client,
                None,
            );
            self.events.record(&event).await?;
            return Err(PasswordChangeError::WrongPassword);
        }
        settle(self.throttle.as_ref(), &claims).await?;
        if new.expose() == current.expose() {
            return Err(PasswordChangeError::Rejected(
                PasswordRejection::SameAsCurrent,
            ));
        }
        let context = self
            .contacts
            .contact(account)
            .await?
            .ok_or(PasswordChangeError::NotFound)?;
        let emails: Vec<&str> = context
            .all_emails
            .iter()
            .map(EmailAddress::as_str)
            .collect();
        let hash = self
            .passwords
            .check_and_hash(
                new,
                &PasswordContext {
                    username: context.username.as_str(),
                    emails: &emails,
                },
            )
            .await
            .map_err(|error| match error {
                PasswordError::Rejected(rule) => PasswordChangeError::Rejected(rule),
                PasswordError::Unexpected(source) => PasswordChangeError::Unexpected(source),
            })?;
        let now = self.clock.now();
        let notices = compose_for_account(
            self.composer.as_ref(),
            account,
            &context,
            &SecurityNotice::SettingChanged {
                change: SettingChange::PasswordChanged,
                username: context.username.clone(),
                ip: client.ip,
            },
        )?;
        self.credentials
            .change_password(&PasswordChange {
                account,
                hash,
                keep_session: session.id,
                event: SecurityEvent::new(
                    account,
                    SecurityEventKind::PasswordChanged,
                    now,
                    client,
                    None,
                ),
                notices,
            })
            .await?;
        tracing::info!(%account, "password changed");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::MockSecurityEventRepository;
    use crate::hasher::MockPasswordHasher;
    use crate::ports::{MockCredentialRepository, StoredCredential};
    use portico_kernel::contact::MockAccountContacts;
    use portico_kernel::mail::plain::PlainComposer;
    use portico_kernel::{AccountContact, LanguageTag, Username};
    use portico_kernel::{
        AccountId, EmailAddress, FixedClock, PasswordHash, SessionId, TokenDigest,
    };
    use time::OffsetDateTime;

    fn session() -> Session {
        Session {
            id: SessionId::generate(),
            account: AccountId::generate(),
            token_digest: TokenDigest::from_stored("00".into()),
            created_at: OffsetDateTime::UNIX_EPOCH,
            last_seen_at: OffsetDateTime::UNIX_EPOCH,
            absolute_expires_at: OffsetDateTime::UNIX_EPOCH,
            authenticated_at: OffsetDateTime::UNIX_EPOCH,
            second_factor_pending: false,
            client: ClientInfo::default(),
        }
    }

    fn clock() -> Arc<FixedClock> {
        Arc::new(FixedClock::at(
            OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap(),
        ))
    }

    struct Doubles {
        credentials: MockCredentialRepository,
        contacts: MockAccountContacts,
        events: MockSecurityEventRepository,
        hasher: MockPasswordHasher,
    }

    fn doubles(verification: Verification) -> Doubles {
        let mut credentials = MockCredentialRepository::new();
        credentials.expect_find_by_account().returning(|account| {
            Ok(Some(StoredCredential {
                account,
                password_hash: PasswordHash::from_phc("$argon2id$old".into()),
            }))
        });
        let mut contacts = MockAccountContacts::new();
        contacts.expect_contact().returning(|_| {
            Ok(Some(AccountContact {
                username: Username::parse("ada").unwrap(),
                all_emails: vec![
                    EmailAddress::parse("ada@example.com").unwrap(),
                    EmailAddress::parse("ada@work.example").unwrap(),
                ],
                primary_email: EmailAddress::parse("ada@example.com").unwrap(),
                verified_emails: vec![
                    EmailAddress::parse("ada@example.com").unwrap(),
                    EmailAddress::parse("ada@work.example").unwrap(),
                ],
                language: LanguageTag::english(),
            }))
        });
        let mut hasher = MockPasswordHasher::new();
        hasher
            .expect_verify()
            .returning(move |_, _| Ok(verification));
        hasher
            .expect_hash()
            .returning(|_| Ok(PasswordHash::from_phc("$argon2id$new".into())));
        Doubles {
            credentials,
            contacts,
            events: MockSecurityEventRepository::new(),
            hasher,
        }
    }

    fn service(d: Doubles) -> PasswordChanges {
        let hasher: Arc<dyn PasswordHasher> = Arc::new(d.hasher);
        PasswordChanges::new(
            PasswordChangePorts {
                credentials: Arc::new(d.credentials),
                contacts: Arc::new(d.contacts),
                events: Arc::new(d.events),
                hasher: hasher.clone(),
                throttle: Arc::new(throttle()),
                composer: Arc::new(PlainComposer),
                clock: clock(),
            },
            Passwords::new(PasswordPolicy::new(8), hasher),
            crate::throttle::ThrottlePolicies::default(),
        )
    }

    fn throttle() -> crate::throttle::MockThrottleRepository {
        let mut throttle = crate::throttle::MockThrottleRepository::new();
        throttle.expect_claim().returning(|_, _| Ok(None));
        throttle.expect_forgive().returning(|_, _| Ok(()));
        throttle.expect_clear().returning(|_| Ok(()));
        throttle
    }

    #[tokio::test]
    async fn a_wrong_current_password_changes_nothing_and_is_recorded() {
        let mut d = doubles(Verification::Mismatch);
        d.credentials.expect_change_password().times(0);
        d.events
            .expect_record()
            .withf(|e| e.kind == SecurityEventKind::PasswordChangeFailed)
            .times(1)
            .returning(|_| Ok(()));

        let result = service(d)
            .change(
                &session(),
                &Password::new("wrong".into()),
                &Password::new("violet tractor sings".into()),
                &ClientInfo::default(),
            )
            .await;

        assert!(matches!(result, Err(PasswordChangeError::WrongPassword)));
    }

    #[tokio::test]
    async fn a_new_password_that_breaks_the_policy_changes_nothing() {
        let mut d = doubles(Verification::Match {
            needs_rehash: false,
        });
        d.credentials.expect_change_password().times(0);

        let result = service(d)
            .change(
                &session(),
                &Password::new("old secret words".into()),
                &Password::new("ada-is-great-1815".into()),
                &ClientInfo::default(),
            )
            .await;

        assert!(matches!(
            result,
            Err(PasswordChangeError::Rejected(
                PasswordRejection::ContainsPersonalData { part: "username" }
            ))
        ));
    }

    #[tokio::test]
    async fn the_same_password_again_is_refused() {
        let mut d = doubles(Verification::Match {
            needs_rehash: false,
        });
        d.credentials.expect_change_password().times(0);

        let result = service(d)
            .change(
                &session(),
                &Password::new("violet tractor sings".into()),
                &Password::new("violet tractor sings".into()),
                &ClientInfo::default(),
            )
            .await;

        assert!(matches!(
            result,
            Err(PasswordChangeError::Rejected(
                PasswordRejection::SameAsCurrent
            ))
        ));
    }

    #[tokio::test]
    async fn a_change_keeps_this_session_records_an_event_and_notifies_in_one_write() {
        let current = session();
        let keep = current.id;
        let mut d = doubles(Verification::Match {
            needs_rehash: false,
        });
        d.credentials
            .expect_change_password()
            .withf(move |change| {
                change.hash.as_phc() == "$argon2id$new"
                    && change.keep_session == keep
                    && change.event.kind == SecurityEventKind::PasswordChanged
                    && change.notices.len() == 2
                    && change.notices[0].template == "password_changed"
                    && change.notices[0].to.as_str() == "ada@example.com"
                    && change.notices[1].to.as_str() == "ada@work.example"
            })
            .times(1)
            .returning(|_| Ok(()));

        service(d)
            .change(
                &current,
                &Password::new("old secret words".into()),
                &Password::new("violet tractor sings".into()),
                &ClientInfo::default(),
            )
            .await
            .unwrap();
    }
}
