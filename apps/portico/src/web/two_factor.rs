//! `My account > Security > Two-factor`: enrol an authenticator app (QR code and typed
//! secret), confirm it with a code, see the recovery codes once (copy or download),
//! renew them, turn two-factor off; the same services as `/v1/me/two-factor`.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Request, Response, handler};
use portico_kernel::Password;
use portico_security::{Caller, RecoveryCode, SecondFactorCode, qr};
use serde::Deserialize;

use crate::http::problem::ApiError;
use crate::web::account::{AccountPage, ActionForm, Posted, open_account_page};
use crate::web::allowing_script;
use crate::web::guard::problem_page;
use crate::web::page::FormErrors;
use crate::wiring::Services;

/// The confirming code, with the enrolment shown again if the code is refused. The
/// secret is only displayed back to the person who was just shown it; the code is
/// checked against the seed stored when the enrolment began. No `Debug`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ConfirmForm {
    code: String,
    secret: String,
    otpauth_uri: String,
    #[serde(flatten)]
    posted: Posted,
}

/// The password and a code, for changes to two-factor itself. No `Debug`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ProofForm {
    password: String,
    code: String,
    #[serde(flatten)]
    posted: Posted,
}

/// `GET /account/security/two-factor`.
#[handler]
pub async fn two_factor_page(req: &Request, services: Data<&Arc<Services>>) -> Response {
    let page = open_account_page!(services, req);
    let notice = page.done_notice(req);
    show(&page, StatusCode::OK, FormErrors::none(), notice).await
}

/// `POST /account/security/two-factor/enrol`: a new seed (replacing an unconfirmed
/// one), shown as a QR code and as text.
#[handler]
pub async fn enrol(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<ActionForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let start = async |session: &_| {
        page.services.step_up.require(session, &page.client).await?;
        Ok::<_, ApiError>(
            page.services
                .two_factor
                .start_enrolment(page.account())
                .await?,
        )
    };
    match page.submit(&form.posted, "enrol", start).await {
        Ok(enrolment) => enrolment_page(
            &page,
            StatusCode::OK,
            FormErrors::none(),
            &enrolment.secret,
            &enrolment.otpauth_uri,
        ),
        Err(refused) => show(&page, refused.status, refused.errors, None).await,
    }
}

/// `POST /account/security/two-factor/confirm`: two-factor is on, and the recovery
/// codes are shown this once.
#[handler]
pub async fn confirm(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<ConfirmForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let confirm = async |session: &_| {
        page.services.step_up.require(session, &page.client).await?;
        let two_factor = &page.services.two_factor;
        Ok::<_, ApiError>(
            two_factor
                .confirm(
                    page.account(),
                    &SecondFactorCode::read(form.code.trim()),
                    &page.client,
                )
                .await?,
        )
    };
    match page.submit(&form.posted, "confirm", confirm).await {
        Ok(codes) => recovery_codes_page(&page, &codes, "two_factor_on"),
        // A form without its token shows no key or picture it carried: they may not
        // be the ones this page showed.
        Err(refused) if refused.status == StatusCode::FORBIDDEN && !refused.errors.reauth => {
            show(&page, refused.status, refused.errors, None).await
        }
        Err(refused) => enrolment_page(
            &page,
            refused.status,
            refused.errors,
            &form.secret,
            &form.otpauth_uri,
        ),
    }
}

/// `POST /account/security/two-factor/recovery-codes`: ten new codes; the old ones
/// stop working.
#[handler]
pub async fn renew_codes(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<ProofForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let password = Password::new(form.password.clone());
    let renew = async |session: &_| {
        let two_factor = &page.services.two_factor;
        Ok::<_, ApiError>(
            two_factor
                .renew_recovery_codes(
                    Caller::from(session),
                    &password,
                    &SecondFactorCode::read(form.code.trim()),
                    &page.client,
                )
                .await?,
        )
    };
    match page.submit(&form.posted, "renew", renew).await {
        Ok(codes) => recovery_codes_page(&page, &codes, "codes_renewed"),
        Err(refused) => show(&page, refused.status, refused.errors, None).await,
    }
}

/// `POST /account/security/two-factor/disable`.
#[handler]
pub async fn disable(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<ProofForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let password = Password::new(form.password.clone());
    let turn_off = async |session: &_| {
        let two_factor = &page.services.two_factor;
        Ok::<_, ApiError>(
            two_factor
                .disable(
                    Caller::from(session),
                    &password,
                    &SecondFactorCode::read(form.code.trim()),
                    &page.client,
                )
                .await?,
        )
    };
    page.answer(
        &form.posted,
        "disable",
        turn_off,
        "/account/security/two-factor?done=two_factor_off",
        |refused| show(&page, refused.status, refused.errors, None),
    )
    .await
}

/// The status, with the forms that fit it.
async fn show(
    page: &AccountPage,
    status: StatusCode,
    errors: FormErrors,
    notice: Option<String>,
) -> Response {
    let state = match page.services.two_factor.status(page.account()).await {
        Ok(state) => state,
        Err(error) => return problem_page(ApiError::from(error), page.lang),
    };
    page.render(
        status,
        "two_factor.html",
        "security",
        errors,
        minijinja::context! {
            enabled => state.enabled,
            enabled_at => state.enabled_at.map(crate::web::display::when),
            enrolment_pending => state.enrolment_pending,
            codes_left => state.recovery_codes_left,
            notice,
            section => "two_factor",
        },
    )
}

/// The started enrolment: the QR code, the secret to type, the confirming form.
fn enrolment_page(
    page: &AccountPage,
    status: StatusCode,
    errors: FormErrors,
    secret: &str,
    otpauth_uri: &str,
) -> Response {
    // A URI that was not Portico's own (posted back altered) still only draws a
    // picture for the one who sent it; an unreadable one draws none.
    let qr = qr::svg(otpauth_uri)
        .ok()
        .filter(|_| otpauth_uri.starts_with("otpauth://totp/"))
        .map(|svg| format!("data:image/svg+xml;base64,{}", STANDARD.encode(svg)));
    page.render(
        status,
        "two_factor_enrol.html",
        "security",
        errors,
        minijinja::context! {
            qr,
            secret,
            grouped_secret => grouped(secret),
            otpauth_uri,
            section => "two_factor",
        },
    )
}

/// The secret in groups of four, easier to type.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The recovery codes, shown this once, to copy or download (the buttons are the
/// page's script: the codes go in no URL).
fn recovery_codes_page(page: &AccountPage, codes: &[RecoveryCode], done: &str) -> Response {
    let codes = codes
        .iter()
        .map(|code| code.expose().to_owned())
        .collect::<Vec<_>>();
    allowing_script(page.render(
        StatusCode::OK,
        "recovery_codes.html",
        "security",
        FormErrors::none(),
        minijinja::context! {
            codes,
            notice => page.text(&format!("done.{done}")),
            section => "two_factor",
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_shown_in_groups_of_four() {
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
        assert_eq!(grouped(""), "");
    }
}
