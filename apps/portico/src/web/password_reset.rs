//! `/forgot-password` and `/reset-password`, the page the mailed reset link opens:
//! the same services as `POST /v1/password-resets` and `/confirm`.

use std::sync::Arc;

use poem::http::header::REFERRER_POLICY;
use poem::http::{HeaderValue, StatusCode};
use poem::web::{Data, Form, Query};
use poem::{Request, Response, handler};
use portico_kernel::{Password, SecretToken};
use serde::Deserialize;

use portico_security::SecondFactorCode;

use crate::http::client::client_info;
use crate::http::problem::ApiError;
use crate::web::csrf;
use crate::web::csrf::anonymous_form;
use crate::web::page::{FormErrors, render, see_other, status_of, with_retry_after};
use crate::web::text::visitor_lang;
use crate::wiring::Services;

/// The request form as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ForgotForm {
    login: String,
    csrf: String,
}

/// The mailed link's query.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct LinkQuery {
    token: String,
}

/// The reset form as posted (no `Debug`: it holds the token and the password).
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ResetForm {
    token: String,
    new_password: String,
    totp_code: String,
    csrf: String,
}

/// `GET /forgot-password`.
#[handler]
pub async fn forgot_page(req: &Request, services: Data<&Arc<Services>>) -> Response {
    forgot_form(req, &services, StatusCode::OK, false, FormErrors::none())
}

/// `POST /forgot-password`: always the same answer, whether the login names an
/// account or not (the lookup and the mail run in the background, as for the API).
#[handler]
pub async fn request_reset(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<ForgotForm>,
) -> Response {
    if !csrf::anonymous_form_is_valid(req, services.cookies_secure(), &form.csrf) {
        let errors = FormErrors::expired(visitor_lang(req));
        return forgot_form(req, &services, StatusCode::FORBIDDEN, false, errors);
    }
    services.resets.request(&form.login, client_info(req));
    forgot_form(req, &services, StatusCode::OK, true, FormErrors::none())
}

fn forgot_form(
    req: &Request,
    services: &Services,
    status: StatusCode,
    sent: bool,
    errors: FormErrors,
) -> Response {
    anonymous_form(req, services, |token| {
        render(
            status,
            "forgot_password.html",
            visitor_lang(req),
            minijinja::context! { csrf => token, sent, errors },
        )
    })
}

/// `GET /reset-password?token=...`: the form, with the token carried on in a hidden
/// field (the page's own links and form never put it in a URL).
#[handler]
pub async fn reset_page(
    req: &Request,
    services: Data<&Arc<Services>>,
    Query(link): Query<LinkQuery>,
) -> Response {
    reset_form(
        req,
        &services,
        StatusCode::OK,
        &link.token,
        FormErrors::none(),
    )
}

/// `POST /reset-password`: on success the login page; the reset never logs in.
#[handler]
pub async fn reset_password(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<ResetForm>,
) -> Response {
    if !csrf::anonymous_form_is_valid(req, services.cookies_secure(), &form.csrf) {
        let errors = FormErrors::expired(visitor_lang(req));
        return reset_form(req, &services, StatusCode::FORBIDDEN, &form.token, errors);
    }
    let code = Some(form.totp_code.as_str())
        .filter(|code| !code.is_empty())
        .map(SecondFactorCode::read);
    let outcome = services
        .resets
        .confirm(
            &SecretToken::from_client(&form.token),
            &Password::new(form.new_password),
            code.as_ref(),
            &client_info(req),
        )
        .await
        .map_err(ApiError::from);
    match outcome {
        Ok(()) => see_other("/login?reset"),
        Err(error) => {
            let status = status_of(&error);
            reset_form(
                req,
                &services,
                status,
                &form.token,
                FormErrors::from_api(error),
            )
        }
    }
}

/// The reset form. Its answer carries `Referrer-Policy: no-referrer`, since the
/// address it was opened at holds the mailed token.
fn reset_form(
    req: &Request,
    services: &Services,
    status: StatusCode,
    token: &str,
    errors: FormErrors,
) -> Response {
    let retry_after = errors.retry_after;
    let mut page = anonymous_form(req, services, |csrf| {
        render(
            status,
            "reset_password.html",
            visitor_lang(req),
            minijinja::context! { csrf, token, errors },
        )
    });
    page.headers_mut()
        .insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    with_retry_after(page, retry_after)
}
