//! Asking again for the password (and the second factor, when it is on) before a
//! sensitive change, with the failures throttled and recorded.

use std::sync::Arc;

use portico_kernel::{AccountId, Password, StorageError};

use crate::events::{SecurityEvent, SecurityEventKind};
use crate::hasher::Verification;
use crate::password_policy::PasswordPolicy;
use crate::seed_vault::SeedVault;
use crate::services::factor_check::proof_for;
use crate::services::security_ports::SecurityPorts;
use crate::session::ClientInfo;
use crate::throttle::{ThrottleKey, ThrottlePolicy, claim_attempt, count_failure, settle_success};
use crate::two_factor::{SecondFactorProof, TwoFactorRecord};

/// Why a re-authentication failed. Wrong passwords and codes were counted against
/// the account and the client address, and recorded.
#[derive(Debug, thiserror::Error)]
pub enum ReauthError {
    /// The password is wrong.
    #[error("the password is wrong")]
    WrongPassword,
    /// Two-factor is on and no code was given (not counted as a failure).
    #[error("a code from the authenticator app or a recovery code is required")]
    CodeRequired,
    /// The code is wrong or was already used.
    #[error("the code is wrong or was already used")]
    WrongCode,
    /// Too many failures lately for this account or address.
    #[error("too many failed attempts; try again later")]
    Throttled {
        /// How long until the next attempt is accepted.
        retry_after: time::Duration,
    },
    /// The account no longer exists.
    #[error("no such account")]
    NotFound,
    /// Storage or hashing failed.
    #[error("re-authentication failed unexpectedly")]
    Unexpected(#[from] StorageError),
}

/// The failure to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Wrong password.
    Password,
    /// Wrong or used second-factor code.
    Code,
}

/// What a successful re-authentication established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reauthenticated {
    /// The account's two-factor record, when it has one.
    pub two_factor: Option<TwoFactorRecord>,
    /// The second factor given, still to be used up by the change it authorises;
    /// `None` when two-factor is off.
    pub proof: Option<SecondFactorProof>,
}

/// Re-authenticates clients before sensitive changes.
#[derive(Clone)]
pub struct Reauthentication {
    ports: SecurityPorts,
    vault: Arc<SeedVault>,
    throttle_policy: ThrottlePolicy,
}

impl Reauthentication {
    /// Wires the service.
    pub fn new(
        ports: SecurityPorts,
        vault: Arc<SeedVault>,
        throttle_policy: ThrottlePolicy,
    ) -> Self {
        Self {
            ports,
            vault,
            throttle_policy,
        }
    }

    /// The keys re-authentications of `account` from `client` count against.
    pub(crate) fn keys(account: AccountId, client: &ClientInfo) -> Vec<ThrottleKey> {
        let mut keys = vec![ThrottleKey::account(account)];
        keys.extend(client.ip.map(ThrottleKey::address));
        keys
    }

    /// Claims an attempt under `keys` before it is judged (see
    /// [`crate::throttle::ThrottleRepository::claim`]): refused with
    /// [`ReauthError::Throttled`] while any key is blocked.
    pub(crate) async fn claim(&self, keys: &[ThrottleKey]) -> Result<(), ReauthError> {
        claim_attempt(
            self.ports.throttle.as_ref(),
            &self.throttle_policy,
            keys,
            self.ports.clock.now(),
        )
        .await?
        .map_err(|retry_after| ReauthError::Throttled { retry_after })
    }

    /// Gives a claimed attempt back after it succeeded (or turned out not to be a
    /// guess): the first key forgets its failures, the others get one back.
    pub(crate) async fn succeeded(&self, keys: &[ThrottleKey]) -> Result<(), StorageError> {
        let (cleared, forgiven) = keys.split_at(keys.len().min(1));
        settle_success(
            self.ports.throttle.as_ref(),
            &self.throttle_policy,
            cleared,
            forgiven,
        )
        .await
    }

    /// Gives a claimed attempt back to every key without clearing any: the attempt
    /// was not a guess (a valid link with a weak new password, say).
    pub(crate) async fn succeeded_without_clearing(
        &self,
        keys: &[ThrottleKey],
    ) -> Result<(), StorageError> {
        settle_success(
            self.ports.throttle.as_ref(),
            &self.throttle_policy,
            &[],
            keys,
        )
        .await
    }

    /// Records a failed attempt at `action` (already counted by its claim) and returns
    /// the error that reports it.
    pub(crate) async fn refused(
        &self,
        account: AccountId,
        client: &ClientInfo,
        action: &str,
        failure: Failure,
    ) -> Result<ReauthError, StorageError> {
        let (what, error) = match failure {
            Failure::Password => ("wrong password", ReauthError::WrongPassword),
            Failure::Code => ("wrong code", ReauthError::WrongCode),
        };
        let event = SecurityEvent::new(
            account,
            SecurityEventKind::ReauthenticationFailed,
            self.ports.clock.now(),
            client,
            Some(format!("{action}: {what}")),
        );
        self.ports.events.record(&event).await?;
        Ok(error)
    }

    /// Records and counts a failure found after the attempt was settled: a code that
    /// a concurrent request used first.
    pub(crate) async fn fail(
        &self,
        account: AccountId,
        client: &ClientInfo,
        action: &str,
        failure: Failure,
    ) -> Result<ReauthError, StorageError> {
        let error = self.refused(account, client, action, failure).await?;
        self.count(&Self::keys(account, client)).await?;
        Ok(error)
    }

    /// Counts a failure against `keys`.
    pub(crate) async fn count(&self, keys: &[ThrottleKey]) -> Result<(), StorageError> {
        count_failure(
            self.ports.throttle.as_ref(),
            &self.throttle_policy,
            keys,
            self.ports.clock.now(),
        )
        .await
    }

    /// Checks the password and, when two-factor is on, the code, for `action` (named
    /// in the audit trail). The proof returned must be used up by the change itself.
    pub async fn verify(
        &self,
        account: AccountId,
        password: &Password,
        code: Option<&str>,
        client: &ClientInfo,
        action: &str,
    ) -> Result<Reauthenticated, ReauthError> {
        let keys = Self::keys(account, client);
        self.claim(&keys).await?;
        let credential = self
            .ports
            .credentials
            .find_by_account(account)
            .await?
            .ok_or(ReauthError::NotFound)?;
        let matched = !PasswordPolicy::exceeds_cap(password)
            && matches!(
                self.ports
                    .hasher
                    .verify(password, &credential.password_hash)
                    .await?,
                Verification::Match { .. }
            );
        if !matched {
            return Err(self
                .refused(account, client, action, Failure::Password)
                .await?);
        }
        let two_factor = self.ports.two_factor.find(account).await?;
        let Some(record) = two_factor.as_ref().filter(|r| r.is_enabled()) else {
            self.succeeded(&keys).await?;
            return Ok(Reauthenticated {
                two_factor,
                proof: None,
            });
        };
        let Some(code) = code else {
            // Not a guess: the password was right and no code was tried.
            self.succeeded(&keys).await?;
            return Err(ReauthError::CodeRequired);
        };
        match proof_for(&self.vault, record, code, self.ports.clock.now())? {
            Some(proof) => {
                self.succeeded(&keys).await?;
                Ok(Reauthenticated {
                    proof: Some(proof),
                    two_factor,
                })
            }
            None => Err(self.refused(account, client, action, Failure::Code).await?),
        }
    }
}

#[cfg(test)]
#[path = "reauth_tests.rs"]
mod tests;
