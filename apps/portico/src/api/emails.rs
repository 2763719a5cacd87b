//! `GET /v1/me/emails`.

use std::sync::Arc;

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_identity::AccountEmail;
use portico_kernel::EmailId;

use crate::api::ApiTags;
use crate::http::auth::SessionAuth;
use crate::http::pagination::{next_cursor, page_request};
use crate::http::problem::ApiError;
use crate::http::timestamps::rfc3339;
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

/// Answers of `GET /v1/me/emails`.
#[derive(ApiResponse)]
pub enum EmailListResponse {
    /// My addresses.
    #[oai(status = 200)]
    Ok(Json<EmailList>),
}

/// Answers of `DELETE /v1/me/emails/{id}`.
#[derive(ApiResponse)]
pub enum EmailDeleted {
    /// The address is gone.
    #[oai(status = 204)]
    Deleted,
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
        let found = self.services.profiles.emails(auth.0.account, &page).await?;
        Ok(EmailListResponse::Ok(Json(EmailList {
            items: found.items.into_iter().map(EmailItem::from).collect(),
            next_cursor: next_cursor(found.next_cursor),
        })))
    }

    /// Remove an email address. The primary address and the last verified address
    /// cannot be removed.
    #[oai(path = "/emails/:id", method = "delete")]
    async fn delete(&self, auth: SessionAuth, id: Path<String>) -> Result<EmailDeleted, ApiError> {
        let id = EmailId::parse(&id.0).map_err(|_| ApiError::not_found("email address"))?;
        self.services
            .profiles
            .remove_email(auth.0.account, id)
            .await?;
        Ok(EmailDeleted::Deleted)
    }
}
