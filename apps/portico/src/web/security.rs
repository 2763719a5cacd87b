//! `My account > Security`, the sign-in tab: change the username (password, and the
//! code when two-factor is on) and change the password (every other session ends),
//! through the same services as `PUT /v1/me/username` and `PUT /v1/me/password`.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Request, Response, handler};
use portico_kernel::Password;
use portico_security::{Caller, SecondFactorCode};
use serde::Deserialize;

use crate::api::security::requested_username;
use crate::http::problem::ApiError;
use crate::web::account::{AccountPage, Posted, open_account_page};
use crate::web::guard::problem_page;
use crate::web::page::FormErrors;
use crate::wiring::Services;

/// The username form as posted. No `Debug`: it holds the password.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct UsernameForm {
    new_username: String,
    password: String,
    totp_code: String,
    #[serde(flatten)]
    posted: Posted,
}

/// The password form as posted. No `Debug`: it holds both passwords.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    #[serde(flatten)]
    posted: Posted,
}

/// `GET /account/security`.
#[handler]
pub async fn security_page(req: &Request, services: Data<&Arc<Services>>) -> Response {
    let page = open_account_page!(services, req);
    let notice = page.done_notice(req);
    show(&page, StatusCode::OK, FormErrors::none(), "", notice).await
}

/// `POST /account/security/username`.
#[handler]
pub async fn change_username(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<UsernameForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let password = Password::new(form.password.clone());
    let code = Some(form.totp_code.trim())
        .filter(|code| !code.is_empty())
        .map(SecondFactorCode::read);
    let change = async |session: &_| {
        let usernames = &page.services.usernames;
        let caller = Caller::from(session);
        Ok::<_, ApiError>(
            usernames
                .change(
                    caller,
                    requested_username(&form.new_username)?,
                    &password,
                    code.as_ref(),
                    &page.client,
                )
                .await?,
        )
    };
    page.answer(
        &form.posted,
        "username",
        change,
        "/account/security?done=username_changed",
        |refused| {
            show(
                &page,
                refused.status,
                refused.errors,
                &form.new_username,
                None,
            )
        },
    )
    .await
}

/// `POST /account/security/password`.
#[handler]
pub async fn change_password(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<PasswordForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let current = Password::new(form.current_password.clone());
    let new = Password::new(form.new_password.clone());
    let change = async |session: &_| {
        let changes = &page.services.password_changes;
        Ok::<_, ApiError>(
            changes
                .change(session, &current, &new, &page.client)
                .await?,
        )
    };
    page.answer(
        &form.posted,
        "password",
        change,
        "/account/security?done=password_changed",
        |refused| show(&page, refused.status, refused.errors, "", None),
    )
    .await
}

/// Both forms; `typed` is the username the refused form held (passwords are never
/// shown again).
async fn show(
    page: &AccountPage,
    status: StatusCode,
    errors: FormErrors,
    typed: &str,
    notice: Option<String>,
) -> Response {
    let two_factor = match page.services.two_factor.status(page.account()).await {
        Ok(status) => status.enabled,
        Err(error) => return problem_page(ApiError::from(error), page.lang),
    };
    page.render(
        status,
        "security.html",
        "security",
        errors,
        minijinja::context! {
            typed,
            two_factor,
            notice,
            section => "sign_in",
        },
    )
}
