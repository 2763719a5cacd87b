//! `My account > Email history`: every mail sent to the account, newest first, a
//! page at a time, filtered by status; one message with its body (one-time links
//! redacted, as stored) and its status history. The same reads as `/v1/me/messages`.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use poem::web::{Data, Path, Query};
use poem::{IntoResponse, Request, Response, handler};
use portico_kernel::MessageId;
use portico_mail_log::{Message, MessageStatus};
use serde::Deserialize;

use crate::http::pagination::{next_cursor, page_request};
use crate::http::problem::ApiError;
use crate::web::account::{AccountPage, open_account_page};
use crate::web::allowing_mail_frame;
use crate::web::display::when;
use crate::web::guard::problem_page;
use crate::web::page::FormErrors;
use crate::wiring::Services;

/// How many messages one page shows.
const PAGE_SIZE: u64 = 25;

/// What a mail's HTML body may do inside its frame: its own inline styles and
/// embedded images, nothing else; no script, no form, no link out of the sandbox.
const MAIL_BODY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox";

/// The list's filter and page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    status: Option<String>,
    cursor: Option<String>,
}

/// `GET /account/messages`.
#[handler]
pub async fn messages_page(
    req: &Request,
    services: Data<&Arc<Services>>,
    Query(query): Query<ListQuery>,
) -> Response {
    let page = open_account_page!(services, req);
    // "All" posts an empty status.
    let wanted = query.status.as_deref().filter(|status| !status.is_empty());
    let status = match wanted.map(MessageStatus::parse).transpose() {
        Ok(status) => status,
        Err(_) => {
            let error = ApiError::bad_request(
                "invalid-parameter",
                "Invalid parameter",
                "The parameter 'status' is not valid.",
            );
            return problem_page(error, page.lang);
        }
    };
    let listed = match page_request(Some(PAGE_SIZE), query.cursor.as_deref()) {
        Ok(request) => page
            .services
            .history
            .list(page.account(), status, &request)
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error),
    };
    let listed = match listed {
        Ok(listed) => listed,
        Err(error) => return problem_page(error, page.lang),
    };
    let messages = listed.items.iter().map(summary).collect::<Vec<_>>();
    let statuses = MessageStatus::ALL
        .into_iter()
        .map(|status| status.as_str())
        .collect::<Vec<_>>();
    page.render(
        StatusCode::OK,
        "messages.html",
        "messages",
        FormErrors::none(),
        minijinja::context! {
            messages,
            statuses,
            status => status.map(MessageStatus::as_str).unwrap_or_default(),
            next => next_cursor(listed.next_cursor),
            first_page => query.cursor.is_none(),
        },
    )
}

fn summary(message: &Message) -> minijinja::Value {
    minijinja::context! {
        id => message.id.to_string(),
        subject => message.content.subject.clone(),
        to => message.to.to_string(),
        status => message.status.as_str(),
        written => when(message.created_at),
    }
}

/// `GET /account/messages/{id}`.
#[handler]
pub async fn message_page(
    req: &Request,
    services: Data<&Arc<Services>>,
    Path(id): Path<String>,
) -> Response {
    let page = open_account_page!(services, req);
    let (message, events) = match read(&page, &id).await {
        Ok(found) => found,
        Err(error) => return problem_page(error, page.lang),
    };
    let history = events
        .into_iter()
        .map(|event| {
            minijinja::context! {
                at => when(event.at),
                status => event.status.as_str(),
                detail => event.detail,
            }
        })
        .collect::<Vec<_>>();
    allowing_mail_frame(page.render(
        StatusCode::OK,
        "message.html",
        "messages",
        FormErrors::none(),
        minijinja::context! {
            message => summary(&message),
            sent => message.sent_at.map(when),
            attempts => message.attempts,
            text_body => message.content.text,
            history,
        },
    ))
}

/// `GET /account/messages/{id}/html`: the HTML body alone, for the sandboxed frame
/// of the message page.
#[handler]
pub async fn message_html(
    req: &Request,
    services: Data<&Arc<Services>>,
    Path(id): Path<String>,
) -> Response {
    let page = open_account_page!(services, req);
    let (message, _) = match read(&page, &id).await {
        Ok(found) => found,
        Err(error) => return problem_page(error, page.lang),
    };
    message
        .content
        .html
        .with_content_type("text/html; charset=utf-8")
        .with_header(CONTENT_SECURITY_POLICY, MAIL_BODY_POLICY)
        .with_header(X_FRAME_OPTIONS, "SAMEORIGIN")
        .with_header(X_CONTENT_TYPE_OPTIONS, "nosniff")
        .with_header(REFERRER_POLICY, "no-referrer")
        .with_header(CACHE_CONTROL, "no-store")
        .into_response()
}

/// One of the account's messages, as `GET /v1/me/messages/{id}` reads it.
async fn read(
    page: &AccountPage,
    id: &str,
) -> Result<(Message, Vec<portico_mail_log::StatusEvent>), ApiError> {
    let id = MessageId::parse(id).map_err(|_| ApiError::not_found("message"))?;
    Ok(page.services.history.get(page.account(), id).await?)
}
