//! Answering with a page: the templates compiled into the binary in the reader's
//! language, the errors a form shows, and the statuses, redirects and cookies every
//! page handler answers with.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use minijinja::{Environment, State, Value};
use poem::http::StatusCode;
use poem::{IntoResponse, Response};

use crate::http::problem::{ApiError, Problem};
use crate::web::text::{Lang, text};

/// Every page template, by name; `layout.html` frames the others.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "layout.html",
        include_str!("../../templates/web/layout.html"),
    ),
    ("field.html", include_str!("../../templates/web/field.html")),
    ("login.html", include_str!("../../templates/web/login.html")),
    (
        "second_factor.html",
        include_str!("../../templates/web/second_factor.html"),
    ),
    (
        "profile.html",
        include_str!("../../templates/web/profile.html"),
    ),
    (
        "forgot_password.html",
        include_str!("../../templates/web/forgot_password.html"),
    ),
    (
        "reset_password.html",
        include_str!("../../templates/web/reset_password.html"),
    ),
    (
        "register.html",
        include_str!("../../templates/web/register.html"),
    ),
    ("error.html", include_str!("../../templates/web/error.html")),
    (
        "profile_tabs.html",
        include_str!("../../templates/web/profile_tabs.html"),
    ),
    (
        "emails.html",
        include_str!("../../templates/web/emails.html"),
    ),
    (
        "phones.html",
        include_str!("../../templates/web/phones.html"),
    ),
    (
        "address_fields.html",
        include_str!("../../templates/web/address_fields.html"),
    ),
    (
        "addresses.html",
        include_str!("../../templates/web/addresses.html"),
    ),
    (
        "company.html",
        include_str!("../../templates/web/company.html"),
    ),
    (
        "security_tabs.html",
        include_str!("../../templates/web/security_tabs.html"),
    ),
    (
        "security.html",
        include_str!("../../templates/web/security.html"),
    ),
    (
        "two_factor.html",
        include_str!("../../templates/web/two_factor.html"),
    ),
    (
        "two_factor_enrol.html",
        include_str!("../../templates/web/two_factor_enrol.html"),
    ),
    (
        "recovery_codes.html",
        include_str!("../../templates/web/recovery_codes.html"),
    ),
    (
        "ip_whitelist.html",
        include_str!("../../templates/web/ip_whitelist.html"),
    ),
    (
        "sessions.html",
        include_str!("../../templates/web/sessions.html"),
    ),
    (
        "security_log.html",
        include_str!("../../templates/web/security_log.html"),
    ),
    (
        "verify_email.html",
        include_str!("../../templates/web/verify_email.html"),
    ),
    (
        "messages.html",
        include_str!("../../templates/web/messages.html"),
    ),
    (
        "message.html",
        include_str!("../../templates/web/message.html"),
    ),
    (
        "scope_fields.html",
        include_str!("../../templates/web/scope_fields.html"),
    ),
    (
        "delegates.html",
        include_str!("../../templates/web/delegates.html"),
    ),
    (
        "accept_invitation.html",
        include_str!("../../templates/web/accept_invitation.html"),
    ),
    (
        "affiliate_tabs.html",
        include_str!("../../templates/web/affiliate_tabs.html"),
    ),
    (
        "affiliate.html",
        include_str!("../../templates/web/affiliate.html"),
    ),
    (
        "payouts.html",
        include_str!("../../templates/web/payouts.html"),
    ),
];

static TEMPLATE_SET: LazyLock<Result<Environment<'static>, minijinja::Error>> =
    LazyLock::new(environment);

fn environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    env.add_function("t", translate);
    Ok(env)
}

/// `t(key)` in a template: the text for `key` in the page's `lang`.
fn translate(state: &State, key: &str) -> Result<String, minijinja::Error> {
    let lang = match state.lookup("lang").as_ref().and_then(Value::as_str) {
        Some("de") => Lang::De,
        _ => Lang::En,
    };
    text(lang, key).map(str::to_owned).ok_or_else(|| {
        minijinja::Error::new(
            minijinja::ErrorKind::UndefinedError,
            format!("no text for the key {key}"),
        )
    })
}

/// What a form shows after a refused submission: a message for the whole form, and
/// one beside each field at fault, in the words of the API's problem document.
#[derive(Debug, Default)]
pub struct FormErrors {
    /// The problem's title and detail, or a page's own message.
    pub notice: Option<String>,
    /// Seconds to wait, for a throttled form.
    pub retry_after: Option<u64>,
    /// Whether the notice is the API's (English, whatever the page's language, so
    /// marked `lang="en"` for screen readers); the fields' messages always are.
    pub from_api: bool,
    /// Field name to message.
    pub fields: BTreeMap<String, String>,
    /// On a page of several forms, the one these errors belong to.
    pub form: Option<String>,
    /// Whether the form must be sent again with the password (and code): the change
    /// needs a recent proof.
    pub reauth: bool,
}

impl FormErrors {
    /// Nothing wrong.
    pub fn none() -> Self {
        Self::default()
    }

