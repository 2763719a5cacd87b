//! Lets the identity domain check and hash a first password through the security
//! domain, without either crate depending on the other.

use async_trait::async_trait;
use portico_identity::Username;
use portico_identity::ports::{CredentialPreparer, PrepareCredentialError};
use portico_kernel::{EmailAddress, Password, PasswordHash};
use portico_security::{PasswordContext, PasswordError, Passwords};

/// identity's [`CredentialPreparer`] port, implemented by security's [`Passwords`].
#[derive(Clone)]
pub struct PolicyCheckedCredentials {
    passwords: Passwords,
}

impl PolicyCheckedCredentials {
    /// Wraps the password service.
    pub fn new(passwords: Passwords) -> Self {
        Self { passwords }
    }
}

#[async_trait]
impl CredentialPreparer for PolicyCheckedCredentials {
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
        self.passwords
            .check_and_hash(password, &context)
            .await
            .map_err(|error| match error {
                PasswordError::Rejected(rule) => PrepareCredentialError::Rejected(rule),
                PasswordError::Unexpected(source) => PrepareCredentialError::Unexpected(source),
            })
    }
}
