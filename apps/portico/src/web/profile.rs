//! `My account > Profile`: name and language.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Request, Response, handler};
use portico_identity::Profile;
use serde::Deserialize;

use crate::api::profile::ProfilePatch;
use crate::http::problem::ApiError;
use crate::web::account::{AccountPage, Posted, open_account_page};
use crate::web::page::FormErrors;
use crate::wiring::Services;

/// The profile form as posted.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    first_name: String,
    last_name: String,
    language: String,
    #[serde(flatten)]
    posted: Posted,
}

/// `GET /account/profile`.
#[handler]
pub async fn profile_page(req: &Request, services: Data<&Arc<Services>>) -> Response {
    let page = open_account_page!(services, req);
    let notice = (req.uri().query() == Some("saved")).then(|| page.text("profile.saved"));
    let form = FormValues::of(&page.profile);
    show(&page, form, StatusCode::OK, FormErrors::none(), notice)
}

/// `POST /account/profile`: the same parsing and rules as `PATCH /v1/me/profile`.
#[handler]
pub async fn update_profile(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<ProfileForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let values = FormValues {
        first_name: form.first_name.clone(),
        last_name: form.last_name.clone(),
        language: form.language.clone(),
    };
    let patch = ProfilePatch {
        first_name: Some(form.first_name),
        last_name: Some(form.last_name),
        language: Some(form.language),
    };
    let change = async |_: &_| {
        let change = patch.try_into_domain()?;
        Ok::<_, ApiError>(
            page.services
                .profiles
                .update(page.account(), change)
                .await?,
        )
    };
    // A refused change left the profile as read when the request came, so the page
    // speaks its stored language.
    page.answer(
        &form.posted,
        "profile",
        change,
        "/account/profile?saved",
        |refused| std::future::ready(show(&page, values, refused.status, refused.errors, None)),
    )
    .await
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
    page: &AccountPage,
    form: FormValues,
    status: StatusCode,
    errors: FormErrors,
    notice: Option<String>,
) -> Response {
    page.render(
        status,
        "profile.html",
        "profile",
        errors,
        minijinja::context! {
            profile_username => page.profile.username.to_string(),
            form,
            notice,
            section => "profile",
        },
    )
}
