//! Counting every answered request under its route template.

use std::sync::Arc;
use std::time::Instant;

use poem::http::Method;
use poem::{Endpoint, IntoResponse, PathPattern, Request, Response};

use super::{Metrics, RequestLabels};

/// The middleware, for `EndpointExt::around` inside the problem+json one: it sees
/// errors before they are rendered, with the route poem matched (`PathPattern`,
/// which the router leaves on responses and errors alike).
pub async fn record_requests<E: Endpoint>(
    next: E,
    req: Request,
    metrics: Arc<Metrics>,
) -> poem::Result<Response> {
    let started = Instant::now();
    let method = method_label(req.method());
    let outcome = next.call(req).await.map(IntoResponse::into_response);
    let (status, route) = match &outcome {
        Ok(response) => (response.status(), response.data::<PathPattern>()),
        Err(error) => (error.status(), error.data::<PathPattern>()),
    };
    // Unknown paths match the catch-all of the nested API, whose pattern is empty.
    let route = route
        .map(|pattern| pattern.0.to_string())
        .filter(|pattern| !pattern.is_empty())
        .unwrap_or_else(|| "unmatched".to_owned());
    metrics.record_request(
        RequestLabels {
            method,
            route,
            status: status.as_u16(),
        },
        started.elapsed().as_secs_f64(),
    );
    outcome
}

/// The method's name; any method outside the standard ones counts as `OTHER`, so a
/// client cannot mint new series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}