    /// The errors an API answer would have carried.
    pub fn from_api(error: ApiError) -> Self {
        let (problem, retry_after) = problem_of(error);
        let fields = problem
            .errors
            .unwrap_or_default()
            .into_iter()
            .map(|error| (error.field, error.message))
            .collect::<BTreeMap<_, _>>();
        let notice = if fields.is_empty() {
            Some(format!("{}: {}", problem.title, problem.detail))
        } else {
            Some(problem.detail)
        };
        Self {
            notice,
            retry_after,
            from_api: true,
            fields,
            ..Self::default()
        }
    }

    /// The message for a form posted without its valid token (nothing was done).
    pub fn expired(lang: Lang) -> Self {
        Self::notice(text(lang, "form.expired").unwrap_or_default())
    }

    /// These errors, tied to the form named `form` on its page.
    pub fn for_form(mut self, form: &str) -> Self {
        self.form = Some(form.to_owned());
        self
    }

    /// A message for the whole form.
    pub fn notice(message: impl Into<String>) -> Self {
        Self {
            notice: Some(message.into()),
            ..Self::default()
        }
    }
}

impl From<FormErrors> for Value {
    fn from(errors: FormErrors) -> Self {
        minijinja::context! {
            notice => errors.notice,
            retry_after => errors.retry_after,
            from_api => errors.from_api,
            fields => errors.fields,
            form => errors.form,
            reauth => errors.reauth,
        }
    }
}

/// The problem document inside an API error, and the wait of a 429.
fn problem_of(error: ApiError) -> (Problem, Option<u64>) {
    match error {
        ApiError::TooManyRequests(problem, seconds) => (problem.0, Some(seconds)),
        ApiError::BadRequest(problem)
        | ApiError::Unauthorized(problem)
        | ApiError::Forbidden(problem)
        | ApiError::NotFound(problem)
        | ApiError::Conflict(problem)
        | ApiError::Unprocessable(problem)
        | ApiError::Internal(problem) => (problem.0, None),
    }
}

/// Renders `template` with `context` (plus `lang`) as an HTML answer with `status`.
/// A template that fails to render is logged and answered with a plain 500 page.
pub fn render(status: StatusCode, template: &str, lang: Lang, context: Value) -> Response {
    let context = minijinja::context! { lang => lang.tag(), ..context };
    let rendered = match TEMPLATE_SET.as_ref() {
        Ok(env) => env
            .get_template(template)
            .and_then(|page| page.render(context)),
        Err(error) => Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("the templates did not compile: {error}"),
        )),
    };
    match rendered {
        Ok(html) => html_response(status, html),
        Err(error) => {
            tracing::error!(%error, template, "a page could not be rendered");
            html_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "<!doctype html><title>Error</title><p>The page could not be shown.</p>".to_owned(),
            )
        }
    }
}

fn html_response(status: StatusCode, html: String) -> Response {
    html.with_status(status)
        .with_content_type("text/html; charset=utf-8")
        .into_response()
}

/// `response` with the `Retry-After` header a throttled form's answer carries, as the
/// API's 429 does.
pub fn with_retry_after(mut response: Response, seconds: Option<u64>) -> Response {
    if let Some(seconds) = seconds {
        response
            .headers_mut()
            .insert(poem::http::header::RETRY_AFTER, seconds.into());
    }
    response
}

/// A `303 See Other` to `location`: the answer to a form that worked, so reloading
/// the next page does not send the form again.
pub fn see_other(location: &str) -> Response {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(poem::http::header::LOCATION, location)
        .finish()
}

/// Adds one `Set-Cookie` header.
pub fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = poem::http::HeaderValue::from_str(cookie) {
        response
            .headers_mut()
            .append(poem::http::header::SET_COOKIE, value);
    }
}

/// The status of a page that shows an API error: the API's, except that refused
/// credentials re-show their form with 422 (a 401 would ask the browser for HTTP
/// authentication, RFC 9110).
pub fn status_of(error: &ApiError) -> StatusCode {
    match error {
        ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
        ApiError::Unauthorized(_) => StatusCode::UNPROCESSABLE_ENTITY,
        ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
        ApiError::NotFound(_) => StatusCode::NOT_FOUND,
        ApiError::Conflict(_) => StatusCode::CONFLICT,
        ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
        ApiError::TooManyRequests(..) => StatusCode::TOO_MANY_REQUESTS,
        ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The error page for a server fault; the cause is logged, never shown.
pub fn failure(cause: &(dyn std::error::Error + 'static), lang: Lang) -> Response {
    let errors = FormErrors::from_api(ApiError::internal(cause));
    render(
        StatusCode::INTERNAL_SERVER_ERROR,
        "error.html",
        lang,
        minijinja::context! { errors },
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_in_the_folder_is_compiled_in() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/web");
        for entry in std::fs::read_dir(folder).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            assert!(
                TEMPLATES.iter().any(|(known, _)| *known == name),
                "{name} is not in TEMPLATES"
            );
        }
    }

    #[test]
    fn every_template_compiles() {
        assert!(TEMPLATE_SET.is_ok(), "{:?}", TEMPLATE_SET.as_ref().err());
    }

    #[test]
    fn an_unknown_text_key_fails_the_render_instead_of_showing_nothing() {
        let mut env = Environment::new();
        env.add_function("t", translate);
        env.add_template("x", "{{ t('no.such.key') }}").unwrap();
        let rendered = env
            .get_template("x")
            .unwrap()
            .render(minijinja::context! { lang => "en" });
        assert!(rendered.is_err());
    }
}
