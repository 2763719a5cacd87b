//! Opening an account.

use std::sync::Arc;

use portico_kernel::{AccountId, Clock, EmailId, Password, PasswordRejection, StorageError};
use portico_kernel::{ComposeError, NoticeComposer};

use crate::notices::IdentityNotice;

use crate::account::{NewAccount, Profile, Registration};
use crate::email_verification::{EmailVerification, Links};
use crate::ports::{
    AccountRepository, CreateAccountError, CredentialPreparer, PrepareCredentialError,
};

/// Why an account could not be opened. Nothing is stored in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// The password breaks the policy.
    #[error(transparent)]
    PasswordRejected(PasswordRejection),
    /// The username is taken (case-insensitively).
    #[error("this username is taken")]
    UsernameTaken,
    /// The email address belongs to another account.
    #[error("this email address is already registered")]
    EmailTaken,
    /// Storage or hashing failed.
    #[error("registration failed unexpectedly")]
    Unexpected(#[source] StorageError),
    /// The welcome message could not be rendered.
    #[error("registration failed unexpectedly")]
    Compose(#[from] ComposeError),
}

/// Opens accounts.
#[derive(Clone)]
pub struct Registrations {
    accounts: Arc<dyn AccountRepository>,
    credentials: Arc<dyn CredentialPreparer>,
    composer: Arc<dyn NoticeComposer>,
    links: Links,
    clock: Arc<dyn Clock>,
}

impl Registrations {
    /// Wires the service to its ports.
    pub fn new(
        accounts: Arc<dyn AccountRepository>,
        credentials: Arc<dyn CredentialPreparer>,
        composer: Arc<dyn NoticeComposer>,
        links: Links,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            accounts,
            credentials,
            composer,
            links,
            clock,
        }
    }

    /// Opens an account: the password must pass the policy (which knows the username
    /// and email it may not be built from); username and email must be free. The
    /// account, its profile, first email, credential and the welcome message (which
    /// asks to confirm the address) are stored together; the message is sent later by
    /// the outbox worker.
    #[tracing::instrument(name = "Registrations::register", skip_all)]
    pub async fn register(
        &self,
        registration: Registration,
        password: &Password,
    ) -> Result<Profile, RegisterError> {
        let password_hash = self
            .credentials
            .prepare(password, &registration.username, &registration.email)
            .await
            .map_err(|error| match error {
                PrepareCredentialError::Rejected(rule) => RegisterError::PasswordRejected(rule),
                PrepareCredentialError::Unexpected(source) => RegisterError::Unexpected(source),
            })?;
        let now = self.clock.now();
        let account = NewAccount {
            id: AccountId::generate(),
            email_id: EmailId::generate(),
            registration,
            password_hash,
            created_at: now,
        };
        let (token, verification) =
            EmailVerification::issue(account.email_id, now).map_err(RegisterError::Unexpected)?;
        let registration = &account.registration;
        let welcome = self.composer.compose(
            Some(account.id),
            &registration.email,
            registration.language.as_str(),
            &IdentityNotice::Welcome {
                username: registration.username.clone(),
                first_name: registration.first_name.clone(),
                link: self.links.verify_email(account.email_id, &token),
            },
        )?;
        self.accounts
            .create(&account, &verification, &welcome)
            .await
            .map_err(|error| match error {
                CreateAccountError::UsernameTaken => RegisterError::UsernameTaken,
                CreateAccountError::EmailTaken => RegisterError::EmailTaken,
                CreateAccountError::Unexpected(source) => RegisterError::Unexpected(source),
            })?;
        let registration = account.registration;
        Ok(Profile {
            id: account.id,
            username: registration.username,
            first_name: registration.first_name,
            last_name: registration.last_name,
            language: registration.language,
            created_at: account.created_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{MockAccountRepository, MockCredentialPreparer};
    use crate::test_support::{fixed_clock, registration};
    use portico_kernel::PasswordHash;
    use portico_kernel::mail::plain::PlainComposer;

    fn service(
        accounts: MockAccountRepository,
        credentials: MockCredentialPreparer,
    ) -> Registrations {
        Registrations::new(
            Arc::new(accounts),
            Arc::new(credentials),
            Arc::new(PlainComposer),
            Links::new("https://portal.example"),
            Arc::new(fixed_clock()),
        )
    }

    fn hash() -> PasswordHash {
        PasswordHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".into())
    }

    #[tokio::test]
    async fn a_valid_registration_stores_the_account_with_the_hashed_password() {
        let mut credentials = MockCredentialPreparer::new();
        credentials
            .expect_prepare()
            .withf(|password, username, email| {
                password.expose() == "correct horse battery"
                    && username.as_str() == "ada"
                    && email.as_str() == "ada@example.com"
            })
            .times(1)
            .returning(|_, _, _| Ok(hash()));
        let mut accounts = MockAccountRepository::new();
        accounts
            .expect_create()
            .withf(|account, verification, welcome| {
                account.password_hash == hash()
                    && account.registration.username.as_str() == "ada"
                    && account.created_at == fixed_clock().now()
                    && verification.email_id == account.email_id
                    && verification.expires_at == fixed_clock().now() + time::Duration::hours(24)
                    && welcome.template == "welcome"
                    && welcome.account == Some(account.id)
                    && welcome.to.as_str() == "ada@example.com"
                    && welcome
                        .secret_delivery
                        .as_ref()
                        .is_some_and(|c| c.text.contains("/verify-email?email="))
                    && !welcome.stored.text.contains(verification.digest.as_str())
            })
            .times(1)
            .returning(|_, _, _| Ok(()));
        let service = service(accounts, credentials);

        let id = service
            .register(
                registration(),
                &Password::new("correct horse battery".into()),
            )
            .await;

        assert!(id.is_ok());
    }

    #[tokio::test]
    async fn a_rejected_password_stores_nothing() {
        let mut credentials = MockCredentialPreparer::new();
        credentials.expect_prepare().returning(|_, _, _| {
            Err(PrepareCredentialError::Rejected(
                PasswordRejection::TooCommon,
            ))
        });
        let mut accounts = MockAccountRepository::new();
        accounts.expect_create().times(0);
        let service = service(accounts, credentials);

        let result = service
            .register(registration(), &Password::new("password".into()))
            .await;

        assert!(matches!(
            result,
            Err(RegisterError::PasswordRejected(
                PasswordRejection::TooCommon
            ))
        ));
    }

    async fn register_against(error: CreateAccountError) -> Result<Profile, RegisterError> {
        let mut credentials = MockCredentialPreparer::new();
        credentials.expect_prepare().returning(|_, _, _| Ok(hash()));
        let mut accounts = MockAccountRepository::new();
        accounts
            .expect_create()
            .return_once(move |_, _, _| Err(error));
        service(accounts, credentials)
            .register(
                registration(),
                &Password::new("correct horse battery".into()),
            )
            .await
    }

    #[tokio::test]
    async fn a_taken_username_is_reported_as_such() {
        let result = register_against(CreateAccountError::UsernameTaken).await;
        assert!(matches!(result, Err(RegisterError::UsernameTaken)));
    }

    #[tokio::test]
    async fn a_taken_email_is_reported_as_such() {
        let result = register_against(CreateAccountError::EmailTaken).await;
        assert!(matches!(result, Err(RegisterError::EmailTaken)));
    }
}
