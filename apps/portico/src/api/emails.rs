//! `/v1/me/emails`: listing, adding, verifying, choosing the primary, editing and
//! removing email addresses.

use std::sync::Arc;

use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_identity::AccountEmail;
use portico_kernel::{AccountId, EmailAddress, EmailId, PageRequest, SecretToken};

use crate::api::ApiTags;
use crate::http::auth::SessionAuth;
use crate::http::client::client_info;
use crate::http::pagination::{next_cursor, page_request};
use crate::http::problem::ApiError;
use crate::http::timestamps::rfc3339;
use crate::http::validation::Validator;
use crate::wiring::Services;

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
    next_cursor: Option<String>,
}

/// An address to add, or the new text of an address.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct EmailRequest {
    /// The address; it must be verified through the link mailed to it.
    address: String,
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

/// Answers carrying one address.
#[derive(ApiResponse)]
pub enum EmailResponse {
    /// The address, as it is now.
    #[oai(status = 200)]
    Ok(Json<EmailItem>),
    /// The address was added, unverified; a verification link was mailed to it.
    #[oai(status = 201)]
    Created(Json<EmailItem>),
}

/// Answers of `DELETE /v1/me/emails/{id}`.
#[derive(ApiResponse)]
pub enum EmailDeleted {
    /// The address is gone.
    #[oai(status = 204)]
    Deleted,
}

fn email_id(id: &str) -> Result<EmailId, ApiError> {
    EmailId::parse(id).map_err(|_| ApiError::not_found("email address"))
}

fn address(body: &EmailRequest) -> Result<EmailAddress, ApiError> {
    let mut v = Validator::default();
    v.check("address", EmailAddress::parse(&body.address))
        .ok_or_else(|| v.into_error())
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
    #[oai(path = "/emails", method = "get")]
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

    /// Add an email address; it stays unverified until the mailed link is used. Needs
    /// a recent proof of the password; verification mails to one address are limited
    /// per hour.
    #[oai(path = "/emails", method = "post")]
    async fn add(
        &self,
        req: &Request,
        auth: SessionAuth,
        body: Json<EmailRequest>,
    ) -> Result<EmailResponse, ApiError> {
        self.services
            .step_up
            .require(&auth.0, &client_info(req))
            .await?;
        let address = address(&body.0)?;
        let client = client_info(req);
        self.services
            .rate_limits
            .verification_mail(auth.0.account, address.as_str(), &client)
            .await?;
        let email = self
            .services
            .emails
            .add(auth.0.account, address, &client)
            .await?;
        Ok(EmailResponse::Created(Json(email.into())))
    }

    /// Confirm an address with the token from its verification link.
    #[oai(path = "/emails/:id/verify", method = "post")]
    async fn verify(
        &self,
        req: &Request,
        auth: SessionAuth,
        id: Path<String>,
        body: Json<VerifyRequest>,
    ) -> Result<EmailResponse, ApiError> {
        let id = email_id(&id.0)?;
        let token = SecretToken::from_client(&body.0.token);
        self.services
            .emails
            .verify(auth.0.account, id, &token, &client_info(req))
            .await?;
        Ok(EmailResponse::Ok(Json(
            self.current(auth.0.account, id).await?,
        )))
    }

    /// Make a verified address the primary one; the former primary address is told.
    /// Needs a recent proof of the password.
    #[oai(path = "/emails/:id/primary", method = "post")]
    async fn make_primary(
        &self,
        req: &Request,
        auth: SessionAuth,
        id: Path<String>,
    ) -> Result<EmailResponse, ApiError> {
        self.services
            .step_up
            .require(&auth.0, &client_info(req))
            .await?;
        let id = email_id(&id.0)?;
        self.services
            .emails
            .make_primary(auth.0.account, id, &client_info(req))
            .await?;
        Ok(EmailResponse::Ok(Json(
            self.current(auth.0.account, id).await?,
        )))
    }

    /// Change an address (not the primary one); the new address must be verified.
    /// Needs a recent proof of the password.
    #[oai(path = "/emails/:id", method = "patch")]
    async fn edit(
        &self,
        req: &Request,
        auth: SessionAuth,
        id: Path<String>,
        body: Json<EmailRequest>,
    ) -> Result<EmailResponse, ApiError> {
        self.services
            .step_up
            .require(&auth.0, &client_info(req))
            .await?;
        let id = email_id(&id.0)?;
        let address = address(&body.0)?;
        let client = client_info(req);
        self.services
            .rate_limits
            .verification_mail(auth.0.account, address.as_str(), &client)
            .await?;
        self.services
            .emails
            .change(auth.0.account, id, address, &client)
            .await?;
        Ok(EmailResponse::Ok(Json(
            self.current(auth.0.account, id).await?,
        )))
    }

    /// Remove an email address. The primary address and the last verified address
    /// cannot be removed. Needs a recent proof of the password.
    #[oai(path = "/emails/:id", method = "delete")]
    async fn delete(
        &self,
        req: &Request,
        auth: SessionAuth,
        id: Path<String>,
    ) -> Result<EmailDeleted, ApiError> {
        self.services
            .step_up
            .require(&auth.0, &client_info(req))
            .await?;
        let id = email_id(&id.0)?;
        self.services
            .emails
            .remove(auth.0.account, id, &client_info(req))
            .await?;
        Ok(EmailDeleted::Deleted)
    }
}
