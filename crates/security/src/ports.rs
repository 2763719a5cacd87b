//! The storage ports of the security domain.

use async_trait::async_trait;
use portico_kernel::{AccountId, Page, PageRequest, PasswordHash, SessionId, StorageError};
use time::OffsetDateTime;

use crate::events::SecurityEvent;
use crate::session::Session;
use crate::two_factor::{GuardedWriteError, SecondFactorProof};
use portico_kernel::{NewMessage, TokenDigest, Username};

/// What a login names: a username or an email address, in case-folded form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginKey {
    /// A case-folded username.
    Username(String),
    /// A case-folded email address.
    Email(String),
}

impl LoginKey {
    /// Longest login worth looking up: no username or email address is longer.
    pub const MAX_LEN: usize = 254;

    /// Reads a login as typed: with an `@` it is an email address (usernames cannot
    /// contain one), otherwise a username. `None` for text that can name no account
    /// (control characters, overlong), so it never reaches the database.
    pub fn from_login(login: &str) -> Option<Self> {
        let login = login.trim();
        if login.is_empty()
            || login.chars().count() > Self::MAX_LEN
            || login.chars().any(char::is_control)
        {
            return None;
        }
        let login = login.to_lowercase();
        Some(if login.contains('@') {
            Self::Email(login)
        } else {
            Self::Username(login)
        })
    }
}

/// The stored credential of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredential {
    /// Whose it is.
    pub account: AccountId,
    /// The password hash.
    pub password_hash: PasswordHash,
}

/// A password change, written in one transaction.
#[derive(Debug, Clone)]
pub struct PasswordChange {
    /// Whose password.
    pub account: AccountId,
    /// The new hash.
    pub hash: PasswordHash,
    /// The session that made the change; every other session of the account ends.
    pub keep_session: SessionId,
    /// The audit event.
    pub event: SecurityEvent,
    /// The notices to the primary and every other verified address.
    pub notices: Vec<NewMessage>,
}

/// Password credentials.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CredentialRepository: Send + Sync {
    /// The credential of the account a login names. A username matches
    /// case-insensitively; an email matches the account's primary address or any of
    /// its verified addresses, never an unverified secondary one (which anyone could
    /// have added). `None` when nothing matches.
    async fn find_by_login(
        &self,
        login: &LoginKey,
    ) -> Result<Option<StoredCredential>, StorageError>;

    /// The account's stored credential.
    async fn find_by_account(
        &self,
        account: AccountId,
    ) -> Result<Option<StoredCredential>, StorageError>;

    /// Applies a password change: the new hash, the end of every other session, the
    /// audit event and the notification, all in one transaction.
    async fn change_password(&self, change: &PasswordChange) -> Result<(), StorageError>;

    /// Replaces the account's password hash, recording when.
    async fn replace_hash(
        &self,
        account: AccountId,
        hash: &PasswordHash,
        at: OffsetDateTime,
    ) -> Result<(), StorageError>;
}

/// Login sessions.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait SessionRepository: Send + Sync {
    /// Stores a new session with the audit event of the login that opened it, in one
    /// transaction.
    async fn insert(&self, session: &Session, event: &SecurityEvent) -> Result<(), StorageError>;

    /// The session whose token has this digest, live or not; `None` when there is
    /// none (never issued, logged out or revoked). The session of
    /// [`Self::find_for_request`], without its whitelist.
    async fn find_by_digest(&self, digest: &TokenDigest) -> Result<Option<Session>, StorageError> {
        Ok(self
            .find_for_request(digest)
            .await?
            .map(|found| found.session))
    }

    /// The session whose token has this digest, live or not, with its account's IP
    /// whitelist, read together in one round trip: what every authenticated request
    /// needs. `None` when there is no such session.
    async fn find_for_request(
        &self,
        digest: &TokenDigest,
    ) -> Result<Option<SessionWithWhitelist>, StorageError>;

    /// Records activity on a session.
    async fn touch(&self, id: SessionId, at: OffsetDateTime) -> Result<(), StorageError>;

    /// One page of the account's sessions that have not reached their absolute
    /// expiry at `now`, newest first.
    async fn list(
        &self,
        account: AccountId,
        now: OffsetDateTime,
        page: &PageRequest,
    ) -> Result<Page<Session>, StorageError>;

    /// Deletes one session of the account; `false` when the account has no such
    /// session (another account's session id included).
    async fn delete(&self, account: AccountId, id: SessionId) -> Result<bool, StorageError>;

    /// Deletes every session of the account except `keep`, live, idle or expired, in
    /// one transaction; returns the ids it deleted.
    async fn delete_others(
        &self,
        account: AccountId,
        keep: SessionId,
    ) -> Result<Vec<SessionId>, StorageError>;

    /// Records a fresh proof of the password (and second factor) on a session: uses
    /// up the proof, sets the session's `authenticated_at` and writes the event, in
    /// one transaction. [`GuardedWriteError::FactorUsed`] when the proof was used
    /// meanwhile, [`GuardedWriteError::Stale`] when the session is gone; on any error
    /// nothing is written.
    async fn renew_proof(&self, fresh: &FreshProof) -> Result<(), GuardedWriteError>;
}

