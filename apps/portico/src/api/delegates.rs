//! Delegates: `/v1/me/products`, `/v1/me/delegates`, `/v1/delegate-invitations/accept`
//! and `/v1/me/delegated-accounts`.

use std::collections::BTreeSet;
use std::sync::Arc;

use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use portico_delegation::{Delegate, DelegatedAccount, Product, ProductId, Scope};
use portico_kernel::{ClientInfo, DelegateId, EmailAddress, SecretToken};
use portico_security::Session;

use crate::api::ApiTags;
use crate::api::delegate_answers::{
    DelegateListResponse, DelegatedAccountsResponse, InvitationAccepted, InviteResponse,
    ProductListResponse, RevokeResponse, ScopeChanged,
};
use crate::contract::operation_problems::OperationProblems;
use crate::http::auth::SessionAuth;
use crate::http::client::client_info;
use crate::http::pagination::{next_cursor, page_request};
use crate::http::problem::ApiError;
use crate::http::timestamps::rfc3339;
use crate::wiring::Services;

/// The problem types this module's operations answer beyond those their shape implies
/// (see `crate::contract`).
pub const PROBLEMS: &[OperationProblems] = &[
    OperationProblems {
        operation: "inviteDelegate",
        slugs: &[
            "reauthentication-required",
            "too-many-requests",
            "already-delegate",
            "concurrent-change",
        ],
    },
    OperationProblems {
        operation: "changeDelegateScope",
        slugs: &[
            "reauthentication-required",
            "not-found",
            "concurrent-change",
        ],
    },
    OperationProblems {
        operation: "revokeDelegate",
        slugs: &["reauthentication-required", "not-found"],
    },
    OperationProblems {
        operation: "acceptDelegateInvitation",
        slugs: &[
            "invalid-token",
            "invitation-not-for-you",
            "already-delegate",
        ],
    },
];

/// A contract product.
#[derive(Debug, Object)]
pub struct ProductBody {
    /// The billing system's id.
    id: String,
    /// Its name.
    #[oai(skip_serializing_if_is_none)]
    name: Option<String>,
}

impl From<Product> for ProductBody {
    fn from(product: Product) -> Self {
        Self {
            id: product.id.to_string(),
            name: product.name.map(|n| n.as_str().to_owned()),
        }
    }
}

/// A list that fits one page.
#[derive(Debug, Object)]
pub struct ProductList {
    /// The products.
    items: Vec<ProductBody>,
    /// Always `null`.
    #[oai(nullable)]
    next_cursor: Option<String>,
}

/// A scope: `{"all": true}` or `{"products": [ids]}`.
#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct ScopeBody {
    /// Every product, including ones added later.
    #[oai(skip_serializing_if_is_none)]
    pub(crate) all: Option<bool>,
    /// These products only.
    #[oai(skip_serializing_if_is_none)]
    pub(crate) products: Option<Vec<String>>,
}

impl ScopeBody {
    pub(crate) fn try_into_domain(self) -> Result<Scope, ApiError> {
        match (self.all, self.products) {
            (Some(true), None) => Ok(Scope::All),
            (None | Some(false), Some(ids)) => {
                let mut products = BTreeSet::new();
                for id in ids {
                    let id = ProductId::parse(&id)
                        .map_err(|e| ApiError::invalid_field("scope.products", e))?;
                    products.insert(id);
                }
                Ok(Scope::Products(products))
            }
            _ => Err(ApiError::invalid_field(
                "scope",
                "give either {\"all\": true} or {\"products\": [ids]}",
            )),
        }
    }
}

impl From<&Scope> for ScopeBody {
    fn from(scope: &Scope) -> Self {
        match scope {
            Scope::All => Self {
                all: Some(true),
                products: None,
            },
            Scope::Products(ids) => Self {
                all: None,
                products: Some(ids.iter().map(ToString::to_string).collect()),
            },
        }
    }
}

/// An invitation.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct InviteRequest {
    /// The invitee's email address.
    pub(crate) email: String,
    /// What the delegate may act on.
    pub(crate) scope: ScopeBody,
}

impl InviteRequest {
    /// The invitee's address and the scope, the address judged first.
    pub(crate) fn try_into_domain(self) -> Result<(EmailAddress, Scope), ApiError> {
        let email =
            EmailAddress::parse(&self.email).map_err(|e| ApiError::invalid_field("email", e))?;
        Ok((email, self.scope.try_into_domain()?))
    }
}

/// A scope change.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct ScopeChangeRequest {
    /// The new scope.
    scope: ScopeBody,
}

