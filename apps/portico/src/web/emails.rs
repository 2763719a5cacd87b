//! `My account > Profile > Email addresses`: add, send the link again, edit, make
//! primary and remove, through the same changes as `/v1/me/emails`.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Request, Response, handler};
use portico_kernel::PageRequest;
use serde::Deserialize;

use crate::api::emails::{
    EmailRequest, add_address, change_address, make_address_primary, remove_address,
};
use crate::http::problem::ApiError;
use crate::web::account::{AccountPage, ActionForm, Posted, open_account_page};
use crate::web::guard::problem_page;
use crate::web::page::FormErrors;
use crate::wiring::Services;

/// A form that carries an address (adding, editing).
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct AddressForm {
    address: String,
    #[serde(flatten)]
    posted: Posted,
}

/// `GET /account/emails`.
#[handler]
pub async fn emails_page(req: &Request, services: Data<&Arc<Services>>) -> Response {
    let page = open_account_page!(services, req);
    let notice = page.done_notice(req);
    show(&page, StatusCode::OK, FormErrors::none(), "", notice).await
}

/// `POST /account/emails`: add an address.
#[handler]
pub async fn add_email(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<AddressForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let body = EmailRequest {
        address: form.address.clone(),
    };
    let change =
        async |session: &_| add_address(&page.services, session, &page.client, &body).await;
    page.answer(
        &form.posted,
        "add",
        change,
        "/account/emails?done=email_added",
        |refused| show(&page, refused.status, refused.errors, &form.address, None),
    )
    .await
}

/// `POST /account/emails/{id}`: edit an address (never the primary one).
#[handler]
pub async fn edit_email(
    req: &Request,
    services: Data<&Arc<Services>>,
    Path(id): Path<String>,
    Form(form): Form<AddressForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let body = EmailRequest {
        address: form.address.clone(),
    };
    let change =
        async |session: &_| change_address(&page.services, session, &page.client, &id, &body).await;
    page.answer(
        &form.posted,
        &format!("edit-{id}"),
        change,
        "/account/emails?done=email_changed",
        |refused| show(&page, refused.status, refused.errors, &form.address, None),
    )
    .await
}

/// `POST /account/emails/{id}/resend`: the verification link once more, which is
/// the change of an unverified address to itself.
#[handler]
pub async fn resend_link(
    req: &Request,
    services: Data<&Arc<Services>>,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let change = async |session: &_| {
        page.services.step_up.require(session, &page.client).await?;
        let (address, verified) = stored_address(&page, &id).await?;
        // A page left open after the link was used: sending another would make the
        // confirmed address unconfirmed again.
        if verified {
            return Err(ApiError::conflict(
                "already-verified",
                "Already confirmed",
                "This address is confirmed already; there is no link to send again.",
            ));
        }
        let body = EmailRequest { address };
        change_address(&page.services, session, &page.client, &id, &body).await
    };
    page.answer(
        &form.posted,
        &format!("resend-{id}"),
        change,
        "/account/emails?done=email_sent",
        |refused| show(&page, refused.status, refused.errors, "", None),
    )
    .await
}

/// `POST /account/emails/{id}/primary`.
#[handler]
pub async fn make_primary(
    req: &Request,
    services: Data<&Arc<Services>>,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let change =
        async |session: &_| make_address_primary(&page.services, session, &page.client, &id).await;
    page.answer(
        &form.posted,
        &format!("primary-{id}"),
        change,
        "/account/emails?done=email_primary",
        |refused| show(&page, refused.status, refused.errors, "", None),
    )
    .await
}

/// `POST /account/emails/{id}/remove`.
#[handler]
pub async fn remove_email(
    req: &Request,
    services: Data<&Arc<Services>>,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let change =
        async |session: &_| remove_address(&page.services, session, &page.client, &id).await;
    page.answer(
        &form.posted,
        &format!("remove-{id}"),
        change,
        "/account/emails?done=email_removed",
        |refused| show(&page, refused.status, refused.errors, "", None),
    )
    .await
}

/// The address `id` as stored, and whether it is confirmed, if the account has it.
async fn stored_address(page: &AccountPage, id: &str) -> Result<(String, bool), ApiError> {
    page.services
        .emails
        .list(page.account(), &PageRequest::first())
        .await?
        .items
        .into_iter()
        .find(|email| email.id.to_string() == id)
        .map(|email| (email.address.to_string(), email.verified))
        .ok_or_else(|| ApiError::not_found("email address"))
}

/// The list and its forms; `typed` is what the refused form held.
async fn show(
    page: &AccountPage,
    status: StatusCode,
    errors: FormErrors,
    typed: &str,
    notice: Option<String>,
) -> Response {
    let emails = match page
        .services
        .emails
        .list(page.account(), &PageRequest::first())
        .await
    {
        Ok(found) => found.items,
        Err(error) => return problem_page(ApiError::from(error), page.lang),
    };
    let emails = emails
        .into_iter()
        .map(|email| {
            minijinja::context! {
                id => email.id.to_string(),
                address => email.address.to_string(),
                verified => email.verified,
                primary => email.primary,
            }
        })
        .collect::<Vec<_>>();
    page.render(
        status,
        "emails.html",
        "profile",
        errors,
        minijinja::context! { emails, typed, notice, section => "emails" },
    )
}
