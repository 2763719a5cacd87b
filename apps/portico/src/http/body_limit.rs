//! A request-body size limit that works without `Content-Length`.
//!
//! poem's own `SizeLimit` refuses every request that lacks a `Content-Length` header,
//! GETs included; this one reads at most the limit from any body and answers 413
//! beyond it, whether the size was announced or not.

use poem::{Body, Endpoint, IntoResponse, Request, Response};

use crate::http::problem_middleware::{payload_too_large, render};

/// The largest request body accepted. The biggest legitimate body (an address) is a
/// few hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The middleware function, for `EndpointExt::around`.
pub async fn limit_body<E: Endpoint>(next: E, mut req: Request) -> poem::Result<Response> {
    let announced = req
        .headers()
        .get(poem::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|len| len > MAX_BODY_BYTES) {
        return Ok(too_large());
    }
    let body = req.take_body();
    match body.into_bytes_limit(MAX_BODY_BYTES).await {
        Ok(bytes) => req.set_body(Body::from(bytes)),
        Err(poem::error::ReadBodyError::PayloadTooLarge) => return Ok(too_large()),
        Err(other) => return Err(other.into()),
    }
    next.call(req).await.map(IntoResponse::into_response)
}

fn too_large() -> Response {
    render(payload_too_large())
}
