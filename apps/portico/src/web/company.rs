//! `My account > Profile > Company`: the legal name and Tax/VAT ID invoices carry,
//! with the parsing and rules of `/v1/me/company`.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Request, Response, handler};
use portico_identity::CompanyError;
use serde::Deserialize;

use crate::api::company::CompanyRequest;
use crate::http::problem::ApiError;
use crate::web::account::{AccountPage, ActionForm, Posted, open_account_page};
use crate::web::guard::problem_page;
use crate::web::page::FormErrors;
use crate::wiring::Services;

/// The company form as posted; an empty Tax ID is none.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct CompanyForm {
    name: String,
    tax_id: String,
    #[serde(flatten)]
    posted: Posted,
}

/// `GET /account/company`.
#[handler]
pub async fn company_page(req: &Request, services: Data<&Arc<Services>>) -> Response {
    let page = open_account_page!(services, req);
    let notice = page.done_notice(req);
    show(&page, StatusCode::OK, FormErrors::none(), None, notice).await
}

/// `POST /account/company`: set or replace the details.
#[handler]
pub async fn save(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<CompanyForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let body = CompanyRequest {
        name: form.name.clone(),
        tax_id: Some(form.tax_id.clone()).filter(|tax_id| !tax_id.is_empty()),
    };
    let change = async |_: &_| {
        let company = body.try_into_domain()?;
        Ok::<_, ApiError>(page.services.companies.set(page.account(), company).await?)
    };
    let typed = minijinja::context! { name => form.name.clone(), tax_id => form.tax_id.clone() };
    page.answer(
        &form.posted,
        "company",
        change,
        "/account/company?done=company_saved",
        |refused| show(&page, refused.status, refused.errors, Some(typed), None),
    )
    .await
}

/// `POST /account/company/remove`.
#[handler]
pub async fn remove(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<ActionForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let change =
        async |_: &_| Ok::<_, ApiError>(page.services.companies.remove(page.account()).await?);
    page.answer(
        &form.posted,
        "remove",
        change,
        "/account/company?done=company_removed",
        |refused| show(&page, refused.status, refused.errors, None, None),
    )
    .await
}

/// The form, holding the stored details or what the refused form held (`typed`).
async fn show(
    page: &AccountPage,
    status: StatusCode,
    errors: FormErrors,
    typed: Option<minijinja::Value>,
    notice: Option<String>,
) -> Response {
    let stored = match page.services.companies.get(page.account()).await {
        Ok(company) => Some(company),
        Err(CompanyError::NotFound) => None,
        Err(error) => return problem_page(ApiError::from(error), page.lang),
    };
    let exists = stored.is_some();
    let form = typed.unwrap_or_else(|| match stored {
        Some(company) => minijinja::context! {
            name => company.name.as_str().to_owned(),
            tax_id => company.tax_id.map(|t| t.as_str().to_owned()).unwrap_or_default(),
        },
        None => minijinja::context! { name => "", tax_id => "" },
    });
    page.render(
        status,
        "company.html",
        "profile",
        errors,
        minijinja::context! { form, exists, notice, section => "company" },
    )
}
