//! A JSON body with missing, unknown, mistyped or null fields is answered with one
//! 422 naming every such field, checked against the published spec.
//!
//! poem-openapi would stop at the first fault with a parser message naming no field,
//! and it reads `false` as the text `"false"`. The check runs before the operation,
//! but its answer is given only where the operation would have read the body: a
//! request that fails authentication is still answered 401 first.

use std::sync::Arc;

use poem::{Body, Endpoint, IntoResponse, PathPattern, Request, Response};
use poem_openapi::error::ParseRequestPayloadError;
use poem_openapi::payload::{Json, Payload};
use serde_json::Value;

use crate::contract::body_shapes::BodyShapes;
use crate::http::problem::{FieldError, validation_problem};
use crate::http::problem_middleware::render;

/// Whether the request says its body is JSON: poem-openapi's own test, so that the
/// two never disagree about which bodies an operation reads as JSON.
fn is_json(req: &Request) -> bool {
    req.content_type()
        .is_some_and(<Json<Value> as Payload>::check_content_type)
}

/// The middleware function, for `EndpointExt::around` (inside the body limit, which
/// has already read the body into memory).
pub async fn check_body_shape<E: Endpoint>(
    next: E,
    mut req: Request,
    shapes: Arc<BodyShapes>,
) -> poem::Result<Response> {
    let schema = is_json(&req)
        .then(|| shapes.schema(req.method().as_str(), req.uri().path()))
        .flatten();
    let Some(schema) = schema else {
        return next.call(req).await.map(IntoResponse::into_response);
    };
    let bytes = req.take_body().into_bytes().await?;
    let faults = match serde_json::from_slice::<Value>(&bytes) {
        Ok(body) => shapes.faults(schema, &body),
        Err(_) => Vec::new(),
    };
    // A body that is not an object at all is malformed, as poem says (400).
    if faults.is_empty() || faults.iter().any(|fault| fault.at.is_empty()) {
        req.set_body(Body::from(bytes));
        return next.call(req).await.map(IntoResponse::into_response);
    }
    // An empty body makes the operation fail where it reads the body, after its
    // authentication; only that failure is replaced by the fields at fault.
    req.set_body(Body::empty());
    match next.call(req).await {
        Err(error) if error.is::<ParseRequestPayloadError>() => {
            let errors = faults
                .into_iter()
                .map(|fault| FieldError {
                    field: fault.at,
                    message: fault.message,
                })
                .collect();
            let mut answer = render(validation_problem(errors));
            // The route the request matched, for the request metrics.
            if let Some(route) = error.data::<PathPattern>() {
                answer.set_data(route.clone());
            }
            Ok(answer)
        }
        other => other.map(IntoResponse::into_response),
    }
}
