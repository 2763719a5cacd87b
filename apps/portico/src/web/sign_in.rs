//! Logging in and out: `/login`, `/login/second-factor`, `/logout`.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Request, Response, handler};
use portico_kernel::Password;
use portico_security::{LoginAttempt, NewSession, SecondFactorCode, SecretToken};
use serde::Deserialize;

use crate::api::sessions::login_outcome;
use crate::http::client::client_info;
use crate::http::cookies::{device_cookie, read_device_cookie};
use crate::http::problem::ApiError;
use crate::web::browser_session::{
    NotSignedIn, cleared_session_cookie, pending, session_cookie, signed_in,
};
use crate::web::csrf;
use crate::web::csrf::anonymous_form;
use crate::web::mailed_link::after_login;
use crate::web::page::{
    FormErrors, failure, render, see_other, set_cookie, status_of, with_retry_after,
};
use crate::web::text::visitor_lang;
use crate::wiring::Services;

/// The login form as posted (no `Debug`: it holds the password).
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    login: String,
    password: String,
    csrf: String,
}

/// The second-factor form as posted (no `Debug`: it holds the code).
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct SecondFactorForm {
    code: String,
    csrf: String,
}

/// The only field a signed-in form without others carries.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenOnly {
    csrf: String,
}

/// `GET /login`: the form, or the account for a browser already signed in.
#[handler]
pub async fn login_page(req: &Request, services: Data<&Arc<Services>>) -> Response {
    match signed_in(&services, req).await {
        Ok(_) => see_other(after_login(req, services.cookies_secure())),
        Err(NotSignedIn::SecondFactor) => see_other("/login/second-factor"),
        Err(_) => login_form(req, &services, StatusCode::OK, "", FormErrors::none()),
    }
}

/// The login form; hands the browser a form secret if it has none yet.
fn login_form(
    req: &Request,
    services: &Services,
    status: StatusCode,
    login: &str,
    errors: FormErrors,
) -> Response {
    let retry_after = errors.retry_after;
    let page = anonymous_form(req, services, |token| {
        render(
            status,
            "login.html",
            visitor_lang(req),
            minijinja::context! {
                csrf => token,
                login,
                errors,
                registered => req.uri().query() == Some("registered"),
                reset => req.uri().query() == Some("reset"),
                link => req.uri().query() == Some("link"),
            },
        )
    });
    with_retry_after(page, retry_after)
}

/// `POST /login`.
#[handler]
pub async fn log_in(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<LoginForm>,
) -> Response {
    if !csrf::anonymous_form_is_valid(req, services.cookies_secure(), &form.csrf) {
        return expired_form(req, &services, &form.login);
    }
    let password = Password::new(form.password);
    let device = read_device_cookie(req).map(|token| SecretToken::from_client(&token));
    let attempt = LoginAttempt {
        login: &form.login,
        password: &password,
        device_token: device.as_ref(),
    };
    let outcome = services.login.login(attempt, client_info(req)).await;
    services.metrics.record_login(login_outcome(&outcome));
    match outcome {
        Ok(opened) if opened.session.second_factor_pending => {
            signed_in_response(&services, &opened, "/login/second-factor")
        }
        Ok(opened) => signed_in_response(
            &services,
            &opened,
            after_login(req, services.cookies_secure()),
        ),
        Err(error) => {
            let error = ApiError::from(error);
            let status = status_of(&error);
            login_form(
                req,
                &services,
                status,
                &form.login,
                FormErrors::from_api(error),
            )
        }
    }
}

/// A form posted without its token: shown again, with a fresh token, nothing done.
fn expired_form(req: &Request, services: &Services, login: &str) -> Response {
    let errors = FormErrors::expired(visitor_lang(req));
    login_form(req, services, StatusCode::FORBIDDEN, login, errors)
}

/// `GET /login/second-factor`.
#[handler]
pub async fn second_factor_page(req: &Request, services: Data<&Arc<Services>>) -> Response {
    match pending(&services, req).await {
        Some((_, secret)) => second_factor_form(req, StatusCode::OK, &secret, FormErrors::none()),
        None => see_other("/login"),
    }
}

fn second_factor_form(
    req: &Request,
    status: StatusCode,
    secret: &str,
    errors: FormErrors,
) -> Response {
    let retry_after = errors.retry_after;
    let page = render(
        status,
        "second_factor.html",
        visitor_lang(req),
        minijinja::context! { csrf => csrf::token_for(secret), errors, pending => true },
    );
    with_retry_after(page, retry_after)
}

/// `POST /login/second-factor`.
#[handler]
pub async fn complete_second_factor(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<SecondFactorForm>,
) -> Response {
    let Some((session, secret)) = pending(&services, req).await else {
        return see_other("/login");
    };
    if !csrf::is_valid(&secret, &form.csrf) {
        return second_factor_form(
            req,
            StatusCode::FORBIDDEN,
            &secret,
            FormErrors::expired(visitor_lang(req)),
        );
    }
    let device = read_device_cookie(req).map(|token| SecretToken::from_client(&token));
    match services
        .second_factor
        .complete(
            &session,
            &SecondFactorCode::read(&form.code),
            device.as_ref(),
            &client_info(req),
        )
        .await
    {
        Ok(opened) => signed_in_response(
            &services,
            &opened,
            after_login(req, services.cookies_secure()),
        ),
        Err(error) => {
            let error = ApiError::from(error);
            let status = status_of(&error);
            second_factor_form(req, status, &secret, FormErrors::from_api(error))
        }
    }
}

/// `POST /logout`: ends the browser's session, complete or waiting for its second
/// factor, and forgets the cookie. A post without the session's form token (a forged
/// one from another site) is refused and changes nothing; without a session there is
/// nothing to end, and the cookie is left alone.
#[handler]
pub async fn log_out(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<TokenOnly>,
) -> Response {
    let lang = visitor_lang(req);
    let current = match signed_in(&services, req).await {
        Ok(current) => Some((current.session, current.secret)),
        Err(_) => pending(&services, req).await,
    };
    let Some((session, secret)) = current else {
        return see_other("/login");
    };
    if !csrf::is_valid(&secret, &form.csrf) {
        return render(
            StatusCode::FORBIDDEN,
            "error.html",
            lang,
            minijinja::context! { errors => FormErrors::expired(lang) },
        );
    }
    if let Err(error) = services
        .sessions
        .revoke(&session, session.id, &client_info(req))
        .await
    {
        return failure(&error, lang);
    }
    let mut response = see_other("/login");
    set_cookie(
        &mut response,
        &cleared_session_cookie(services.cookies_secure()),
    );
    response
}

/// Sets the session cookie (and the known-device cookie when one was issued), then
/// sends the browser on.
fn signed_in_response(services: &Services, opened: &NewSession, next: &str) -> Response {
    let secure = services.cookies_secure();
    let mut response = see_other(next);
    set_cookie(&mut response, &session_cookie(&opened.token, secure));
    if let Some(device) = &opened.device_token {
        set_cookie(&mut response, &device_cookie(device, secure));
    }
    response
}
