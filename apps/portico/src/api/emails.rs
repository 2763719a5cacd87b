//! `/v1/me/emails`: listing, adding, verifying, choosing the primary, editing and
//! removing email addresses.

use std::sync::Arc;

use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_identity::AccountEmail;
use portico_kernel::{AccountId, ClientInfo, EmailAddress, EmailId, PageRequest, SecretToken};
use portico_security::Session;

use crate::api::{ApiTags, one_answer};
use crate::contract::operation_problems::OperationProblems;
use crate::http::auth::SessionAuth;
use crate::http::client::client_info;
use crate::http::pagination::{next_cursor, page_request};
use crate::http::problem::ApiError;
use crate::http::timestamps::rfc3339;
use crate::http::validation::Validator;
use crate::wiring::Services;

/// The problem types this module's operations answer beyond those their shape implies
/// (see `crate::contract`).
pub const PROBLEMS: &[OperationProblems] = &[
    OperationProblems {
        operation: "addEmailAddress",
        slugs: &[
            "reauthentication-required",
            "too-many-requests",
            "email-taken",
            "limit-reached",
        ],
    },
    OperationProblems {
        operation: "verifyEmailAddress",
        slugs: &["not-found", "invalid-token"],
    },
    OperationProblems {
        operation: "makeEmailAddressPrimary",
        slugs: &[
            "reauthentication-required",
            "not-found",
            "email-not-verified",
            "concurrent-change",
        ],
    },
    OperationProblems {
        operation: "changeEmailAddress",
        slugs: &[
            "reauthentication-required",
            "not-found",
            "too-many-requests",
            "email-taken",
            "primary-email",
        ],
    },
    OperationProblems {
        operation: "removeEmailAddress",
        slugs: &[
            "reauthentication-required",
            "not-found",
            "primary-email",
            "last-verified-email",
        ],
    },
];

/// One of my email addresses.
#[derive(Debug, Object)]
pub struct EmailItem {
    /// Its id.
    id: String,
    /// The address.
    address: String,
    /// Whether I confirmed that I read it.
    verified: bool,
    /// Whether Portico writes to it first.
    primary: bool,
    /// When it was added.
    created_at: String,
}

impl From<AccountEmail> for EmailItem {
    fn from(email: AccountEmail) -> Self {
        Self {
            id: email.id.to_string(),
            address: email.address.to_string(),
            verified: email.verified,
            primary: email.primary,
            created_at: rfc3339(email.created_at),
        }
    }
}

/// A page of my email addresses, oldest first.
#[derive(Debug, Object)]
pub struct EmailList {
    /// The addresses.
    items: Vec<EmailItem>,
    /// Pass as `cursor` to read the next page; `null` on the last page.
    #[oai(nullable)]
    next_cursor: Option<String>,
}

/// An address to add, or the new text of an address.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct EmailRequest {
    /// The address; it must be verified through the link mailed to it.
    pub(crate) address: String,
}

/// The token from a verification link.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The `token` query parameter of the link.
    token: String,
}

/// Answers of `GET /v1/me/emails`.
#[derive(ApiResponse)]
pub enum EmailListResponse {
    /// My addresses.
    #[oai(status = 200)]
    Ok(Json<EmailList>),
}

one_answer!(
    /// Answers of `addEmailAddress`.
    EmailAdded,
    201,
    "The address was added, unverified; a verification link was mailed to it.",
    Json<EmailItem>
);
one_answer!(
    /// Answers of `verifyEmailAddress`.
    EmailVerified,
    200,
    "The address is verified.",
    Json<EmailItem>
);
one_answer!(
    /// Answers of `makeEmailAddressPrimary`.
    EmailMadePrimary,
    200,
    "The address is now the primary one.",
    Json<EmailItem>
);
one_answer!(
    /// Answers of `changeEmailAddress`.
    EmailChanged,
    200,
    "The address was replaced; the new one is unverified and a verification link was mailed to it.",
    Json<EmailItem>
);

