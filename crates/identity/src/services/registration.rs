//! Opening an account.

use std::sync::Arc;

use portico_kernel::{AccountId, Clock, EmailId, Password, PasswordRejection, StorageError};

use crate::account::{NewAccount, Profile, Registration};
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
}

/// Opens accounts.
#[derive(Clone)]
pub struct RegistrationService {
    accounts: Arc<dyn AccountRepository>,
    credentials: Arc<dyn CredentialPreparer>,
    clock: Arc<dyn Clock>,
}

impl RegistrationService {
    /// Wires the service to its ports.
    pub fn new(
        accounts: Arc<dyn AccountRepository>,
        credentials: Arc<dyn CredentialPreparer>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            accounts,
            credentials,
            clock,
        }
    }

    /// Opens an account: the password must pass the policy (which knows the username
    /// and email it may not be built from); username and email must be free. The
    /// account, its profile, first email and credential are stored together.
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
        let account = NewAccount {
            id: AccountId::generate(),
            email_id: EmailId::generate(),
            registration,
            password_hash,
            created_at: self.clock.now(),
        };
        self.accounts
            .create(&account)
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
            .withf(|account| {
                account.password_hash == hash()
                    && account.registration.username.as_str() == "ada"
                    && account.created_at == fixed_clock().now()
            })
            .times(1)
            .returning(|_| Ok(()));
        let service = RegistrationService::new(
            Arc::new(accounts),
            Arc::new(credentials),
            Arc::new(fixed_clock()),
        );

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
        let service = RegistrationService::new(
            Arc::new(accounts),
            Arc::new(credentials),
            Arc::new(fixed_clock()),
        );

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
        accounts.expect_create().return_once(move |_| Err(error));
        let service = RegistrationService::new(
            Arc::new(accounts),
            Arc::new(credentials),
            Arc::new(fixed_clock()),
        );
        service
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
