//! The owner's side: inviting delegates, changing their scope, revoking them.

use std::sync::Arc;

use portico_kernel::mail::compose_for_account;
use portico_kernel::{
    AccountContact, AccountContacts, AuditEntry, ComposeError, NewMessage, NoticeComposer,
    OneTimeLink,
};
use portico_kernel::{
    AccountId, ClientInfo, Clock, DelegateId, EmailAddress, Page, PageRequest, StorageError,
};

use crate::notice::{DelegateChange, DelegationNotice};

use crate::delegate::{Delegate, DelegateStatus, IssuedInvitation};
use crate::ports::{
    DelegateAudit, DelegateEvent, DelegateEventKind, DelegateRepository, DelegateWriteError,
    NewInvitation, ProductRepository,
};
use crate::scope::{Scope, ScopeError};

/// Why a delegate operation changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum DelegateError {
    /// The scope is not acceptable (empty, too long, or names products the owner does
    /// not own).
    #[error(transparent)]
    InvalidScope(#[from] ScopeError),
    /// The invited address is one of the owner's own.
    #[error("you cannot invite yourself")]
    SelfInvitation,
    /// No such delegate (or another account's, or not in a state that allows this).
    #[error("no such delegate")]
    NotFound,
    /// The address or account is already an active delegate of this owner.
    #[error("already a delegate of this account")]
    AlreadyDelegate,
    /// A product of the scope was removed meanwhile; nothing changed.
    #[error("a product of the scope was removed meanwhile; read the products again")]
    ProductGone,
    /// The invitation token is unknown, used, superseded, revoked or expired.
    #[error("the invitation is invalid or expired")]
    InvalidToken,
    /// The accepting account does not hold the invited address, verified.
    #[error("the invitation was sent to an address this account has not verified")]
    WrongAccount,
    /// The owner tried to accept their own invitation.
    #[error("you cannot accept your own invitation")]
    OwnInvitation,
    /// The account no longer exists.
    #[error("no such account")]
    AccountGone,
    /// A mail could not be rendered.
    #[error("the mail could not be composed")]
    Compose(#[from] ComposeError),
    /// Storage failed.
    #[error("the delegate operation failed unexpectedly")]
    Unexpected(#[from] StorageError),
}

impl From<DelegateWriteError> for DelegateError {
    fn from(error: DelegateWriteError) -> Self {
        match error {
            DelegateWriteError::NotFound => Self::NotFound,
            DelegateWriteError::AlreadyDelegate => Self::AlreadyDelegate,
            DelegateWriteError::ProductGone => Self::ProductGone,
            DelegateWriteError::Storage(error) => Self::Unexpected(error),
        }
    }
}

/// The ports both sides of a delegation work with: the owner's ([`Delegates`], which
/// also reads products) and the invitee's ([`crate::Invitations`]).
#[derive(Clone)]
pub struct DelegatePorts {
    /// Delegates.
    pub delegates: Arc<dyn DelegateRepository>,
    /// Account facts.
    pub contacts: Arc<dyn AccountContacts>,
    /// Mail.
    pub composer: Arc<dyn NoticeComposer>,
    /// The owner's audit trail.
    pub audit: Arc<dyn DelegateAudit>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

impl DelegatePorts {
    pub(crate) async fn contact(
        &self,
        account: AccountId,
    ) -> Result<AccountContact, DelegateError> {
        self.contacts
            .contact(account)
            .await?
            .ok_or(DelegateError::AccountGone)
    }

    /// The owner's audit-trail line about the delegate at `email`.
    pub(crate) fn event(
        &self,
        owner: AccountId,
        kind: DelegateEventKind,
        client: &ClientInfo,
        email: &EmailAddress,
        scope: &Scope,
    ) -> AuditEntry {
        let scope = match scope {
            Scope::All => "all products".to_owned(),
            Scope::Products(products) => format!(
                "products {}",
                products
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.audit.entry(&DelegateEvent {
            owner,
            kind,
            at: self.clock.now(),
            client: client.clone(),
            detail: format!("{email}: {scope}"),
        })
    }

    /// The notices of a change to the owner's delegates: to the owner's primary
    /// address and every other verified one.
    pub(crate) fn owner_notices(
        &self,
        owner: AccountId,
        contact: &AccountContact,
        delegate_email: &EmailAddress,
        change: DelegateChange,
        client: &ClientInfo,
    ) -> Result<Vec<NewMessage>, DelegateError> {
        let notice = DelegationNotice::Changed {
            owner: contact.username.clone(),
            delegate_email: delegate_email.clone(),
            change,
            ip: client.ip,
        };
        Ok(compose_for_account(
            self.composer.as_ref(),
            owner,
            contact,
            &notice,
        )?)
    }
}

/// Invites, lists, rescopes and revokes an account's delegates.
#[derive(Clone)]
pub struct Delegates {
    ports: DelegatePorts,
    products: Arc<dyn ProductRepository>,
    public_base_url: String,
}

impl Delegates {
    /// Wires the service; scopes are checked against `products`, and invitation links
    /// point to `{public_base_url}/accept-invitation`.
    pub fn new(
        ports: DelegatePorts,
        products: Arc<dyn ProductRepository>,
        public_base_url: &str,
    ) -> Self {
        Self {
            ports,
            products,
            public_base_url: public_base_url.trim_end_matches('/').to_owned(),
        }
    }

    /// Checks a scope against the owner's products now.
    async fn check_scope(&self, owner: AccountId, scope: &Scope) -> Result<(), DelegateError> {
        // Shape first (empty, too long), so a huge list never reaches storage.
        scope.check_shape()?;
        let owned = self.products.owned(owner, &scope.named()).await?;
        Ok(scope.check(&owned)?)
    }

    /// One page of the owner's pending and active delegates, newest first.
    #[tracing::instrument(name = "Delegates::list", skip_all, fields(owner = %owner))]
    pub async fn list(
        &self,
        owner: AccountId,
        page: &PageRequest,
    ) -> Result<Page<Delegate>, DelegateError> {
        Ok(self.ports.delegates.list(owner, page).await?)
    }

    /// Invites `email` with `scope`: the scope names only the owner's products, the
    /// address is not the owner's own, and a pending invitation to the same address
    /// is superseded. The mail carries a 7-day single-use link.
    #[tracing::instrument(name = "Delegates::invite", skip_all, fields(owner = %owner))]
    pub async fn invite(
        &self,
        owner: AccountId,
        email: EmailAddress,
        scope: Scope,
        client: &ClientInfo,
    ) -> Result<Delegate, DelegateError> {
        let contact = self.ports.contact(owner).await?;
        let own = |address: &EmailAddress| address.key() == email.key();
        if contact.all_emails.iter().any(own) || own(&contact.primary_email) {
            return Err(DelegateError::SelfInvitation);
        }
        self.check_scope(owner, &scope).await?;
        let issued = IssuedInvitation::issue(owner, email, scope, self.ports.clock.now())?;
        let mail = self.ports.composer.compose(
            None,
            &issued.delegate.email,
            contact.language.as_str(),
            &DelegationNotice::Invitation {
                owner: contact.username.clone(),
                link: OneTimeLink::new(
                    &self.public_base_url,
                    "/accept-invitation",
                    &[],
                    issued.token.expose(),
                ),
            },
        )?;
        let delegate = issued.delegate;
        let owner_notices = self.ports.owner_notices(
            owner,
            &contact,
            &delegate.email,
            DelegateChange::Invited,
            client,
        )?;
        let invitation = NewInvitation {
            owner_notices,
            event: self.ports.event(
                owner,
                DelegateEventKind::Invited,
                client,
                &delegate.email,
                &delegate.scope,
            ),
            digest: issued.token.digest(),
            mail,
            delegate,
        };
        self.ports.delegates.invite(&invitation).await?;
        tracing::info!(%owner, delegate = %invitation.delegate.id, "delegate invited");
        Ok(invitation.delegate)
    }

    /// Replaces a delegate's scope; it applies to the next access decision.
    #[tracing::instrument(name = "Delegates::change_scope", skip_all, fields(owner = %owner, id = %id))]
    pub async fn change_scope(
        &self,
        owner: AccountId,
        id: DelegateId,
        scope: Scope,
        client: &ClientInfo,
    ) -> Result<Delegate, DelegateError> {
        let delegate = self.live(owner, id).await?;
        self.check_scope(owner, &scope).await?;
        let event = self.ports.event(
            owner,
            DelegateEventKind::ScopeChanged,
            client,
            &delegate.email,
            &scope,
        );
        let contact = self.ports.contact(owner).await?;
        let notices = self.ports.owner_notices(
            owner,
            &contact,
            &delegate.email,
            DelegateChange::ScopeChanged,
            client,
        )?;
        self.ports
            .delegates
            .change_scope(owner, id, &scope, &event, &notices)
            .await?;
        Ok(Delegate { scope, ..delegate })
    }

    /// Revokes a delegate (or withdraws an invitation); the delegate is told by mail.
    #[tracing::instrument(name = "Delegates::revoke", skip_all, fields(owner = %owner, id = %id))]
    pub async fn revoke(
        &self,
        owner: AccountId,
        id: DelegateId,
        client: &ClientInfo,
    ) -> Result<(), DelegateError> {
        // The write applies only to the status read; if an acceptance slipped in
        // between, read again so that the new delegate is told.
        for _ in 0..2 {
            let delegate = self.live(owner, id).await?;
            let contact = self.ports.contact(owner).await?;
            let mut notices = self.revocation_notices(&delegate, &contact).await?;
            notices.extend(self.ports.owner_notices(
                owner,
                &contact,
                &delegate.email,
                DelegateChange::Revoked,
                client,
            )?);
            let event = self.ports.event(
                owner,
                DelegateEventKind::Revoked,
                client,
                &delegate.email,
                &delegate.scope,
            );
            match self
                .ports
                .delegates
                .revoke(owner, id, delegate.status, &event, &notices)
                .await
            {
                Ok(()) => {
                    tracing::info!(%owner, delegate = %id, "delegate revoked");
                    return Ok(());
                }
                Err(DelegateWriteError::NotFound) => continue,
                Err(error) => return Err(error.into()),
            }
        }
        Err(DelegateError::NotFound)
    }

    /// An active delegate hears of it at its account's primary address; a pending
    /// invitation is simply withdrawn.
    async fn revocation_notices(
        &self,
        delegate: &Delegate,
        owner: &AccountContact,
    ) -> Result<Vec<NewMessage>, DelegateError> {
        let Some(account) = delegate.delegate else {
            return Ok(Vec::new());
        };
        let Some(contact) = self.ports.contacts.contact(account).await? else {
            return Ok(Vec::new());
        };
        Ok(vec![self.ports.composer.compose(
            Some(account),
            &contact.primary_email,
            contact.language.as_str(),
            &DelegationNotice::Revoked {
                owner: owner.username.clone(),
            },
        )?])
    }

    async fn live(&self, owner: AccountId, id: DelegateId) -> Result<Delegate, DelegateError> {
        self.ports
            .delegates
            .find(owner, id)
            .await?
            .filter(|d| d.status != DelegateStatus::Revoked)
            .ok_or(DelegateError::NotFound)
    }
}

#[cfg(test)]
#[path = "delegates_tests.rs"]
mod tests;
