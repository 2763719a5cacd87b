//! `My account > Security > Sessions` and `> Security log`: the live sessions (device,
//! address, last seen; end one or all others) and the audit trail, newest first,
//! a page at a time.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query};
use poem::{Request, Response, handler};
use portico_security::Session;
use serde::Deserialize;

use crate::api::sessions::revoke_session;
use crate::http::pagination::{next_cursor, page_request};
use crate::http::problem::ApiError;
use crate::web::account::{AccountPage, ActionForm, open_account_page};
use crate::web::display::{device, when};
use crate::web::guard::problem_page;
use crate::web::page::FormErrors;
use crate::wiring::Services;

/// How many entries one page of a list shows.
const PAGE_SIZE: u64 = 25;

/// The page a list shows: `cursor` is the previous page's `next_cursor`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    cursor: Option<String>,
}

/// `GET /account/security/sessions`.
#[handler]
pub async fn sessions_page(
    req: &Request,
    services: Data<&Arc<Services>>,
    Query(query): Query<ListQuery>,
) -> Response {
    let page = open_account_page!(services, req);
    let notice = page.done_notice(req);
    let cursor = query.cursor.as_deref();
    show(&page, cursor, StatusCode::OK, FormErrors::none(), notice).await
}

/// `POST /account/security/sessions/{id}/revoke`: end one other session.
#[handler]
pub async fn revoke(
    req: &Request,
    services: Data<&Arc<Services>>,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let change =
        async |session: &_| revoke_session(&page.services, session, &page.client, &id).await;
    page.answer(
        &form.posted,
        &format!("revoke-{id}"),
        change,
        "/account/security/sessions?done=session_revoked",
        |refused| show(&page, None, refused.status, refused.errors, None),
    )
    .await
}

/// `POST /account/security/sessions/revoke-others`: end every session but this one,
/// idle ones included, in one step (one entry each in the security log). Needs a
/// recent proof, as ending another session through the API does.
#[handler]
pub async fn revoke_others(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<ActionForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let change = async |session: &Session| {
        page.services.step_up.require(session, &page.client).await?;
        let sessions = &page.services.sessions;
        Ok::<_, ApiError>(sessions.revoke_others(session, &page.client).await?)
    };
    page.answer(
        &form.posted,
        "revoke-others",
        change,
        "/account/security/sessions?done=sessions_revoked",
        |refused| show(&page, None, refused.status, refused.errors, None),
    )
    .await
}

/// One page of the sessions, from `cursor` (the newest without one).
async fn show(
    page: &AccountPage,
    cursor: Option<&str>,
    status: StatusCode,
    errors: FormErrors,
    notice: Option<String>,
) -> Response {
    let listed = match page_request(Some(PAGE_SIZE), cursor) {
        Ok(request) => page
            .services
            .sessions
            .list(page.account(), &request)
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error),
    };
    let listed = match listed {
        Ok(listed) => listed,
        Err(error) => return problem_page(error, page.lang),
    };
    let current = page.current.session.id;
    let sessions = listed
        .items
        .into_iter()
        .map(|session| {
            minijinja::context! {
                id => session.id.to_string(),
                current => session.id == current,
                device => device(session.client.user_agent.as_deref()),
                address => session.client.ip.map(|ip| ip.to_string()),
                started => when(session.created_at),
                last_seen => when(session.last_seen_at),
                pending => session.second_factor_pending,
            }
        })
        .collect::<Vec<_>>();
    page.render(
        status,
        "sessions.html",
        "security",
        errors,
        minijinja::context! {
            sessions,
            next => next_cursor(listed.next_cursor),
            first_page => cursor.is_none(),
            notice,
            section => "sessions",
        },
    )
}

/// `GET /account/security/log`.
#[handler]
pub async fn log_page(
    req: &Request,
    services: Data<&Arc<Services>>,
    Query(query): Query<ListQuery>,
) -> Response {
    let page = open_account_page!(services, req);
    let listed = match page_request(Some(PAGE_SIZE), query.cursor.as_deref()) {
        Ok(request) => page
            .services
            .security_log
            .page(page.account(), &request)
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error),
    };
    let listed = match listed {
        Ok(listed) => listed,
        Err(error) => return problem_page(error, page.lang),
    };
    let events = listed
        .items
        .into_iter()
        .map(|event| {
            minijinja::context! {
                what => page.text(&format!("event.{}", event.kind.as_str())),
                at => when(event.at),
                address => event.client.ip.map(|ip| ip.to_string()),
                device => device(event.client.user_agent.as_deref()),
                detail => event.detail,
            }
        })
        .collect::<Vec<_>>();
    page.render(
        StatusCode::OK,
        "security_log.html",
        "security",
        FormErrors::none(),
        minijinja::context! {
            events,
            next => next_cursor(listed.next_cursor),
            first_page => query.cursor.is_none(),
            section => "log",
        },
    )
}
