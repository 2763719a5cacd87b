//! `My account > Security > IP whitelist`: add an address or range with a label, see
//! which entry the current address falls in, remove one; the lock-out guard of
//! `/v1/me/ip-whitelist` refuses a list that would shut this browser out.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Request, Response, handler};
use serde::Deserialize;

use crate::api::ip_whitelist::{NewEntry, add_entry, remove_entry};
use crate::http::problem::ApiError;
use crate::web::account::{AccountPage, ActionForm, Posted, open_account_page};
use crate::web::display::when;
use crate::web::guard::problem_page;
use crate::web::page::FormErrors;
use crate::wiring::Services;

/// An entry as posted; an empty label is none.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct EntryForm {
    cidr: String,
    label: String,
    #[serde(flatten)]
    posted: Posted,
}

/// `GET /account/security/ip-whitelist`.
#[handler]
pub async fn whitelist_page(req: &Request, services: Data<&Arc<Services>>) -> Response {
    let page = open_account_page!(services, req);
    let notice = page.done_notice(req);
    show(&page, StatusCode::OK, FormErrors::none(), None, notice).await
}

/// `POST /account/security/ip-whitelist`.
#[handler]
pub async fn add(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<EntryForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let body = NewEntry {
        cidr: form.cidr.trim().to_owned(),
        label: Some(form.label.clone()).filter(|label| !label.is_empty()),
    };
    let change = async |session: &_| add_entry(&page.services, session, &page.client, &body).await;
    let typed = minijinja::context! { cidr => form.cidr.clone(), label => form.label.clone() };
    page.answer(
        &form.posted,
        "add",
        change,
        "/account/security/ip-whitelist?done=whitelist_added",
        |refused| show(&page, refused.status, refused.errors, Some(typed), None),
    )
    .await
}

/// `POST /account/security/ip-whitelist/{id}/remove`.
#[handler]
pub async fn remove(
    req: &Request,
    services: Data<&Arc<Services>>,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let change = async |session: &_| remove_entry(&page.services, session, &page.client, &id).await;
    page.answer(
        &form.posted,
        &format!("remove-{id}"),
        change,
        "/account/security/ip-whitelist?done=whitelist_removed",
        |refused| show(&page, refused.status, refused.errors, None, None),
    )
    .await
}

/// The list, the entry the current address falls in, and the add form.
async fn show(
    page: &AccountPage,
    status: StatusCode,
    errors: FormErrors,
    typed: Option<minijinja::Value>,
    notice: Option<String>,
) -> Response {
    let entries = match page.services.whitelists.list(page.account()).await {
        Ok(entries) => entries,
        Err(error) => return problem_page(ApiError::from(error), page.lang),
    };
    let current = page.client.ip;
    let entries = entries
        .into_iter()
        .map(|entry| {
            minijinja::context! {
                id => entry.id.to_string(),
                cidr => entry.cidr.to_string(),
                label => entry.label.as_ref().map(|label| label.as_str().to_owned()),
                added => when(entry.created_at),
                last_used => entry.last_used_at.map(when),
                matches => current.is_some_and(|ip| entry.cidr.contains(ip)),
            }
        })
        .collect::<Vec<_>>();
    let typed = typed.unwrap_or_else(|| {
        minijinja::context! {
            cidr => current.map(|ip| ip.to_string()).unwrap_or_default(),
            label => "",
        }
    });
    page.render(
        status,
        "ip_whitelist.html",
        "security",
        errors,
        minijinja::context! {
            entries,
            current => current.map(|ip| ip.to_string()),
            typed,
            notice,
            section => "whitelist",
        },
    )
}
