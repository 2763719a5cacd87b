//! Turning a candidate password into a stored hash.

use std::sync::Arc;

use portico_kernel::{Password, PasswordHash, PasswordRejection, StorageError};

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
}
