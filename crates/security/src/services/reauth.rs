//! Asking again for the password (and the second factor, when it is on) before a
//! sensitive change, with the failures throttled and recorded.

use std::sync::Arc;

use portico_kernel::{AccountId, Clock, Password, SessionId, StorageError};

use crate::events::{SecurityEvent, SecurityEventKind, SecurityEventRepository, record_throttled};
use crate::hasher::{PasswordHasher, Verification};
use crate::password_policy::PasswordPolicy;
use crate::ports::CredentialRepository;
use crate::second_factor_code::SecondFactorCode;
use crate::seed_vault::SeedVault;
use crate::services::factor_check::proof_for;
use crate::session::{ClientInfo, Session};
use crate::throttle::{
    Claim, ThrottleKey, ThrottlePolicies, ThrottleRepository, claim, give_back, settle,
};
use crate::two_factor::{SecondFactorProof, TwoFactorRecord, TwoFactorRepository};

/// What a re-authentication is for, named in the audit trail of a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardedAction {
    /// Renewing the session's proof of presence before a sensitive change.
    StepUp,
    /// Changing the username.
    UsernameChange,
    /// Replacing the recovery codes.
    RecoveryCodeRenewal,
    /// Turning two-factor authentication off.
    TwoFactorRemoval,
    /// Confirming two-factor enrolment with a first code.
    TwoFactorConfirmation,
}

impl GuardedAction {
    /// The words the audit trail uses.
    pub fn describe(self) -> &'static str {
        match self {
            Self::StepUp => "re-authentication",
            Self::UsernameChange => "username change",
            Self::RecoveryCodeRenewal => "recovery code renewal",
            Self::TwoFactorRemoval => "two-factor removal",
            Self::TwoFactorConfirmation => "two-factor confirmation",
        }
    }
}

/// Why a re-authentication failed. Wrong passwords were counted like failed logins,
/// wrong codes against the account's second-factor budget, and both recorded.
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
    /// Too many wrong passwords lately from this session, or wrong codes for this
    /// account's second factor.
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

/// Who is re-authenticating: an account, from one of its sessions (whose own counter
/// judges the password, as a known device's judges a login).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// The account.
    pub account: AccountId,
    /// The session the request came with.
    pub session: SessionId,
}

impl From<&Session> for Caller {
    fn from(session: &Session) -> Self {
        Self {
            account: session.account,
            session: session.id,
        }
    }
}

/// The ports [`Reauthentication`] works with.
#[derive(Clone)]
pub struct ReauthPorts {
    /// Password credentials.
    pub credentials: Arc<dyn CredentialRepository>,
    /// Two-factor state.
    pub two_factor: Arc<dyn TwoFactorRepository>,
    /// The password hasher.
    pub hasher: Arc<dyn PasswordHasher>,
    /// The failure counters.
    pub throttle: Arc<dyn ThrottleRepository>,
    /// The audit trail.
    pub events: Arc<dyn SecurityEventRepository>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

/// Re-authenticates clients before sensitive changes.
#[derive(Clone)]
pub struct Reauthentication {
    ports: ReauthPorts,
    vault: Arc<SeedVault>,
    throttles: ThrottlePolicies,
}

impl Reauthentication {
    /// Wires the service.
    pub fn new(ports: ReauthPorts, vault: Arc<SeedVault>, throttles: ThrottlePolicies) -> Self {
        Self {
            ports,
            vault,
            throttles,
        }
    }

    /// The counter a password sent from the caller's session is claimed under: the
    /// session's own, so that strangers' guesses at the account never keep its owner
    /// from re-authenticating.
    pub(crate) fn password_claims(&self, caller: Caller) -> Vec<Claim> {
        self.throttles.session_claims(caller.session)
    }

    /// The account's one second-factor budget.
    pub(crate) fn second_factor_claims(&self, account: AccountId) -> [Claim; 1] {
        [self.throttles.second_factor_claim(account)]
    }