/// Answers of `DELETE /v1/me/emails/{id}`.
#[derive(ApiResponse)]
pub enum EmailDeleted {
    /// The address is gone.
    #[oai(status = 204)]
    Deleted,
}

pub(crate) fn email_id(id: &str) -> Result<EmailId, ApiError> {
    EmailId::parse(id).map_err(|_| ApiError::not_found("email address"))
}

impl EmailRequest {
    /// The address, parsed (and its domain lower-cased) once, here.
    pub(crate) fn try_into_domain(&self) -> Result<EmailAddress, ApiError> {
        let mut v = Validator::default();
        v.check("address", EmailAddress::parse(&self.address))
            .ok_or_else(|| v.into_error())
    }
}

/// Email addresses.
pub struct EmailsApi {
    services: Arc<Services>,
}

impl EmailsApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }

    /// The address as stored now (an account has at most a handful).
    async fn current(&self, account: AccountId, id: EmailId) -> Result<EmailItem, ApiError> {
        self.services
            .emails
            .list(account, &PageRequest::first())
            .await?
            .items
            .into_iter()
            .find(|email| email.id == id)
            .map(EmailItem::from)
            .ok_or_else(|| ApiError::not_found("email address"))
    }
}

#[OpenApi(prefix_path = "/v1/me", tag = "ApiTags::Profile")]
impl EmailsApi {
    /// List my email addresses.
    ///
    /// Every address of my account, oldest first, with whether it is verified and which
    /// one is primary.
    #[oai(path = "/emails", method = "get", operation_id = "listEmailAddresses")]
    async fn list(
        &self,
        auth: SessionAuth,
        /// Items per page (default 50, at most 200).
        limit: Query<Option<u64>>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<EmailListResponse, ApiError> {
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let found = self.services.emails.list(auth.0.account, &page).await?;
        Ok(EmailListResponse::Ok(Json(EmailList {
            items: found.items.into_iter().map(EmailItem::from).collect(),
            next_cursor: next_cursor(found.next_cursor),
        })))
    }

    /// Add an email address.
    ///
    /// The address stays unverified until the token of the link mailed to it is sent to
    /// `verifyEmailAddress`. Needs a recent proof of the password. Verification mails
    /// to one address are limited per hour; an account holds at most 10 addresses.
    #[oai(path = "/emails", method = "post", operation_id = "addEmailAddress")]
    async fn add(
        &self,
        req: &Request,
        auth: SessionAuth,
        body: Json<EmailRequest>,
    ) -> Result<EmailAdded, ApiError> {
        let email = add_address(&self.services, &auth.0, &client_info(req), &body.0).await?;
        Ok(EmailAdded::Answer(Json(email.into())))
    }

    /// Verify an email address.
    ///
    /// Send the `token` of the link mailed to the address. A token works once, for its
    /// own address, until it expires or a newer one replaces it.
    #[oai(
        path = "/emails/:id/verify",
        method = "post",
        operation_id = "verifyEmailAddress"
    )]
    async fn verify(
        &self,
        req: &Request,
        auth: SessionAuth,
        id: Path<String>,
        body: Json<VerifyRequest>,
    ) -> Result<EmailVerified, ApiError> {
        let id = email_id(&id.0)?;
        verify_address(
            &self.services,
            &auth.0,
            &client_info(req),
            id,
            &body.0.token,
        )
        .await?;
        Ok(EmailVerified::Answer(Json(
            self.current(auth.0.account, id).await?,
        )))
    }

    /// Make an address the primary one.
    ///
    /// The address must be verified. Mail goes to the primary address first, and the
    /// former primary address is told of the change. Needs a recent proof of the
    /// password.
    #[oai(
        path = "/emails/:id/primary",
        method = "post",
        operation_id = "makeEmailAddressPrimary"
    )]
    async fn make_primary(
        &self,
        req: &Request,
        auth: SessionAuth,
        id: Path<String>,
    ) -> Result<EmailMadePrimary, ApiError> {
        let id = make_address_primary(&self.services, &auth.0, &client_info(req), &id.0).await?;
        Ok(EmailMadePrimary::Answer(Json(
            self.current(auth.0.account, id).await?,
        )))
    }

    /// Replace an email address.
    ///
    /// The new address replaces the old one unverified, and a verification link is
    /// mailed to it. The primary address cannot be replaced; make another one primary
    /// first. Needs a recent proof of the password.
    #[oai(
        path = "/emails/:id",
        method = "patch",
        operation_id = "changeEmailAddress"
    )]
    async fn edit(
        &self,
        req: &Request,
        auth: SessionAuth,
        id: Path<String>,
        body: Json<EmailRequest>,
    ) -> Result<EmailChanged, ApiError> {
        let id = change_address(&self.services, &auth.0, &client_info(req), &id.0, &body.0).await?;
        Ok(EmailChanged::Answer(Json(
            self.current(auth.0.account, id).await?,
        )))
    }

    /// Remove an email address.
    ///
    /// The primary address and the account's last verified address cannot be removed.
    /// Needs a recent proof of the password.
    #[oai(
        path = "/emails/:id",
        method = "delete",
        operation_id = "removeEmailAddress"
    )]
    async fn delete(
        &self,
        req: &Request,
        auth: SessionAuth,
        id: Path<String>,
    ) -> Result<EmailDeleted, ApiError> {
        remove_address(&self.services, &auth.0, &client_info(req), &id.0).await?;
        Ok(EmailDeleted::Deleted)
    }
}

