//! Turns every error poem or poem-openapi raises on its own (unknown route, wrong
//! method, malformed JSON, wrong content type, missing credentials, oversized body)
//! into problem+json, so no client ever sees a plain-text error. A wrong method's 405
//! names the methods the path does answer in `Allow`.

use std::sync::Arc;

use poem::error::{MethodNotAllowedError, NotFoundError, ReadBodyError};
use poem::http::{HeaderValue, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response};
use poem_openapi::error::{
    AuthorizationError, ContentTypeError, ParseParamError, ParsePathError, ParseRequestPayloadError,
};
use poem_openapi::types::ToJSON;

use crate::http::allowed_methods::AllowedMethods;
use crate::http::problem::{Problem, platform_token_required, problem, session_token_required};

/// The middleware function, for `EndpointExt::around`; `allowed` knows which
/// methods each path answers.
pub async fn problem_json<E: Endpoint>(
    next: E,
    req: Request,
    allowed: Arc<AllowedMethods>,
) -> poem::Result<Response> {
    // The path is needed only for a 405 or a 401; the URI is shared, so keeping it is
    // cheap.
    let uri = req.uri().clone();
    match next.call(req).await {
        Ok(response) => Ok(response.into_response()),
        Err(error) if error.is_from_response() => Ok(error.into_response()),
        Err(error) => {
            let mut response = render(to_problem(&error, uri.path()));
            if error.is::<MethodNotAllowedError>()
                && let Some(methods) = allowed.allow(uri.path())
                && let Ok(value) = HeaderValue::from_str(methods)
            {
                response.headers_mut().insert(header::ALLOW, value);
            }
            Ok(response)
        }
    }
}

/// Writes a problem as a response, for answers made outside poem-openapi.
pub fn render(body: Problem) -> Response {
    let status = StatusCode::from_u16(body.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    // The same members the API's own problems carry, `request_id` of a server fault
    // included.
    Response::builder()
        .status(status)
        .content_type("application/problem+json")
        .body(body.to_json_string())
}

/// Keeps the useful part of a parser message and drops the internal type name that
/// poem-openapi puts in front of it (`failed to parse "RegisterRequest": ...`).
fn public_reason(reason: &str) -> String {
    let reason = match reason.split_once("\": ") {
        Some((_, rest)) => rest,
        None => reason,
    };
    reason.chars().take(300).collect()
}

/// The problem for an error poem raised on the way to `path`.
fn to_problem(error: &poem::Error, path: &str) -> Problem {
    if let Some(e) = error.downcast_ref::<ParseRequestPayloadError>() {
        return problem(
            400,
            "malformed-body",
            "Malformed request body",
            format!(
                "The body is not valid JSON for this request: {}",
                public_reason(&e.reason)
            ),
        );
    }
    if let Some(e) = error.downcast_ref::<ParseParamError>() {
        return problem(
            400,
            "invalid-parameter",
            "Invalid parameter",
            format!(
                "The parameter '{}' is not valid: {}",
                e.name,
                public_reason(&e.reason)
            ),
        );
    }
    if error.is::<ParsePathError>() {
        return problem(
            400,
            "invalid-path",
            "Invalid path",
            "The request path is not valid.",
        );
    }
    if error.is::<ContentTypeError>() {
        return problem(
            415,
            "unsupported-media-type",
            "Unsupported media type",
            "Send the request body as application/json.",
        );
    }
    if error.is::<AuthorizationError>() {
        // The platform's operations take the platform token, not a client's session.
        return if path.starts_with("/v1/platform/") {
            platform_token_required()
        } else {
            session_token_required()
        };
    }
    if error.is::<NotFoundError>() {
        return problem(404, "not-found", "Not found", "There is no such resource.");
    }
    if error.is::<MethodNotAllowedError>() {
        return problem(
            405,
            "method-not-allowed",
            "Method not allowed",
            "This resource does not support that method.",
        );
    }
    if matches!(
        error.downcast_ref::<ReadBodyError>(),
        Some(ReadBodyError::PayloadTooLarge)
    ) {
        return payload_too_large();
    }
    let status = error.status();
    if status.is_server_error() {
        tracing::error!(error = %error, "request failed");
        return problem(
            500,
            "internal",
            "Internal server error",
            "The server could not complete the request. It has been logged.",
        );
    }
    problem(
        status.as_u16(),
        "http-error",
        status.canonical_reason().unwrap_or("Request failed"),
        "The request could not be processed.",
    )
}

/// 413 for a body over the limit.
pub fn payload_too_large() -> Problem {
    problem(
        413,
        "payload-too-large",
        "Payload too large",
        "The request body exceeds the size limit.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_internal_type_name_is_dropped_from_parser_messages() {
        assert_eq!(
            public_reason("failed to parse \"RegisterRequest\": missing field `username`"),
            "missing field `username`"
        );
        assert_eq!(public_reason("expected value"), "expected value");
    }

    async fn body_of(response: Response) -> serde_json::Value {
        let bytes = response.into_body().into_bytes().await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn a_server_fault_made_here_names_its_request_and_a_client_error_does_not() {
        use crate::http::request_trace::as_request;

        let (fault, missing) = as_request("req-7".into(), async {
            (
                render(problem(503, "not-ready", "Not ready", "Down.")),
                render(problem(404, "not-found", "Not found", "No.")),
            )
        })
        .await;

        let fault = body_of(fault).await;
        assert_eq!(fault["request_id"], "req-7");
        assert_eq!(fault["type"], "urn:portico:problem:not-ready");
        assert!(body_of(missing).await.get("request_id").is_none());
    }
}
