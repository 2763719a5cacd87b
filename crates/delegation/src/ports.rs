//! The storage ports of the delegation domain.

use std::collections::BTreeSet;

use async_trait::async_trait;
use portico_kernel::{
    AccountId, ClientInfo, DelegateId, Page, PageRequest, StorageError, TokenDigest,
};
use portico_kernel::{AuditEntry, NewMessage};
use time::OffsetDateTime;

use crate::delegate::Delegate;
use crate::product::{Product, ProductId};
use crate::scope::Scope;

/// What happened to a delegate, for the owner's security audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DelegateEventKind {
    /// An invitation was sent.
    Invited,
    /// The invitation was accepted.
    Accepted,
    /// The scope was changed.
    ScopeChanged,
    /// Access was revoked.
    Revoked,
}

/// An entry for the owner's audit trail, written with the change it reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegateEvent {
    /// The owner's account.
    pub owner: AccountId,
    /// What happened.
    pub kind: DelegateEventKind,
    /// When.
    pub at: OffsetDateTime,
    /// The request it came from.
    pub client: ClientInfo,
    /// A public detail: the delegate's email address and scope.
    pub detail: String,
}

/// The owner's audit trail, as seen from delegation: it turns a [`DelegateEvent`] into
/// the [`AuditEntry`] the change then writes in its own transaction. The trail and the
/// names of its kinds belong to another domain; the app implements this port where
/// the two meet.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait DelegateAudit: Send + Sync {
    /// The audit-trail line that records `event`.
    fn entry(&self, event: &DelegateEvent) -> AuditEntry;
}

/// Products of accounts.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ProductRepository: Send + Sync {
    /// The account's products, by id.
    async fn list(&self, account: AccountId) -> Result<Vec<Product>, StorageError>;

    /// Which of `ids` the account owns.
    async fn owned(
        &self,
        account: AccountId,
        ids: &[ProductId],
    ) -> Result<BTreeSet<ProductId>, StorageError>;

    /// Creates or updates a product. `false` when the account does not exist.
    async fn upsert(&self, product: &Product) -> Result<bool, StorageError>;

    /// Removes a product, and drops it from every scope that named it. `false` when
    /// the account has no such product.
    async fn remove(&self, account: AccountId, id: &ProductId) -> Result<bool, StorageError>;
}

/// A new invitation with its event and mail.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    /// The pending delegate.
    pub delegate: Delegate,
    /// The digest of its token.
    pub digest: TokenDigest,
    /// The owner's audit-trail line.
    pub event: AuditEntry,
    /// The invitation mail.
    pub mail: NewMessage,
    /// The notices to the owner's primary and verified addresses.
    pub owner_notices: Vec<NewMessage>,
}

/// An acceptance with its event and the notice to the owner.
#[derive(Debug, Clone)]
pub struct Acceptance {
    /// The delegate being accepted.
    pub id: DelegateId,
    /// The digest of the token presented.
    pub digest: TokenDigest,
    /// The accepting account.
    pub delegate: AccountId,
    /// When (the invitation must not have expired).
    pub at: OffsetDateTime,
    /// The owner's audit-trail line.
    pub event: AuditEntry,
    /// The notices to the owner.
    pub notices: Vec<NewMessage>,
}

/// Why a delegate write wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum DelegateWriteError {
    /// MUST mean: the owner has no such delegate, or not in a state the write
    /// applies to (an invitation used, expired or superseded; a revoked delegate).
    #[error("no such delegate")]
    NotFound,
    /// MUST mean: the accepting account is already an active delegate of the owner,
    /// or the invited address already belongs to one.
    #[error("already a delegate")]
    AlreadyDelegate,
    /// MUST mean: a product the scope names is no longer the owner's (removed
    /// between the check and the write); nothing was written.
    #[error("a product of the scope is gone")]
    ProductGone,
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Delegates of accounts.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait DelegateRepository: Send + Sync {
    /// One page of the owner's delegates (not revoked ones), newest first.
    async fn list(
        &self,
        owner: AccountId,
        page: &PageRequest,
    ) -> Result<Page<Delegate>, StorageError>;

    /// One of the owner's delegates, in any state; `None` for another owner's id.
    async fn find(
        &self,
        owner: AccountId,
        id: DelegateId,
    ) -> Result<Option<Delegate>, StorageError>;

    /// The pending invitation a token digest belongs to, expired or not.
    async fn find_invitation(&self, digest: &TokenDigest)
    -> Result<Option<Delegate>, StorageError>;

    /// Stores an invitation, superseding (deleting) any pending one of the same owner
    /// to the same address, with the event and the mail, in one transaction under
    /// the owner's lock (so two invitations to one address replace each other).
    /// Scope products are written only if the owner still has them
    /// ([`DelegateWriteError::ProductGone`] otherwise).
    /// [`DelegateWriteError::AlreadyDelegate`] when an active delegate of the owner
    /// was invited at that address.
    async fn invite(&self, invitation: &NewInvitation) -> Result<(), DelegateWriteError>;

    /// Turns the pending invitation into an active grant for the accepting account,
    /// provided it still carries `digest` and has not expired at `at`; the token is
    /// used up. With the event and the notices, in one transaction.
    async fn accept(&self, acceptance: &Acceptance) -> Result<(), DelegateWriteError>;

    /// Replaces the scope of a pending or active delegate, with the event and the
    /// notices to the owner.
    async fn change_scope(
        &self,
        owner: AccountId,
        id: DelegateId,
        scope: &Scope,
        event: &AuditEntry,
        notices: &[NewMessage],
    ) -> Result<(), DelegateWriteError>;

    /// Revokes a delegate that is still in `expected` status (its token dies with
    /// it), with the event and the notices (to the delegate and the owner).
    /// [`DelegateWriteError::NotFound`] when it is gone or its status changed.
    async fn revoke(
        &self,
        owner: AccountId,
        id: DelegateId,
        expected: crate::delegate::DelegateStatus,
        event: &AuditEntry,
        notices: &[NewMessage],
    ) -> Result<(), DelegateWriteError>;
}

/// The active grants between accounts, as access decisions read them: the one
/// question asked on every delegated request, kept apart from the invitation flow so
/// a service that only decides access needs only this.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait GrantRepository: Send + Sync {
    /// The active grants whose delegate is `actor`.
    async fn delegated_to(&self, actor: AccountId) -> Result<Vec<Delegate>, StorageError>;

    /// The scope of the active grant from `owner` to `actor`, if any.
    async fn grant(
        &self,
        owner: AccountId,
        actor: AccountId,
    ) -> Result<Option<Scope>, StorageError>;
}