    /// Claims an attempt before it is judged (see
    /// [`crate::throttle::ThrottleRepository::claim`]): refused with
    /// [`ReauthError::Throttled`] while any key is blocked, and the refusal recorded.
    pub(crate) async fn claim(
        &self,
        account: AccountId,
        client: &ClientInfo,
        claims: &[Claim],
    ) -> Result<(), ReauthError> {
        let now = self.ports.clock.now();
        let Err(retry_after) = claim(self.ports.throttle.as_ref(), claims, now).await? else {
            return Ok(());
        };
        record_throttled(
            self.ports.events.as_ref(),
            self.ports.throttle.as_ref(),
            account,
            client,
            "re-authentication",
            now,
        )
        .await?;
        Err(ReauthError::Throttled { retry_after })
    }

    /// Settles claimed attempts that succeeded (see [`crate::throttle::settle`]).
    pub(crate) async fn succeeded(&self, claims: &[Claim]) -> Result<(), StorageError> {
        settle(self.ports.throttle.as_ref(), claims).await
    }

    /// Gives claimed attempts back without clearing any: the attempt was not a guess
    /// (a valid link with a weak new password, a right password without its code).
    pub(crate) async fn succeeded_without_clearing(
        &self,
        claims: &[Claim],
    ) -> Result<(), StorageError> {
        give_back(self.ports.throttle.as_ref(), claims).await
    }

    /// Records a failed attempt at `action` (already counted by its claim) and returns
    /// the error that reports it.
    pub(crate) async fn refused(
        &self,
        account: AccountId,
        client: &ClientInfo,
        action: GuardedAction,
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
            Some(format!("{}: {what}", action.describe())),
        );
        self.ports.events.record(&event).await?;
        Ok(error)
    }

    /// Records a code that storage refused when the change was written (a
    /// recovery code that does not exist, or a code a concurrent request used
    /// first). Its claim on the second-factor budget stands.
    pub(crate) async fn fail(
        &self,
        account: AccountId,
        client: &ClientInfo,
        action: GuardedAction,
    ) -> Result<ReauthError, StorageError> {
        self.refused(account, client, action, Failure::Code).await
    }

    /// Gives back a code's claim on the budget when the change it came with failed
    /// for another reason (a username taken meanwhile): the code was not wrong.
    pub(crate) async fn code_not_judged(&self, account: AccountId) -> Result<(), StorageError> {
        self.succeeded_without_clearing(&self.second_factor_claims(account))
            .await
    }

    /// Restores the account's second-factor budget once a change has used up the
    /// code that [`Self::verify`] passed on: only storage knows that a recovery code
    /// exists, so the budget cannot be restored before. The change is done whatever
    /// happens here, so a failure is logged.
    pub(crate) async fn code_used(&self, account: AccountId) {
        if let Err(error) = self
            .ports
            .throttle
            .clear(&ThrottleKey::second_factor(account))
            .await
        {
            tracing::warn!(%account, error = %error, "could not restore the second-factor budget");
        }
    }

    /// Checks the password and, when two-factor is on, the code, for `action` (named
    /// in the audit trail). The proof returned must be used up by the change itself,
    /// and the caller then calls [`Self::code_used`].
    ///
    /// The password is claimed under the session's counter, the code under the
    /// account's one second-factor budget, each before it is judged. A right
    /// password sent without the code it needs is not a guess: its claim is given
    /// back, and no counter is cleared. A code's claim stands until the change that
    /// uses it up is written.
    #[tracing::instrument(name = "Reauthentication::verify", skip_all, fields(account = %caller.account))]
    pub async fn verify(
        &self,
        caller: Caller,
        password: &Password,
        code: Option<&SecondFactorCode>,
        client: &ClientInfo,
        action: GuardedAction,
    ) -> Result<Reauthenticated, ReauthError> {
        let account = caller.account;
        let claims = self.password_claims(caller);
        self.claim(account, client, &claims).await?;
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
            self.succeeded(&claims).await?;
            return Ok(Reauthenticated {
                two_factor,
                proof: None,
            });
        };
        let Some(code) = code else {
            self.succeeded_without_clearing(&claims).await?;
            return Err(ReauthError::CodeRequired);
        };
        self.succeeded(&claims).await?;
        let budget = self.second_factor_claims(account);
        self.claim(account, client, &budget).await?;
        match proof_for(&self.vault, record, code, self.ports.clock.now())? {
            Some(proof) => Ok(Reauthenticated {
                proof: Some(proof),
                two_factor,
            }),
            None => Err(self.refused(account, client, action, Failure::Code).await?),
        }
    }
}

#[cfg(test)]
#[path = "reauth_tests.rs"]
mod tests;
