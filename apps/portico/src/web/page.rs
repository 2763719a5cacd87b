//! Answering with a page: which template in the reader's language (rendered by
//! [`crate::web::templates::PageTemplates`]), the errors a form shows, and the
//! statuses, redirects and cookies every page handler answers with.

use std::collections::BTreeMap;

use minijinja::Value;
use poem::http::StatusCode;
use poem::{IntoResponse, Response};

use crate::http::problem::{ApiError, Problem};
use crate::web::text::{Lang, text};

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

/// The page a handler answers with, rendered by [`crate::web::with_page_headers`]
/// with the portal's templates and brand (`Services::pages`): a handler says which
/// page, the wrapper that already adds every page's headers renders it.
#[derive(Clone)]
pub struct PendingPage {
    /// The template's name.
    pub template: String,
    /// Its variables, `lang` included.
    pub context: Value,
}

/// Answers with `template`, rendered with `context` (plus `lang`), and `status`.
pub fn render(status: StatusCode, template: &str, lang: Lang, context: Value) -> Response {
    let mut response = Response::builder()
        .status(status)
        .content_type("text/html; charset=utf-8")
        .finish();
    response.extensions_mut().insert(PendingPage {
        template: template.to_owned(),
        context: minijinja::context! { lang => lang.tag(), ..context },
    });
    response
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