// The changes themselves, shared by the API and the client-area pages so that both
// apply the same checks in the same order.

/// Adds an unverified address after the step-up and the verification-mail limit.
pub(crate) async fn add_address(
    services: &Services,
    session: &Session,
    client: &ClientInfo,
    body: &EmailRequest,
) -> Result<AccountEmail, ApiError> {
    services.step_up.require(session, client).await?;
    let address = body.try_into_domain()?;
    services
        .rate_limits
        .verification_mail(session.account, address.as_str(), client)
        .await?;
    Ok(services
        .emails
        .add(session.account, address, client)
        .await?)
}

/// Confirms the address `id` with the mailed token.
pub(crate) async fn verify_address(
    services: &Services,
    session: &Session,
    client: &ClientInfo,
    id: EmailId,
    token: &str,
) -> Result<(), ApiError> {
    let token = SecretToken::from_client(token);
    Ok(services
        .emails
        .verify(session.account, id, &token, client)
        .await?)
}

/// Makes the verified address `id` primary, after the step-up.
pub(crate) async fn make_address_primary(
    services: &Services,
    session: &Session,
    client: &ClientInfo,
    id: &str,
) -> Result<EmailId, ApiError> {
    services.step_up.require(session, client).await?;
    let id = email_id(id)?;
    services
        .emails
        .make_primary(session.account, id, client)
        .await?;
    Ok(id)
}

/// Replaces the non-primary address `id`, after the step-up and the mail limit.
pub(crate) async fn change_address(
    services: &Services,
    session: &Session,
    client: &ClientInfo,
    id: &str,
    body: &EmailRequest,
) -> Result<EmailId, ApiError> {
    services.step_up.require(session, client).await?;
    let id = email_id(id)?;
    let address = body.try_into_domain()?;
    services
        .rate_limits
        .verification_mail(session.account, address.as_str(), client)
        .await?;
    services
        .emails
        .change(session.account, id, address, client)
        .await?;
    Ok(id)
}

/// Removes the address `id` (never the primary or last verified one), after the
/// step-up.
pub(crate) async fn remove_address(
    services: &Services,
    session: &Session,
    client: &ClientInfo,
    id: &str,
) -> Result<(), ApiError> {
    services.step_up.require(session, client).await?;
    let id = email_id(id)?;
    Ok(services.emails.remove(session.account, id, client).await?)
}
