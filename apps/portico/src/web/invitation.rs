//! `/accept-invitation`: the page the delegate's invitation mail links to. The person
//! logs in (or registers and confirms the invited address first), then accepts with
//! the page's form, through the same service as `POST /v1/delegate-invitations/accept`.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Query};
use poem::{Request, Response, handler};
use portico_kernel::SecretToken;
use serde::Deserialize;

use crate::web::account::{AccountPage, ActionForm};
use crate::web::mailed_link::{
    LinkKind, MailedLink, forget, link_missing, no_referrer, open_link_page,
};
use crate::web::page::{FormErrors, see_other};
use crate::web::text::visitor_lang;
use crate::wiring::Services;

/// The mailed link's query.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct InvitationQuery {
    token: Option<String>,
}

/// `GET /accept-invitation`: keeps a freshly opened link and shows the page without
/// it; then asks for a login, then for the acceptance.
#[handler]
pub async fn invitation_page(
    req: &Request,
    services: Data<&Arc<Services>>,
    Query(query): Query<InvitationQuery>,
) -> Response {
    let opened = query
        .token
        .map(|token| MailedLink::AcceptInvitation { token });
    let page = match open_link_page(services.0, req, LinkKind::AcceptInvitation, opened).await {
        Ok((page, _)) => page,
        Err(answer) => return answer,
    };
    show(&page, StatusCode::OK, FormErrors::none())
}

/// `POST /accept-invitation`.
#[handler]
pub async fn accept(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<ActionForm>,
) -> Response {
    let secure = services.cookies_secure();
    let Some(MailedLink::AcceptInvitation { token }) =
        MailedLink::held(req, secure, LinkKind::AcceptInvitation)
    else {
        return no_referrer(link_missing(visitor_lang(req)));
    };
    let page = match AccountPage::open(services.0, req).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let accept = async |_: &_| {
        let invitations = &page.services.invitations;
        Ok::<_, crate::http::problem::ApiError>(
            invitations
                .accept(
                    page.account(),
                    &SecretToken::from_client(&token),
                    &page.client,
                )
                .await?,
        )
    };
    match page.submit(&form.posted, "accept", accept).await {
        Ok(_) => {
            let mut response = see_other("/account/delegates?done=invitation_accepted");
            forget(&mut response, secure, LinkKind::AcceptInvitation);
            no_referrer(response)
        }
        // An expired form, or an account that does not (yet) hold the invited
        // address confirmed: the link stays usable.
        Err(refused) if refused.status == StatusCode::FORBIDDEN => {
            show(&page, refused.status, refused.errors)
        }
        Err(refused) => {
            let mut response = show(&page, refused.status, refused.errors);
            forget(&mut response, secure, LinkKind::AcceptInvitation);
            response
        }
    }
}

fn show(page: &AccountPage, status: StatusCode, errors: FormErrors) -> Response {
    no_referrer(page.render(
        status,
        "accept_invitation.html",
        "delegates",
        errors,
        minijinja::context! {},
    ))
}
