//! `application/problem+json` (RFC 9457): the one error shape of the API.
//!
//! Every error answer carries a stable `type` (`urn:portico:problem:<slug>`, listed in
//! `docs/error-codes.md`), a `title` that is the same for every instance of that type,
//! the `status`, a `detail` for this instance and, for validation failures, the list
//! of fields at fault. Nothing internal (SQL, stack traces, source chains) is ever put
//! in a problem: server faults are logged and answered with a generic text.

use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};

use crate::http::request_trace::current_request_id;

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
pub struct FieldError {
    /// The request field, as named in the request body or query.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// An RFC 9457 problem details object.
#[derive(Debug, Clone, Object)]
pub struct Problem {
    /// Stable identifier of the problem type.
    #[oai(rename = "type")]
    pub kind: String,
    /// Short summary, the same for every occurrence of this type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong this time.
    pub detail: String,
    /// For validation problems: each invalid field.
    #[oai(skip_serializing_if_is_none)]
    pub errors: Option<Vec<FieldError>>,
    /// For server faults: the id of the request (also its `X-Request-Id`), to quote
    /// when reporting it.
    #[oai(skip_serializing_if_is_none)]
    pub request_id: Option<String>,
}

/// Every error answer of the API.
#[derive(Debug, ApiResponse)]
pub enum ApiError {
    /// The request is malformed.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// Missing, invalid or expired credentials.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// Authenticated, but not allowed.
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    /// No such resource (or one that belongs to someone else).
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// The request conflicts with the current state.
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Problem>),
    /// Well-formed, but some values are not acceptable.
    #[oai(status = 422, content_type = "application/problem+json")]
    Unprocessable(Json<Problem>),
    /// Too many failed attempts; `Retry-After` says when to try again (seconds).
    #[oai(status = 429, content_type = "application/problem+json")]
    TooManyRequests(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// The server failed; nothing about the cause is disclosed.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

/// Builds the problem object for a type slug.
pub fn problem(status: u16, slug: &str, title: &str, detail: impl Into<String>) -> Problem {
    Problem {
        kind: format!("urn:portico:problem:{slug}"),
        title: title.to_owned(),
        status,
        detail: detail.into(),
        errors: None,
        request_id: (status >= 500).then(current_request_id).flatten(),
    }
}

/// 401 for a client's route: a session token is missing, unknown or expired.
pub fn session_token_required() -> Problem {
    problem(
        401,
        "unauthenticated",
        "Authentication required",
        "Log in and send the session token as a Bearer token.",
    )
}

/// 401 for a platform route: the platform token is missing or wrong.
pub fn platform_token_required() -> Problem {
    problem(
        401,
        "unauthenticated",
        "Authentication required",
        "Send the platform token as a Bearer token.",
    )
}

/// 422 `validation-failed` naming each invalid field.
pub fn validation_problem(errors: Vec<FieldError>) -> Problem {
    let detail = match errors.as_slice() {
        [one] => format!("The field '{}' is not valid: {}", one.field, one.message),
        _ => format!("{} fields are not valid.", errors.len()),
    };
    let mut body = problem(422, "validation-failed", "Invalid request fields", detail);
    body.errors = Some(errors);
    body
}

impl ApiError {
    /// 400 with the given slug.
    pub fn bad_request(slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Self::BadRequest(Json(problem(400, slug, title, detail)))
    }

    /// 401: the bearer token is missing, unknown or expired.
    pub fn unauthenticated() -> Self {
        Self::Unauthorized(Json(session_token_required()))
    }

    /// 404: the resource does not exist for this caller.
    pub fn not_found(what: &str) -> Self {
        Self::NotFound(Json(problem(
            404,
            "not-found",
            "Not found",
            format!("There is no such {what}."),
        )))
    }

    /// 409 with the given slug.
    pub fn conflict(slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Self::Conflict(Json(problem(409, slug, title, detail)))
    }

    /// 422 naming the invalid fields.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self::Unprocessable(Json(validation_problem(errors)))
    }

    /// 422 for a single field.
    pub fn invalid_field(field: &str, message: impl ToString) -> Self {
        Self::validation(vec![FieldError {
            field: field.to_owned(),
            message: message.to_string(),
        }])
    }

    /// 500. The cause is logged here with its whole source chain and never sent.
    pub fn internal(cause: &(dyn std::error::Error + 'static)) -> Self {
        tracing::error!(error = %cause_chain(cause), "request failed");
        Self::Internal(Json(problem(
            500,
            "internal",
            "Internal server error",
            "The server could not complete the request. It has been logged.",
        )))
    }
}

/// An error and every source under it, `outer: inner: innermost`, for logs only.
pub fn cause_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        chain.push_str(": ");
        chain.push_str(&inner.to_string());
        source = inner.source();
    }
    chain
}
