//! `My account > Profile > Phone numbers`: add, edit and remove, through the same
//! changes as `/v1/me/phones`.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Request, Response, handler};
use poem_openapi::types::MaybeUndefined;
use portico_kernel::PageRequest;
use serde::Deserialize;

use crate::api::phones::{NewPhone, PhonePatch, add_phone, change_phone, remove_phone};
use crate::http::problem::ApiError;
use crate::web::account::{AccountPage, ActionForm, Posted, open_account_page};
use crate::web::guard::problem_page;
use crate::web::page::FormErrors;
use crate::wiring::Services;

/// A number and its label, as posted (an empty label is none).
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct PhoneForm {
    number: String,
    label: String,
    #[serde(flatten)]
    posted: Posted,
}

impl PhoneForm {
    fn typed(&self) -> minijinja::Value {
        minijinja::context! { number => self.number.clone(), label => self.label.clone() }
    }
}

/// `GET /account/phones`.
#[handler]
pub async fn phones_page(req: &Request, services: Data<&Arc<Services>>) -> Response {
    let page = open_account_page!(services, req);
    let notice = page.done_notice(req);
    show(&page, StatusCode::OK, FormErrors::none(), None, notice).await
}

/// `POST /account/phones`.
#[handler]
pub async fn add(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<PhoneForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let body = NewPhone {
        number: form.number.clone(),
        label: Some(form.label.clone()).filter(|label| !label.is_empty()),
    };
    let change = async |_: &_| add_phone(&page.services, page.account(), &body).await;
    page.answer(
        &form.posted,
        "add",
        change,
        "/account/phones?done=phone_added",
        |refused| {
            show(
                &page,
                refused.status,
                refused.errors,
                Some(form.typed()),
                None,
            )
        },
    )
    .await
}

/// `POST /account/phones/{id}`: a new number or label (an empty label removes it).
#[handler]
pub async fn edit(
    req: &Request,
    services: Data<&Arc<Services>>,
    Path(id): Path<String>,
    Form(form): Form<PhoneForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let body = PhonePatch {
        number: Some(form.number.clone()),
        label: if form.label.is_empty() {
            MaybeUndefined::Null
        } else {
            MaybeUndefined::Value(form.label.clone())
        },
    };
    let change = async |_: &_| change_phone(&page.services, page.account(), &id, &body).await;
    page.answer(
        &form.posted,
        &format!("edit-{id}"),
        change,
        "/account/phones?done=phone_changed",
        |refused| {
            show(
                &page,
                refused.status,
                refused.errors,
                Some(form.typed()),
                None,
            )
        },
    )
    .await
}

/// `POST /account/phones/{id}/remove`.
#[handler]
pub async fn remove(
    req: &Request,
    services: Data<&Arc<Services>>,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let change = async |_: &_| remove_phone(&page.services, page.account(), &id).await;
    page.answer(
        &form.posted,
        &format!("remove-{id}"),
        change,
        "/account/phones?done=phone_removed",
        |refused| show(&page, refused.status, refused.errors, None, None),
    )
    .await
}

/// The list and its forms; `typed` is what the refused form held.
async fn show(
    page: &AccountPage,
    status: StatusCode,
    errors: FormErrors,
    typed: Option<minijinja::Value>,
    notice: Option<String>,
) -> Response {
    let phones = match page
        .services
        .phones
        .list(page.account(), &PageRequest::first())
        .await
    {
        Ok(found) => found.items,
        Err(error) => return problem_page(ApiError::from(error), page.lang),
    };
    let phones = phones
        .into_iter()
        .map(|phone| {
            minijinja::context! {
                id => phone.id.to_string(),
                number => phone.number.to_string(),
                label => phone.label.map(|label| label.as_str().to_owned()).unwrap_or_default(),
            }
        })
        .collect::<Vec<_>>();
    let typed = typed.unwrap_or_else(|| minijinja::context! { number => "", label => "" });
    page.render(
        status,
        "phones.html",
        "profile",
        errors,
        minijinja::context! { phones, typed, notice, section => "phones" },
    )
}
