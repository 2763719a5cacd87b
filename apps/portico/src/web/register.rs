//! `/register`: opening an account, with the same parsing, limits and referral
//! handling as `POST /v1/accounts`.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Request, Response, handler};
use serde::Deserialize;

use crate::api::accounts::{RegisterRequest, register_account};
use crate::web::browser_session::signed_in;
use crate::web::csrf;
use crate::web::csrf::anonymous_form;
use crate::web::page::{FormErrors, render, see_other, status_of};
use crate::web::text::visitor_lang;
use crate::wiring::Services;

/// The registration form as posted (no `Debug`: it holds the password). The language
/// is the browser's; the profile page changes it later.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    username: String,
    email: String,
    password: String,
    first_name: String,
    last_name: String,
    csrf: String,
}

/// `GET /register`.
#[handler]
pub async fn register_page(req: &Request, services: Data<&Arc<Services>>) -> Response {
    if signed_in(&services, req).await.is_ok() {
        return see_other("/account/profile");
    }
    register_form(
        req,
        &services,
        StatusCode::OK,
        &RegisterForm::default(),
        FormErrors::none(),
    )
}

/// `POST /register`: on success, the login page (the new account logs in as any
/// other).
#[handler]
pub async fn register(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<RegisterForm>,
) -> Response {
    if !csrf::anonymous_form_is_valid(req, services.cookies_secure(), &form.csrf) {
        let errors = FormErrors::expired(visitor_lang(req));
        return register_form(req, &services, StatusCode::FORBIDDEN, &form, errors);
    }
    let request = RegisterRequest {
        username: form.username.clone(),
        email: form.email.clone(),
        password: form.password.clone(),
        first_name: form.first_name.clone(),
        last_name: form.last_name.clone(),
        language: Some(visitor_lang(req).tag().to_owned()),
        referral_code: None,
    };
    match register_account(&services, req, request).await {
        Ok(_) => see_other("/login?registered"),
        Err(error) => {
            let status = status_of(&error);
            register_form(req, &services, status, &form, FormErrors::from_api(error))
        }
    }
}

fn register_form(
    req: &Request,
    services: &Services,
    status: StatusCode,
    form: &RegisterForm,
    errors: FormErrors,
) -> Response {
    // What was typed comes back, except the password.
    let values = minijinja::context! {
        username => form.username.clone(),
        email => form.email.clone(),
        first_name => form.first_name.clone(),
        last_name => form.last_name.clone(),
    };
    anonymous_form(req, services, |token| {
        render(
            status,
            "register.html",
            visitor_lang(req),
            minijinja::context! { csrf => token, form => values, errors },
        )
    })
}