/// One of my delegates.
#[derive(Debug, Object)]
pub struct DelegateBody {
    /// Its id.
    id: String,
    /// The invited address.
    email: String,
    /// What it may act on.
    scope: ScopeBody,
    /// `pending` (invited) or `active` (accepted).
    status: String,
    /// The delegate's account, once accepted.
    #[oai(skip_serializing_if_is_none)]
    delegate_account_id: Option<String>,
    /// When the invitation was sent.
    invited_at: String,
    /// When the invitation link stops working (pending only).
    #[oai(skip_serializing_if_is_none)]
    expires_at: Option<String>,
    /// When it was accepted.
    #[oai(skip_serializing_if_is_none)]
    accepted_at: Option<String>,
}

impl From<Delegate> for DelegateBody {
    fn from(d: Delegate) -> Self {
        let pending = d.status == portico_delegation::DelegateStatus::Pending;
        Self {
            id: d.id.to_string(),
            email: d.email.to_string(),
            scope: ScopeBody::from(&d.scope),
            status: d.status.to_string(),
            delegate_account_id: d.delegate.map(|a| a.to_string()),
            invited_at: rfc3339(d.invited_at),
            expires_at: pending.then(|| rfc3339(d.expires_at)),
            accepted_at: d.accepted_at.map(rfc3339),
        }
    }
}

/// A page of my delegates, newest first.
#[derive(Debug, Object)]
pub struct DelegateList {
    /// The delegates.
    items: Vec<DelegateBody>,
    /// Pass as `cursor` to read the next page; `null` on the last page.
    #[oai(nullable)]
    next_cursor: Option<String>,
}

/// An invitation token, from the mailed link.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct AcceptRequest {
    /// The `token` parameter of the link.
    token: String,
}

/// An account I may act for.
#[derive(Debug, Object)]
pub struct DelegatedAccountBody {
    /// The account's id.
    account_id: String,
    /// The scope granted.
    scope: ScopeBody,
    /// The account's products in reach today.
    products: Vec<ProductBody>,
}

impl From<DelegatedAccount> for DelegatedAccountBody {
    fn from(account: DelegatedAccount) -> Self {
        Self {
            account_id: account.owner.to_string(),
            scope: ScopeBody::from(&account.scope),
            products: account
                .products
                .into_iter()
                .map(ProductBody::from)
                .collect(),
        }
    }
}

/// Accounts I may act for.
#[derive(Debug, Object)]
pub struct DelegatedAccountList {
    /// The accounts.
    items: Vec<DelegatedAccountBody>,
    /// Always `null`.
    #[oai(nullable)]
    next_cursor: Option<String>,
}

/// Delegates.
pub struct DelegatesApi {
    services: Arc<Services>,
}

impl DelegatesApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

