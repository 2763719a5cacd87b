//! `/v1/me/messages`: the email history.

use std::sync::Arc;

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_kernel::MessageId;
use portico_mail_log::{Message, MessageStatus, StatusEvent};

use crate::api::ApiTags;
use crate::contract::operation_problems::OperationProblems;
use crate::http::auth::SessionAuth;
use crate::http::pagination::{next_cursor, page_request};
use crate::http::problem::ApiError;
use crate::http::timestamps::rfc3339;
use crate::wiring::Services;

/// The problem types this module's operations answer beyond those their shape implies
/// (see `crate::contract`).
pub const PROBLEMS: &[OperationProblems] = &[OperationProblems {
    operation: "getMessage",
    slugs: &["not-found"],
}];

/// One message in my email history.
#[derive(Debug, Object)]
pub struct MessageItem {
    /// Its id.
    id: String,
    /// Subject line.
    subject: String,
    /// Recipient address.
    to: String,
    /// `queued`, `sent`, `failed` or `bounced`.
    status: String,
    /// Which notification it is (`welcome`, `verify_email`...).
    template: String,
    /// When it was written.
    created_at: String,
    /// When the mail server accepted it.
    #[oai(skip_serializing_if_is_none)]
    sent_at: Option<String>,
}

impl From<&Message> for MessageItem {
    fn from(message: &Message) -> Self {
        Self {
            id: message.id.to_string(),
            subject: message.content.subject.clone(),
            to: message.to.to_string(),
            status: message.status.to_string(),
            template: message.template.clone(),
            created_at: rfc3339(message.created_at),
            sent_at: message.sent_at.map(rfc3339),
        }
    }
}

/// One step of a message's status history.
#[derive(Debug, Object)]
pub struct StatusEventItem {
    /// When.
    at: String,
    /// The status after this step.
    status: String,
    /// What happened (the mail server's answer, the bounce reason...).
    detail: String,
}

impl From<StatusEvent> for StatusEventItem {
    fn from(event: StatusEvent) -> Self {
        Self {
            at: rfc3339(event.at),
            status: event.status.to_string(),
            detail: event.detail,
        }
    }
}

/// One message with its bodies and status history. One-time links in the bodies are
/// shown with their token removed.
#[derive(Debug, Object)]
pub struct MessageDetail {
    /// Its id.
    id: String,
    /// Subject line.
    subject: String,
    /// Recipient address.
    to: String,
    /// Current status.
    status: String,
    /// Which notification it is.
    template: String,
    /// The language it was written in.
    language: String,
    /// Plain-text body.
    text_body: String,
    /// HTML body.
    html_body: String,
    /// Delivery attempts made.
    attempts: u32,
    /// When it was written.
    created_at: String,
    /// When the mail server accepted it.
    #[oai(skip_serializing_if_is_none)]
    sent_at: Option<String>,
    /// Every status change, oldest first.
    history: Vec<StatusEventItem>,
}

/// A page of my messages, newest first.
#[derive(Debug, Object)]
pub struct MessageList {
    /// The messages.
    items: Vec<MessageItem>,
    /// Pass as `cursor` to read the next page; `null` on the last page.
    #[oai(nullable)]
    next_cursor: Option<String>,
}

/// Answers of `GET /v1/me/messages`.
#[derive(ApiResponse)]
pub enum MessageListResponse {
    /// My messages.
    #[oai(status = 200)]
    Ok(Json<MessageList>),
}

/// Answers of `GET /v1/me/messages/{id}`.
#[derive(ApiResponse)]
pub enum MessageResponse {
    /// The message.
    #[oai(status = 200)]
    Ok(Json<MessageDetail>),
}

/// The email history.
pub struct MessagesApi {
    services: Arc<Services>,
}

impl MessagesApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

#[OpenApi(prefix_path = "/v1/me", tag = "ApiTags::Mail")]
impl MessagesApi {
    /// List the emails sent to me.
    ///
    /// Every email Portico sent or tried to send to my account, newest first, with its
    /// status (`queued`, `sent`, `bounced` or `failed`); `status` filters by it.
    #[oai(path = "/messages", method = "get", operation_id = "listMessages")]
    async fn list(
        &self,
        auth: SessionAuth,
        /// Only messages of this status: `queued`, `sent`, `failed` or `bounced`.
        status: Query<Option<String>>,
        /// Items per page (default 50, at most 200).
        limit: Query<Option<u64>>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<MessageListResponse, ApiError> {
        let status = status
            .0
            .as_deref()
            .map(MessageStatus::parse)
            .transpose()
            .map_err(|e| {
                ApiError::bad_request(
                    "invalid-parameter",
                    "Invalid parameter",
                    format!("The parameter 'status' is not valid: {e}"),
                )
            })?;
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let found = self
            .services
            .history
            .list(auth.0.account, status, &page)
            .await?;
        Ok(MessageListResponse::Ok(Json(MessageList {
            items: found.items.iter().map(MessageItem::from).collect(),
            next_cursor: next_cursor(found.next_cursor),
        })))
    }

    /// Read one email sent to me.
    ///
    /// Its subject, its text and HTML bodies, the number of attempts to send it, and
    /// every status it went through.
    #[oai(path = "/messages/:id", method = "get", operation_id = "getMessage")]
    async fn get(&self, auth: SessionAuth, id: Path<String>) -> Result<MessageResponse, ApiError> {
        let id = MessageId::parse(&id.0).map_err(|_| ApiError::not_found("message"))?;
        let (message, events) = self.services.history.get(auth.0.account, id).await?;
        Ok(MessageResponse::Ok(Json(MessageDetail {
            id: message.id.to_string(),
            subject: message.content.subject,
            to: message.to.to_string(),
            status: message.status.to_string(),
            template: message.template,
            language: message.language,
            text_body: message.content.text,
            html_body: message.content.html,
            attempts: message.attempts,
            created_at: rfc3339(message.created_at),
            sent_at: message.sent_at.map(rfc3339),
            history: events.into_iter().map(StatusEventItem::from).collect(),
        })))
    }
}
