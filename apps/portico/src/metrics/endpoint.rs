//! `GET /metrics`: the text exposition, for the platform token only.

use std::sync::Arc;

use poem::http::{StatusCode, header};
use poem::web::Data;
use poem::web::headers::HeaderMapExt;
use poem::web::headers::authorization::{Authorization, Bearer};
use poem::{Request, Response, handler};
use prometheus_client::encoding::text::encode;

use super::{Metrics, PoolLabels};
use crate::http::platform_auth::platform_refusal;
use crate::http::problem::problem;
use crate::http::problem_middleware::render;
use crate::wiring::Services;

/// The content type of the OpenMetrics text format, which Prometheus scrapes.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Answers the metrics to a request bearing the platform token: 404 while the
/// platform token is unset (as the platform API), 401 without the right token.
#[handler]
pub async fn metrics_endpoint(req: &Request, services: Data<&Arc<Services>>) -> Response {
    let given = req.headers().typed_get::<Authorization<Bearer>>();
    if let Some(refusal) = platform_refusal(Some(&services), given.as_ref().map(|a| a.token())) {
        let unauthenticated = refusal.status == 401;
        let mut answer = render(refusal);
        if unauthenticated {
            answer.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        return answer;
    }
    exposition(&services).await
}

/// Answers the metrics to anyone: the endpoint of the separate metrics listener
/// (`PORTICO_METRICS_LISTEN`), which the operator binds to an internal address.
#[handler]
pub async fn open_metrics_endpoint(services: Data<&Arc<Services>>) -> Response {
    exposition(&services).await
}

/// The metrics as text, gauges read now.
async fn exposition(services: &Services) -> Response {
    services.metrics.refresh(services).await;
    let mut text = String::new();
    if let Err(error) = encode(&mut text, &services.metrics.registry) {
        tracing::error!(%error, "the metrics could not be written");
        return render(problem(
            500,
            "internal",
            "Internal server error",
            "The metrics could not be written.",
        ));
    }
    Response::builder()
        .status(StatusCode::OK)
        .content_type(OPENMETRICS)
        .body(text)
}

impl Metrics {
    /// Reads the gauges of state kept elsewhere. A failed outbox query leaves its
    /// gauges at their last values (and is logged) rather than failing the scrape.
    async fn refresh(&self, services: &Services) {
        self.hashes_waiting
            .set(i64::try_from(services.hasher.waiting()).unwrap_or(i64::MAX));
        self.hashing_memory
            .set(i64::try_from(services.hasher.memory_held()).unwrap_or(i64::MAX));
        match services.delivery.backlog().await {
            Ok(backlog) => {
                self.outbox_queued
                    .set(i64::try_from(backlog.queued).unwrap_or(i64::MAX));
                let now = services.clock.now();
                let age = backlog
                    .oldest_queued_at
                    .map_or(0.0, |oldest| (now - oldest).as_seconds_f64().max(0.0));
                self.outbox_oldest_age.set(age);
            }
            Err(error) => tracing::warn!(%error, "cannot read the outbox backlog for metrics"),
        }
        for usage in services.database.pool_usage() {
            for (state, count) in [
                ("in_use", usage.in_use),
                ("idle", usage.open.saturating_sub(usage.in_use)),
            ] {
                self.connections
                    .get_or_create(&PoolLabels {
                        pool: usage.pool.to_owned(),
                        state: state.to_owned(),
                    })
                    .set(i64::from(count));
            }
        }
    }
}