fn delegate_id(text: &str) -> Result<DelegateId, ApiError> {
    DelegateId::parse(text).map_err(|_| ApiError::not_found("delegate"))
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Delegates")]
impl DelegatesApi {
    /// List my contract products.
    ///
    /// The products the billing system keeps for my account, which delegates can be
    /// given access to.
    #[oai(path = "/me/products", method = "get", operation_id = "listMyProducts")]
    async fn products(&self, auth: SessionAuth) -> Result<ProductListResponse, ApiError> {
        let products = self.services.products.list(auth.0.account).await?;
        Ok(ProductListResponse::Ok(Json(ProductList {
            items: products.into_iter().map(ProductBody::from).collect(),
            next_cursor: None,
        })))
    }

    /// List my delegates.
    ///
    /// My pending and active delegates, newest first, each with its scope.
    #[oai(path = "/me/delegates", method = "get", operation_id = "listDelegates")]
    async fn list(
        &self,
        auth: SessionAuth,
        /// Items per page (default 50, at most 200).
        limit: Query<Option<u64>>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<DelegateListResponse, ApiError> {
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let found = self.services.delegates.list(auth.0.account, &page).await?;
        Ok(DelegateListResponse::Ok(Json(DelegateList {
            items: found.items.into_iter().map(DelegateBody::from).collect(),
            next_cursor: next_cursor(found.next_cursor),
        })))
    }

    /// Invite a delegate.
    ///
    /// Mails an invitation link (7 days, single use) to the address, with access to all
    /// my products or only those named. A new invitation to the same address replaces a
    /// pending one. Invitations are limited per hour. Needs a recent proof of the
    /// password.
    #[oai(
        path = "/me/delegates",
        method = "post",
        operation_id = "inviteDelegate"
    )]
    async fn invite(
        &self,
        req: &Request,
        auth: SessionAuth,
        body: Json<InviteRequest>,
    ) -> Result<InviteResponse, ApiError> {
        let delegate = invite_delegate(&self.services, &auth.0, &client_info(req), body.0).await?;
        Ok(InviteResponse::Created(Json(delegate.into())))
    }

    /// Change a delegate's access.
    ///
    /// Gives the delegate all my products or only those named; the next access decision
    /// follows it. Needs a recent proof of the password.
    #[oai(
        path = "/me/delegates/:id",
        method = "patch",
        operation_id = "changeDelegateScope"
    )]
    async fn change_scope(
        &self,
        req: &Request,
        auth: SessionAuth,
        id: Path<String>,
        body: Json<ScopeChangeRequest>,
    ) -> Result<ScopeChanged, ApiError> {
        let delegate = change_delegate_scope(
            &self.services,
            &auth.0,
            &client_info(req),
            &id.0,
            body.0.scope,
        )
        .await?;
        Ok(ScopeChanged::Answer(Json(delegate.into())))
    }

    /// Revoke a delegate.
    ///
    /// Ends an active delegate's access, or withdraws a pending invitation. Needs a
    /// recent proof of the password.
    #[oai(
        path = "/me/delegates/:id",
        method = "delete",
        operation_id = "revokeDelegate"
    )]
    async fn revoke(
        &self,
        req: &Request,
        auth: SessionAuth,
        id: Path<String>,
    ) -> Result<RevokeResponse, ApiError> {
        revoke_delegate(&self.services, &auth.0, &client_info(req), &id.0).await?;
        Ok(RevokeResponse::Revoked)
    }

    /// Accept a delegate invitation.
    ///
    /// Send the `token` of the invitation link with the session of the account that
    /// holds the invited address, verified. The account then acts as a delegate of the
    /// inviting one.
    #[oai(
        path = "/delegate-invitations/accept",
        method = "post",
        operation_id = "acceptDelegateInvitation"
    )]
    async fn accept(
        &self,
        req: &Request,
        auth: SessionAuth,
        body: Json<AcceptRequest>,
    ) -> Result<InvitationAccepted, ApiError> {
        let delegate = self
            .services
            .invitations
            .accept(
                auth.0.account,
                &SecretToken::from_client(&body.0.token),
                &client_info(req),
            )
            .await?;
        Ok(InvitationAccepted::Answer(Json(delegate.into())))
    }

    /// List the accounts I may act for.
    ///
    /// Every account I am an active delegate of, with the products in my reach.
    #[oai(
        path = "/me/delegated-accounts",
        method = "get",
        operation_id = "listDelegatedAccounts"
    )]
    async fn delegated_accounts(
        &self,
        auth: SessionAuth,
    ) -> Result<DelegatedAccountsResponse, ApiError> {
        let accounts = self
            .services
            .access
            .delegated_accounts(auth.0.account)
            .await
            .map_err(|e| ApiError::internal(&e))?;
        Ok(DelegatedAccountsResponse::Ok(Json(DelegatedAccountList {
            items: accounts
                .into_iter()
                .map(DelegatedAccountBody::from)
                .collect(),
            next_cursor: None,
        })))
    }
}

// The changes themselves, shared by the API and the client-area pages.

/// Invites a delegate after the step-up and the invitation limit.
pub(crate) async fn invite_delegate(
    services: &Services,
    session: &Session,
    client: &ClientInfo,
    body: InviteRequest,
) -> Result<Delegate, ApiError> {
    services.step_up.require(session, client).await?;
    let (email, scope) = body.try_into_domain()?;
    services
        .rate_limits
        .invitation(session.account, client)
        .await?;
    Ok(services
        .delegates
        .invite(session.account, email, scope, client)
        .await?)
}

/// Changes the scope of the delegate `id`, after the step-up.
pub(crate) async fn change_delegate_scope(
    services: &Services,
    session: &Session,
    client: &ClientInfo,
    id: &str,
    scope: ScopeBody,
) -> Result<Delegate, ApiError> {
    services.step_up.require(session, client).await?;
    let id = delegate_id(id)?;
    let scope = scope.try_into_domain()?;
    Ok(services
        .delegates
        .change_scope(session.account, id, scope, client)
        .await?)
}

/// Revokes the delegate `id` (or withdraws the invitation), after the step-up.
pub(crate) async fn revoke_delegate(
    services: &Services,
    session: &Session,
    client: &ClientInfo,
    id: &str,
) -> Result<(), ApiError> {
    services.step_up.require(session, client).await?;
    let id = delegate_id(id)?;
    Ok(services
        .delegates
        .revoke(session.account, id, client)
        .await?)
}