/// A session and its account's IP whitelist, as one read found them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionWithWhitelist {
    /// The session.
    pub session: Session,
    /// The account's whitelist entries, oldest first (empty: no restriction).
    pub whitelist: Vec<crate::whitelist::WhitelistEntry>,
}

/// A session's renewed proof of the password (and second factor).
#[derive(Debug, Clone)]
pub struct FreshProof {
    /// The session.
    pub session: SessionId,
    /// Whose.
    pub account: AccountId,
    /// When the proof was given.
    pub at: OffsetDateTime,
    /// The second factor to use up; `None` without two-factor.
    pub proof: Option<SecondFactorProof>,
    /// The audit event.
    pub event: SecurityEvent,
}

/// A username change, written in one transaction.
#[derive(Debug, Clone)]
pub struct UsernameChange {
    /// Whose username.
    pub account: AccountId,
    /// The new username.
    pub username: Username,
    /// The second factor that authorised it, to use up; `None` without two-factor.
    pub proof: Option<SecondFactorProof>,
    /// The audit event.
    pub event: SecurityEvent,
    /// The notices to the primary and every other verified address.
    pub notices: Vec<NewMessage>,
}

/// Why a username change wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum UsernameWriteError {
    /// Another account has the username (compared case-insensitively).
    #[error("the username is taken")]
    Taken,
    /// The second-factor proof was used meanwhile.
    #[error("the second factor was already used")]
    FactorUsed,
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Usernames, as the security domain changes them.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait UsernameRepository: Send + Sync {
    /// Uses up the proof, sets the username, and writes the event and the notice,
    /// all in one transaction: on any error nothing is written.
    async fn change_username(&self, change: &UsernameChange) -> Result<(), UsernameWriteError>;
}

/// A password reset waiting for its link to be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingReset {
    /// Whose password.
    pub account: AccountId,
    /// When the link stops working.
    pub expires_at: OffsetDateTime,
}

/// A reset link just mailed.
#[derive(Debug, Clone)]
pub struct ResetIssue {
    /// Whose password.
    pub account: AccountId,
    /// The digest of the link's token.
    pub digest: TokenDigest,
    /// When it was asked for.
    pub created_at: OffsetDateTime,
    /// When the link stops working.
    pub expires_at: OffsetDateTime,
    /// The audit event.
    pub event: SecurityEvent,
    /// The mail with the link.
    pub mail: NewMessage,
}

/// A reset carried out.
#[derive(Debug, Clone)]
pub struct ResetCompletion {
    /// Whose password.
    pub account: AccountId,
    /// The digest of the link's token, to use up.
    pub digest: TokenDigest,
    /// The new password hash.
    pub hash: PasswordHash,
    /// The second factor given, to use up; `None` without two-factor.
    pub proof: Option<SecondFactorProof>,
    /// The audit event.
    pub event: SecurityEvent,
    /// The notices to the primary and every other verified address.
    pub notices: Vec<NewMessage>,
}

/// Password reset tokens.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PasswordResetRepository: Send + Sync {
    /// Stores the token, replacing any earlier one of the account (a newer request
    /// voids the older link), with the event and the mail, in one transaction.
    async fn issue(&self, issue: &ResetIssue) -> Result<(), StorageError>;

    /// The reset a token digest belongs to, expired or not; `None` when there is
    /// none (never issued, used, replaced or voided).
    async fn find(&self, digest: &TokenDigest) -> Result<Option<PendingReset>, StorageError>;

    /// Voids a token (too many wrong guesses against it).
    async fn void(&self, digest: &TokenDigest) -> Result<(), StorageError>;

    /// Uses up the token (which must still exist and be unexpired at the event's
    /// time) and the proof, sets the password, ends every session of the account,
    /// forgets every known device of it, and writes the event and the notice, all in
    /// one transaction.
    /// [`GuardedWriteError::Stale`] when the token is gone or expired.
    async fn complete(&self, completion: &ResetCompletion) -> Result<(), GuardedWriteError>;
}
