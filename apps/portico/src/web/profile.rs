//! `My account > Profile`: name and language.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Request, Response, handler};
use portico_identity::Profile;
use serde::Deserialize;

use crate::api::profile::ProfilePatch;
use crate::http::problem::ApiError;
use crate::web::browser_session::{SignedIn, signed_in};
use crate::web::csrf;
use crate::web::guard::{problem_page, refused};
use crate::web::page::{FormErrors, render, see_other, status_of};
use crate::web::text::visitor_lang;
use crate::web::text::{Lang, text};
use crate::wiring::Services;

/// The profile form as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    first_name: String,
    last_name: String,
    language: String,
    csrf: String,
}

/// `GET /account/profile`.
#[handler]
pub async fn profile_page(req: &Request, services: Data<&Arc<Services>>) -> Response {
    let current = match signed_in(&services, req).await {
        Ok(current) => current,
        Err(why) => return refused(why, visitor_lang(req)),
    };
    match services.profiles.profile(current.session.account).await {
        Ok(profile) => {
            let saved = req.uri().query() == Some("saved");
            let lang = Lang::of_tag(profile.language.as_str());
            let notice = saved.then(|| text(lang, "profile.saved").unwrap_or_default());
            let form = FormValues::of(&profile);
            show(
                &current,
                &profile,
                form,
                StatusCode::OK,
                FormErrors::none(),
                notice,
            )
        }
        Err(error) => problem_page(ApiError::from(error), visitor_lang(req)),
    }
}

/// `POST /account/profile`: the same parsing and rules as `PATCH /v1/me/profile`.
#[handler]
pub async fn update_profile(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<ProfileForm>,
) -> Response {
    let current = match signed_in(&services, req).await {
        Ok(current) => current,
        Err(why) => return refused(why, visitor_lang(req)),
    };
    let values = FormValues {
        first_name: form.first_name.clone(),
        last_name: form.last_name.clone(),
        language: form.language.clone(),
    };
    // `None`: the form came without its token, and nothing was done.
    let refused: Option<ApiError> = if csrf::is_valid(&current.secret, &form.csrf) {
        let patch = ProfilePatch {
            first_name: Some(form.first_name),
            last_name: Some(form.last_name),
            language: Some(form.language),
        };
        let outcome = match patch.try_into_domain() {
            Ok(change) => services
                .profiles
                .update(current.session.account, change)
                .await
                .map_err(ApiError::from),
            Err(error) => Err(error),
        };
        match outcome {
            Ok(_) => return see_other("/account/profile?saved"),
            Err(error) => Some(error),
        }
    } else {
        None
    };
    // The stored profile (its username and language) is read only to show the form
    // again: a saved form costs no read.
    let profile = match services.profiles.profile(current.session.account).await {
        Ok(profile) => profile,
        Err(error) => return problem_page(ApiError::from(error), visitor_lang(req)),
    };
    let (status, errors) = match refused {
        Some(error) => (status_of(&error), FormErrors::from_api(error)),
        None => (
            StatusCode::FORBIDDEN,
            FormErrors::expired(Lang::of_tag(profile.language.as_str())),
        ),
    };
    show(&current, &profile, values, status, errors, None)
}

/// What the form's fields hold: the stored profile, or what was just sent.
#[derive(Debug)]
struct FormValues {
    first_name: String,
    last_name: String,
    language: String,
}

impl FormValues {
    fn of(profile: &Profile) -> Self {
        Self {
            first_name: profile.first_name.to_string(),
            last_name: profile.last_name.to_string(),
            language: profile.language.to_string(),
        }
    }
}

impl From<FormValues> for minijinja::Value {
    fn from(values: FormValues) -> Self {
        minijinja::context! {
            first_name => values.first_name,
            last_name => values.last_name,
            language => values.language,
        }
    }
}

fn show(
    current: &SignedIn,
    profile: &Profile,
    form: FormValues,
    status: StatusCode,
    errors: FormErrors,
    notice: Option<&str>,
) -> Response {
    render(
        status,
        "profile.html",
        Lang::of_tag(profile.language.as_str()),
        minijinja::context! {
            csrf => csrf::token_for(&current.secret),
            username => profile.username.to_string(),
            form,
            errors,
            notice,
            signed_in => true,
            active => "profile",
        },
    )
}
