//! Two-factor state of an account, the proofs a second factor gives, and the storage
//! port that uses them up.
//!
//! A proof is checked in two halves. The domain checks what needs the seed (does this
//! code belong to a step near now, later than the last one used?). Storage then uses
//! the proof up in the same transaction as the change it authorises, with a
//! conditional statement: the TOTP step is written only if it is later than the stored
//! one, a recovery code is deleted only if it is still there. Of two requests racing
//! with one code, exactly one can win, and a change whose proof was lost writes
//! nothing.

use async_trait::async_trait;
use portico_kernel::NewMessage;
use portico_kernel::{AccountId, SessionId, StorageError, TokenDigest};
use time::OffsetDateTime;

use crate::events::SecurityEvent;
use crate::seed_vault::SealedSeed;

/// An account's two-factor record: a pending enrolment or an enabled second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwoFactorRecord {
    /// Whose it is.
    pub account: AccountId,
    /// The TOTP seed, sealed.
    pub sealed_seed: SealedSeed,
    /// When enrolment was confirmed; `None` while it is pending.
    pub enabled_at: Option<OffsetDateTime>,
    /// The last TOTP step accepted; only a later one is accepted next.
    pub last_used_step: Option<u64>,
}

impl TwoFactorRecord {
    /// Whether two-factor authentication is on.
    pub fn is_enabled(&self) -> bool {
        self.enabled_at.is_some()
    }

    /// Whether a TOTP step may still be used.
    pub fn accepts_step(&self, step: u64) -> bool {
        self.last_used_step.is_none_or(|last| step > last)
    }
}

/// A second factor presented and checked as far as the domain can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactorProof {
    /// A TOTP code of this step.
    Totp {
        /// The time step the code matched.
        step: u64,
    },
    /// A recovery code with this digest (whether it is still unused is for storage
    /// to decide, when it deletes it).
    RecoveryCode(TokenDigest),
}

impl SecondFactorProof {
    /// The factor's name in events: `totp` or `recovery code`.
    pub fn factor(&self) -> &'static str {
        match self {
            Self::Totp { .. } => "totp",
            Self::RecoveryCode(_) => "recovery code",
        }
    }
}

/// Why a guarded write wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum GuardedWriteError {
    /// The proof was already used: the step is not later than the last used one, or
    /// the recovery code is gone (used, replaced, or never issued).
    #[error("the second factor was already used")]
    FactorUsed,
    /// What the write expects no longer holds: the enrolment changed, two-factor was
    /// turned on or off meanwhile, or the session or token is gone.
    #[error("the state changed meanwhile")]
    Stale,
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Turning two-factor authentication on.
#[derive(Debug, Clone)]
pub struct Enablement {
    /// Whose.
    pub account: AccountId,
    /// The pending seed being confirmed (a newer enrolment makes this one stale).
    pub sealed_seed: SealedSeed,
    /// The step of the confirming code, the first used step.
    pub step: u64,
    /// Digests of the first recovery codes.
    pub recovery_codes: Vec<TokenDigest>,
    /// The audit event.
    pub event: SecurityEvent,
    /// The notices to the primary and every other verified address.
    pub notices: Vec<NewMessage>,
}

/// A change authorised by a second factor: turning it off, or a new recovery set.
#[derive(Debug, Clone)]
pub struct FactorGuardedChange {
    /// Whose.
    pub account: AccountId,
    /// The proof to use up.
    pub proof: SecondFactorProof,
    /// The audit event.
    pub event: SecurityEvent,
    /// The notices to the primary and every other verified address.
    pub notices: Vec<NewMessage>,
}

/// Completing a login's second factor.
#[derive(Debug, Clone)]
pub struct SecondFactorCompletion {
    /// The pending session.
    pub session: SessionId,
    /// Whose.
    pub account: AccountId,
    /// The digest of the pending token; the session must still carry it.
    pub old_digest: TokenDigest,
    /// The digest of the new token that replaces it.
    pub new_digest: TokenDigest,
    /// The session's new absolute end.
    pub absolute_expires_at: OffsetDateTime,
    /// When.
    pub at: OffsetDateTime,
    /// The proof to use up.
    pub proof: SecondFactorProof,
    /// The audit event.
    pub event: SecurityEvent,
}

/// Two-factor state, recovery codes and the writes they guard.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait TwoFactorRepository: Send + Sync {
    /// The account's record; `None` when it never started enrolment or turned
    /// two-factor off.
    async fn find(&self, account: AccountId) -> Result<Option<TwoFactorRecord>, StorageError>;

    /// Unused recovery codes of the account.
    async fn recovery_codes_left(&self, account: AccountId) -> Result<u32, StorageError>;

    /// Stores a pending enrolment, replacing an earlier pending one. `false`, with
    /// nothing written, when two-factor is already on.
    async fn start_enrolment(
        &self,
        account: AccountId,
        sealed_seed: &SealedSeed,
        at: OffsetDateTime,
    ) -> Result<bool, StorageError>;

    /// Turns two-factor on with the first recovery set, the event and the notice, in
    /// one transaction. [`GuardedWriteError::Stale`] when the pending seed is not
    /// `sealed_seed` any more or two-factor is already on.
    async fn enable(&self, enablement: &Enablement) -> Result<(), GuardedWriteError>;

    /// Uses up the proof and replaces every recovery code with `codes`, with the
    /// event and the notice, in one transaction.
    async fn renew_recovery_codes(
        &self,
        change: &FactorGuardedChange,
        codes: &[TokenDigest],
    ) -> Result<(), GuardedWriteError>;

    /// Uses up the proof and deletes the record and every recovery code, with the
    /// event and the notice, in one transaction.
    async fn disable(&self, change: &FactorGuardedChange) -> Result<(), GuardedWriteError>;

    /// Uses up the proof and turns the pending session into a full one under its new
    /// token digest, with the event, in one transaction. [`GuardedWriteError::Stale`]
    /// when the session is gone, complete, or carries another token.
    async fn complete_login(
        &self,
        completion: &SecondFactorCompletion,
    ) -> Result<(), GuardedWriteError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_later_step_is_accepted() {
        let mut record = TwoFactorRecord {
            account: AccountId::generate(),
            sealed_seed: SealedSeed::from_stored(vec![]),
            enabled_at: None,
            last_used_step: None,
        };
        assert!(record.accepts_step(0));
        record.last_used_step = Some(100);
        assert!(!record.accepts_step(99));
        assert!(!record.accepts_step(100));
        assert!(record.accepts_step(101));
    }
}
