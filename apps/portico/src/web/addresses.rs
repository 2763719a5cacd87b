//! `My account > Profile > Postal addresses`: add, edit, choose the default billing
//! address and remove, with the parsing and rules of `/v1/me/addresses`.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Request, Response, handler};
use poem_openapi::types::MaybeUndefined;
use portico_identity::AddressLine;
use portico_kernel::PageRequest;
use serde::Deserialize;

use crate::api::addresses::{AddressPatch, NewAddress, address_id};
use crate::http::problem::ApiError;
use crate::web::account::{AccountPage, ActionForm, Posted, open_account_page};
use crate::web::guard::problem_page;
use crate::web::page::FormErrors;
use crate::wiring::Services;

/// An address as posted; empty optional lines are none, a ticked box is `"on"`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct AddressForm {
    line1: String,
    line2: String,
    city: String,
    region: String,
    postal_code: String,
    country: String,
    default_billing: String,
    #[serde(flatten)]
    posted: Posted,
}

impl AddressForm {
    fn default_billing(&self) -> bool {
        !self.default_billing.is_empty()
    }

    fn typed(&self) -> minijinja::Value {
        minijinja::context! {
            line1 => self.line1.clone(),
            line2 => self.line2.clone(),
            city => self.city.clone(),
            region => self.region.clone(),
            postal_code => self.postal_code.clone(),
            country => self.country.clone(),
            default_billing => self.default_billing(),
        }
    }
}

/// An optional line: an empty field clears it.
fn clearable(text: &str) -> MaybeUndefined<String> {
    if text.is_empty() {
        MaybeUndefined::Null
    } else {
        MaybeUndefined::Value(text.to_owned())
    }
}

/// `GET /account/addresses`.
#[handler]
pub async fn addresses_page(req: &Request, services: Data<&Arc<Services>>) -> Response {
    let page = open_account_page!(services, req);
    let notice = page.done_notice(req);
    show(&page, StatusCode::OK, FormErrors::none(), None, notice).await
}

/// `POST /account/addresses`.
#[handler]
pub async fn add(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<AddressForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let body = NewAddress {
        line1: form.line1.clone(),
        line2: Some(form.line2.clone()).filter(|line| !line.is_empty()),
        city: form.city.clone(),
        region: Some(form.region.clone()).filter(|line| !line.is_empty()),
        postal_code: form.postal_code.clone(),
        country: form.country.clone(),
        default_billing: Some(form.default_billing()),
    };
    let change = async |_: &_| {
        let (fields, default_billing) = body.try_into_domain()?;
        let addresses = &page.services.addresses;
        Ok::<_, ApiError>(
            addresses
                .add(page.account(), fields, default_billing)
                .await?,
        )
    };
    page.answer(
        &form.posted,
        "add",
        change,
        "/account/addresses?done=address_added",
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

/// `POST /account/addresses/{id}`: every field as shown; the box makes it the
/// default billing address (unticking it changes nothing: one address always is).
#[handler]
pub async fn edit(
    req: &Request,
    services: Data<&Arc<Services>>,
    Path(id): Path<String>,
    Form(form): Form<AddressForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let body = AddressPatch {
        line1: Some(form.line1.clone()),
        line2: clearable(&form.line2),
        city: Some(form.city.clone()),
        region: clearable(&form.region),
        postal_code: Some(form.postal_code.clone()),
        country: Some(form.country.clone()),
        default_billing: form.default_billing().then_some(true),
    };
    let change = async |_: &_| {
        let id = address_id(&id)?;
        let change = body.try_into_domain()?;
        Ok::<_, ApiError>(
            page.services
                .addresses
                .change(page.account(), id, change)
                .await?,
        )
    };
    page.answer(
        &form.posted,
        &format!("edit-{id}"),
        change,
        "/account/addresses?done=address_changed",
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

/// `POST /account/addresses/{id}/remove`.
#[handler]
pub async fn remove(
    req: &Request,
    services: Data<&Arc<Services>>,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let change = async |_: &_| {
        let id = address_id(&id)?;
        Ok::<_, ApiError>(page.services.addresses.remove(page.account(), id).await?)
    };
    page.answer(
        &form.posted,
        &format!("remove-{id}"),
        change,
        "/account/addresses?done=address_removed",
        |refused| show(&page, refused.status, refused.errors, None, None),
    )
    .await
}

fn line(value: Option<AddressLine>) -> String {
    value.map(|l| l.as_str().to_owned()).unwrap_or_default()
}

/// The list and its forms; `typed` is what the refused form held.
async fn show(
    page: &AccountPage,
    status: StatusCode,
    errors: FormErrors,
    typed: Option<minijinja::Value>,
    notice: Option<String>,
) -> Response {
    let addresses = match page
        .services
        .addresses
        .list(page.account(), &PageRequest::first())
        .await
    {
        Ok(found) => found.items,
        Err(error) => return problem_page(ApiError::from(error), page.lang),
    };
    let addresses = addresses
        .into_iter()
        .map(|address| {
            let fields = address.fields;
            minijinja::context! {
                id => address.id.to_string(),
                line1 => fields.line1.as_str().to_owned(),
                line2 => line(fields.line2),
                city => fields.city.as_str().to_owned(),
                region => line(fields.region),
                postal_code => fields.postal_code.as_str().to_owned(),
                country => fields.country.to_string(),
                default_billing => address.default_billing,
            }
        })
        .collect::<Vec<_>>();
    page.render(
        status,
        "addresses.html",
        "profile",
        errors,
        minijinja::context! { addresses, typed, notice, section => "addresses" },
    )
}
