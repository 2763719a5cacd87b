//! Turning a first password into a stored credential, across domains: identity
//! registers accounts, security knows how passwords are checked and hashed. The port
//! lives here so security's `Passwords` implements it directly and an embedder of
//! identity gets the real policy and hasher without writing glue.

use async_trait::async_trait;

use crate::{EmailAddress, Password, PasswordHash, PasswordRejection, StorageError, Username};

/// Why a first password could not be turned into a credential.
#[derive(Debug, thiserror::Error)]
pub enum PrepareCredentialError {
    /// The password breaks the policy; the rule is named.
    #[error(transparent)]
    Rejected(PasswordRejection),
    /// Hashing failed for a reason unrelated to the password.
    #[error(transparent)]
    Unexpected(StorageError),
}

/// Checks a first password against the policy (knowing the username and address it
/// must not be built from) and hashes it.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CredentialPreparer: Send + Sync {
    /// The hash to store, or the rule the password breaks.
    async fn prepare(
        &self,
        password: &Password,
        username: &Username,
        email: &EmailAddress,
    ) -> Result<PasswordHash, PrepareCredentialError>;
}
