//! `/verify-email`: the page the verification mail links to. The address is
//! confirmed only when the signed-in owner posts its form, with the same service as
//! `POST /v1/me/emails/{id}/verify`.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Query};
use poem::{Request, Response, handler};
use portico_kernel::PageRequest;
use serde::Deserialize;

use crate::api::emails::{email_id, verify_address};
use crate::http::problem::ApiError;
use crate::web::account::{AccountPage, ActionForm};
use crate::web::guard::problem_page;
use crate::web::mailed_link::{
    LinkKind, MailedLink, forget, link_missing, no_referrer, open_link_page,
};
use crate::web::page::{FormErrors, see_other};
use crate::web::text::visitor_lang;
use crate::wiring::Services;

/// The mailed link's query.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct VerifyQuery {
    email: Option<String>,
    token: Option<String>,
}

/// `GET /verify-email`: keeps a freshly opened link and shows the page without it;
/// then asks the owner to log in, then to confirm.
#[handler]
pub async fn verify_page(
    req: &Request,
    services: Data<&Arc<Services>>,
    Query(query): Query<VerifyQuery>,
) -> Response {
    let secure = services.cookies_secure();
    let opened = match (query.email, query.token) {
        (Some(email), Some(token)) => Some(MailedLink::VerifyEmail { email, token }),
        _ => None,
    };
    let (page, email) = match open_link_page(services.0, req, LinkKind::VerifyEmail, opened).await {
        Ok((page, MailedLink::VerifyEmail { email, .. })) => (page, email),
        Ok(_) => return no_referrer(link_missing(visitor_lang(req))),
        Err(answer) => return answer,
    };
    let mut response = show(&page, &email, StatusCode::OK, FormErrors::none()).await;
    // A link for another account's address is of no use to this one: forgotten, so
    // the next login does not come back here.
    if response.status() == StatusCode::NOT_FOUND {
        forget(&mut response, secure, LinkKind::VerifyEmail);
    }
    response
}

/// `POST /verify-email`: confirms the address of the held link.
#[handler]
pub async fn verify(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<ActionForm>,
) -> Response {
    let secure = services.cookies_secure();
    let Some(MailedLink::VerifyEmail { email, token }) =
        MailedLink::held(req, secure, LinkKind::VerifyEmail)
    else {
        return no_referrer(link_missing(visitor_lang(req)));
    };
    let page = match AccountPage::open(services.0, req).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let confirm = async |session: &_| {
        let id = email_id(&email)?;
        verify_address(&page.services, session, &page.client, id, &token).await
    };
    match page.submit(&form.posted, "verify", confirm).await {
        Ok(()) => {
            // A delegate confirming an address first goes on to the invitation.
            let next = match MailedLink::held(req, secure, LinkKind::AcceptInvitation) {
                Some(_) => LinkKind::AcceptInvitation.page(),
                None => "/account/emails?done=email_verified",
            };
            let mut response = see_other(next);
            forget(&mut response, secure, LinkKind::VerifyEmail);
            no_referrer(response)
        }
        Err(refused) if refused.status == StatusCode::FORBIDDEN => {
            show(&page, &email, refused.status, refused.errors).await
        }
        // A used, expired or foreign link is of no further use.
        Err(refused) => {
            let mut response = show(&page, &email, refused.status, refused.errors).await;
            forget(&mut response, secure, LinkKind::VerifyEmail);
            response
        }
    }
}

/// The confirmation form for the address `email` names.
async fn show(page: &AccountPage, email: &str, status: StatusCode, errors: FormErrors) -> Response {
    let address = match page
        .services
        .emails
        .list(page.account(), &PageRequest::first())
        .await
    {
        Ok(found) => found
            .items
            .into_iter()
            .find(|item| item.id.to_string() == email)
            .map(|item| item.address.to_string()),
        Err(error) => return problem_page(ApiError::from(error), page.lang),
    };
    // Another account's address is not there, as the API would say.
    let status = if address.is_none() && status == StatusCode::OK {
        StatusCode::NOT_FOUND
    } else {
        status
    };
    let response = page.render(
        status,
        "verify_email.html",
        "profile",
        errors,
        minijinja::context! { address, section => "emails" },
    );
    no_referrer(response)
}
