//! Metrics in the Prometheus exposition format, for the operator's monitoring.
//!
//! One [`Metrics`] per server (no global registry, so several servers in one
//! process, as in the tests, count apart). Counters and histograms are updated as
//! requests, logins and delivery rounds happen; the gauges of state kept elsewhere
//! (hashes waiting, the outbox queue, database connections) are read when scraped.
//! `GET /metrics` is guarded by the platform token and is not in the OpenAPI spec.

mod endpoint;
mod middleware;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

pub use endpoint::{metrics_endpoint, open_metrics_endpoint};
pub use middleware::record_requests;

/// What a request is counted under: its route template (never the raw path, whose
/// ids would make a series per resource), method and status.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: &'static str,
    pub route: String,
    pub status: u16,
}

/// How a login ended.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub enum LoginOutcome {
    /// A full session.
    Succeeded,
    /// The password was right; the second factor is still to come.
    SecondFactorRequired,
    /// Wrong login or password, or an address off the account's whitelist.
    Refused,
    /// Refused by a failure counter before the password was checked.
    Throttled,
    /// Storage or hashing failed.
    Error,
}

impl LoginOutcome {
    fn label(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::SecondFactorRequired => "second_factor_required",
            Self::Refused => "refused",
            Self::Throttled => "throttled",
            Self::Error => "error",
        }
    }
}

/// `outcome="..."`, of a login or of a delivery attempt (`sent`, `retried`,
/// `failed`).
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: String,
    state: String,
}

/// Request latencies from 0.25 ms to about 4 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_25, 2.0, 15))
}

/// Every metric Portico exposes, and the registry that names them.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RequestLabels, Histogram, fn() -> Histogram>,
    throttled: Family<RouteLabels, Counter>,
    logins: Family<OutcomeLabels, Counter>,
    deliveries: Family<OutcomeLabels, Counter>,
    hashes_waiting: Gauge,
    hashing_memory: Gauge,
    outbox_queued: Gauge,
    outbox_oldest_age: Gauge<f64, AtomicU64>,
    connections: Family<PoolLabels, Gauge>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A registry with every metric at zero.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("portico");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template, method and status",
            requests.clone(),
        );
        let durations = Family::<RequestLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's arrival to its answer",
            durations.clone(),
        );
        let throttled = Family::<RouteLabels, Counter>::default();
        registry.register(
            "throttle_refusals",
            "Requests answered 429 by a failure counter or a rate limit, by route template",
            throttled.clone(),
        );
        let logins = Family::<OutcomeLabels, Counter>::default();
        registry.register("logins", "Login attempts by outcome", logins.clone());
        let deliveries = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "mail_deliveries",
            "Delivery attempts of the outbox worker in this process, by outcome (a message \
             sent but not recorded, and sent again after its lease, counts twice)",
            deliveries.clone(),
        );
        let hashes_waiting = Gauge::default();
        registry.register(
            "password_hashes_waiting",
            "Password hashes queued behind the busy hashing threads",
            hashes_waiting.clone(),
        );
        let hashing_memory = Gauge::default();
        registry.register(
            "password_hashing_memory_bytes",
            "Memory the hashing threads hold, in use or kept for the next hash",
            hashing_memory.clone(),
        );
        let outbox_queued = Gauge::default();
        registry.register(
            "outbox_queued_messages",
            "Messages queued for delivery (due or waiting for a retry)",
            outbox_queued.clone(),
        );
        let outbox_oldest_age = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "outbox_oldest_queued_age_seconds",
            "Age of the oldest queued message (0 when none is queued)",
            outbox_oldest_age.clone(),
        );
        let connections = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "database_connections",
            "Database connections open, by pool and state (in_use or idle)",
            connections.clone(),
        );
        Self {
            registry,
            requests,
            durations,
            throttled,
            logins,
            deliveries,
            hashes_waiting,
            hashing_memory,
            outbox_queued,
            outbox_oldest_age,
            connections,
        }
    }

    /// Counts an answered request and its latency.
    pub fn record_request(&self, labels: RequestLabels, seconds: f64) {
        if labels.status == 429 {
            self.throttled
                .get_or_create(&RouteLabels {
                    route: labels.route.clone(),
                })
                .inc();
        }
        self.durations.get_or_create(&labels).observe(seconds);
        self.requests.get_or_create(&labels).inc();
    }

    /// Counts a login attempt.
    pub fn record_login(&self, outcome: LoginOutcome) {
        self.logins
            .get_or_create(&OutcomeLabels {
                outcome: outcome.label(),
            })
            .inc();
    }

    /// Counts a round of the outbox worker.
    pub fn record_delivery_round(&self, report: &portico_mail_log::DeliveryReport) {
        for (outcome, count) in [
            ("sent", report.sent),
            ("retried", report.retried),
            ("failed", report.failed),
        ] {
            if count > 0 {
                self.deliveries
                    .get_or_create(&OutcomeLabels { outcome })
                    .inc_by(u64::try_from(count).unwrap_or(u64::MAX));
            }
        }
    }
}
