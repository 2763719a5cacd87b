//! The router `main` serves and the tests drive, and the serving loop.

use std::sync::Arc;
use std::time::Duration;

use poem::endpoint::make_sync;
use poem::listener::TcpListener;
use poem::web::{Html, Json};
use poem::{Endpoint, EndpointExt, IntoResponse, Response, Route, get, handler};

use portico_security::Cidr;

use crate::api;
use crate::contract;
use crate::contract::body_shapes::BodyShapes;
use crate::http::allowed_methods::AllowedMethods;
use crate::http::body_limit::limit_body;
use crate::http::body_shape::check_body_shape;
use crate::http::problem::problem;
use crate::http::problem_middleware::{problem_json, render};
use crate::http::request_trace::trace_requests;
use crate::metrics::{metrics_endpoint, open_metrics_endpoint, record_requests};
use crate::wiring::Services;

/// How long in-flight requests may run after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// Builds the whole HTTP application: the `/v1` API, its OpenAPI spec and Swagger UI,
/// the client area and the health probes, behind the body limit and the problem+json
/// converter, each request in a trace of its own.
pub fn app(services: Arc<Services>) -> impl Endpoint<Output = Response> {
    let api = api::service(&services);
    let generated = api.spec();
    let published = contract::publish(&generated, &services.contract_rules);
    let shapes = Arc::new(BodyShapes::from_spec(&published));
    let allowed = Arc::new(
        AllowedMethods::from_spec(&published)
            .with("/healthz", &["GET", "HEAD"])
            .with("/readyz", &["GET", "HEAD"])
            .with("/metrics", &["GET", "HEAD"]),
    );
    let docs = api.swagger_ui_html().replace(&generated, &published);
    let metrics = services.metrics.clone();
    let trusted: Arc<[Cidr]> = services.trusted_proxies.clone().into();
    let served = services.metrics_served;
    let routes = crate::web::mount(Route::new().nest("/", api))
        .at(
            "/openapi.json",
            get(make_sync(move |_| spec_json(&published))),
        )
        .at("/docs", get(make_sync(move |_| Html(docs.clone()))))
        .at("/healthz", get(healthz))
        .at("/readyz", get(readyz));
    let routes = if served {
        routes.at("/metrics", get(metrics_endpoint))
    } else {
        routes
    };
    // Inside the metrics, so that they count the 422 a client is given.
    let routes = routes
        .data(services)
        .around(move |next, req| check_body_shape(next, req, shapes.clone()));
    let routes = if served {
        routes
            .around(move |next, req| record_requests(next, req, metrics.clone()))
            .boxed()
    } else {
        routes.boxed()
    };
    routes
        .around(limit_body)
        .around(move |next, req| problem_json(next, req, allowed.clone()))
        .around(move |next, req| trace_requests(next, req, trusted.clone()))
}

/// The published spec, as `application/json`.
fn spec_json(published: &str) -> Response {
    Response::builder()
        .content_type("application/json; charset=utf-8")
        .body(published.to_owned())
}

#[handler]
fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

#[handler]
async fn readyz(services: poem::web::Data<&Arc<Services>>) -> Response {
    if services.database.ping().await {
        Json(serde_json::json!({ "status": "ready" })).into_response()
    } else {
        render(problem(
            503,
            "not-ready",
            "Not ready",
            "The database is not reachable.",
        ))
    }
}

/// Serves until SIGTERM or Ctrl-C, then stops accepting connections and lets
/// in-flight requests finish.
/// The separate metrics listener's router: `GET /metrics` without a token, nothing else.
pub fn metrics_app(services: Arc<Services>) -> impl Endpoint<Output = Response> {
    let allowed = Arc::new(AllowedMethods::default().with("/metrics", &["GET", "HEAD"]));
    Route::new()
        .at("/metrics", get(open_metrics_endpoint))
        .data(services)
        .around(move |next, req| problem_json(next, req, allowed.clone()))
}

/// Serves [`metrics_app`] on `listen` until `stop` turns true.
pub async fn serve_metrics(
    services: Arc<Services>,
    listen: std::net::SocketAddr,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> std::io::Result<()> {
    tracing::info!(%listen, "serving metrics");
    let stopped = async move {
        while !*stop.borrow() {
            if stop.changed().await.is_err() {
                break;
            }
        }
    };
    poem::Server::new(TcpListener::bind(listen))
        .run_with_graceful_shutdown(metrics_app(services), stopped, Some(SHUTDOWN_GRACE))
        .await
}

pub async fn serve(services: Arc<Services>, listen: std::net::SocketAddr) -> std::io::Result<()> {
    tracing::info!(%listen, "listening");
    poem::Server::new(TcpListener::bind(listen))
        .run_with_graceful_shutdown(app(services), shutdown_signal(), Some(SHUTDOWN_GRACE))
        .await
        // "Address already in use" alone does not say which address.
        .map_err(|error| std::io::Error::new(error.kind(), format!("{listen}: {error}")))
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
