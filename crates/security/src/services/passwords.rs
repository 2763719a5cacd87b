//! Turning a candidate password into a stored hash.

use std::sync::Arc;

use async_trait::async_trait;
use portico_kernel::{
    CredentialPreparer, EmailAddress, Password, PasswordHash, PasswordRejection,
    PrepareCredentialError, StorageError, Username,
};

use crate::hasher::PasswordHasher;
use crate::password_policy::{PasswordContext, PasswordPolicy};

/// Why a new password was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// It breaks the policy; nothing was hashed.
    #[error(transparent)]
    Rejected(PasswordRejection),
    /// Hashing failed.
    #[error("password hashing failed")]
    Unexpected(#[source] StorageError),
}

/// Checks new passwords against the policy and hashes the ones that pass.
#[derive(Clone)]
pub struct Passwords {
    policy: PasswordPolicy,
    hasher: Arc<dyn PasswordHasher>,
}

impl Passwords {
    /// Wires the service.
    pub fn new(policy: PasswordPolicy, hasher: Arc<dyn PasswordHasher>) -> Self {
        Self { policy, hasher }
    }

    /// The policy in force.
    pub fn policy(&self) -> &PasswordPolicy {
        &self.policy
    }

    /// Checks the password first (cheap) and only then hashes it (expensive), so a
    /// refused password costs the server nothing.
    #[tracing::instrument(name = "Passwords::check_and_hash", skip_all)]
    pub async fn check_and_hash(
        &self,
        password: &Password,
        context: &PasswordContext<'_>,
    ) -> Result<PasswordHash, PasswordError> {
        self.policy
            .check(password, context)
            .map_err(PasswordError::Rejected)?;
        self.hasher
            .hash(password)
            .await
            .map_err(PasswordError::Unexpected)
    }
}

/// Registration's first password, checked against the username and the address it
/// registers with, and hashed: identity's way in, without glue.
#[async_trait]
impl CredentialPreparer for Passwords {
    async fn prepare(
        &self,
        password: &Password,
        username: &Username,
        email: &EmailAddress,
    ) -> Result<PasswordHash, PrepareCredentialError> {
        let emails = [email.as_str()];
        let context = PasswordContext {
            username: username.as_str(),
            emails: &emails,
        };
        self.check_and_hash(password, &context)
            .await
            .map_err(|error| match error {
                PasswordError::Rejected(rule) => PrepareCredentialError::Rejected(rule),
                PasswordError::Unexpected(source) => PrepareCredentialError::Unexpected(source),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hasher::MockPasswordHasher;

    const CONTEXT: PasswordContext<'static> = PasswordContext {
        username: "ada",
        emails: &["ada@example.com"],
    };

    #[tokio::test]
    async fn a_refused_password_is_never_hashed() {
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_hash().times(0);
        let passwords = Passwords::new(PasswordPolicy::new(8), Arc::new(hasher));

        let result = passwords
            .check_and_hash(&Password::new("password".into()), &CONTEXT)
            .await;

        assert!(matches!(
            result,
            Err(PasswordError::Rejected(PasswordRejection::TooCommon))
        ));
    }

    #[tokio::test]
    async fn an_accepted_password_is_hashed() {
        let mut hasher = MockPasswordHasher::new();
        hasher
            .expect_hash()
            .times(1)
            .returning(|_| Ok(PasswordHash::from_phc("$argon2id$stub".into())));
        let passwords = Passwords::new(PasswordPolicy::new(8), Arc::new(hasher));

        let result = passwords
            .check_and_hash(&Password::new("violet tractor sings".into()), &CONTEXT)
            .await;

        assert_eq!(result.unwrap().as_phc(), "$argon2id$stub");
    }

    #[tokio::test]
    async fn a_first_password_is_checked_against_the_name_and_address_it_registers_with() {
        let mut hasher = MockPasswordHasher::new();
        hasher
            .expect_hash()
            .times(1)
            .returning(|_| Ok(PasswordHash::from_phc("$argon2id$first".into())));
        let passwords = Passwords::new(PasswordPolicy::new(8), Arc::new(hasher));
        let username = Username::parse("grace.hopper").unwrap();
        let email = EmailAddress::parse("admiral@navy.example").unwrap();

        let built_from_name = passwords
            .prepare(&Password::new("grace.hopper1".into()), &username, &email)
            .await;
        let built_from_address = passwords
            .prepare(&Password::new("admiral2024".into()), &username, &email)
            .await;
        let fine = passwords
            .prepare(
                &Password::new("cobol moth ledger".into()),
                &username,
                &email,
            )
            .await
            .unwrap();

        assert!(matches!(
            built_from_name,
            Err(PrepareCredentialError::Rejected(
                PasswordRejection::ContainsPersonalData { part: "username" }
            ))
        ));
        assert!(matches!(
            built_from_address,
            Err(PrepareCredentialError::Rejected(
                PasswordRejection::ContainsPersonalData {
                    part: "email address"
                }
            ))
        ));
        assert_eq!(fine.as_phc(), "$argon2id$first");
    }
}
