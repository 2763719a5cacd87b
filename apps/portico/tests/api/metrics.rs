//! `GET /metrics`: refused without the platform token, absent from the public spec,
//! and counting what the server did.

use poem::http::Method;

use portico::wiring::DomainSettings;

use crate::support::{
    PLATFORM_TOKEN, Reply, TestApp, build_with, on_both_engines, read, send, settings,
};

/// The metrics text, fetched with the platform token.
async fn scrape(app: &TestApp) -> String {
    let reply = app.get("/metrics", PLATFORM_TOKEN).await;
    reply.expect(200);
    assert!(
        reply
            .content_type
            .starts_with("application/openmetrics-text"),
        "{}",
        reply.content_type
    );
    String::from_utf8(reply.body.clone()).unwrap()
}

/// The value of the sample line that starts with `series` (name and labels).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

/// `GET /metrics` with the platform token, on a router over the app's database built
/// with changed settings.
async fn scrape_with(app: &TestApp, change: impl FnOnce(&mut DomainSettings)) -> Reply {
    let mut changed = settings();
    change(&mut changed);
    let (client, _) = build_with(app.database(), app.clock.clone(), &app.smtp_url(), changed);
    send(&client, Method::GET, "/metrics", Some(PLATFORM_TOKEN), None).await
}

async fn the_metrics_are_refused_without_the_platform_token(app: &TestApp) {
    app.call(Method::GET, "/metrics", None, None)
        .await
        .expect_problem(401, "unauthenticated");
    app.get("/metrics", "not-the-platform-token")
        .await
        .expect_problem(401, "unauthenticated");
    let session = app.signed_up("ada").await;
    app.get("/metrics", &session)
        .await
        .expect_problem(401, "unauthenticated");

    scrape_with(app, |settings| settings.platform_token = None)
        .await
        .expect_problem(404, "platform-disabled");
    scrape_with(app, |settings| settings.metrics = false)
        .await
        .expect_problem(404, "not-found");

    let spec = app
        .call(Method::GET, "/openapi.json", None, None)
        .await
        .json();
    assert!(
        spec["paths"].get("/metrics").is_none(),
        "not in the public spec"
    );
}
on_both_engines!(
    guard,
    super::the_metrics_are_refused_without_the_platform_token
);

async fn requests_logins_and_the_outbox_are_counted(app: &TestApp) {
    let before = scrape(app).await;
    let profile =
        r#"portico_http_requests_total{method="GET",route="/v1/me/profile",status="200"}"#;
    assert_eq!(sample(&before, profile), None);

    let session = app.signed_up("ada").await;
    app.get("/v1/me/profile", &session).await.expect(200);
    app.get("/v1/me/profile", &session).await.expect(200);
    app.login("ada", "wrong password").await.expect(401);
    let after = scrape(app).await;

    assert_eq!(sample(&after, profile), Some(2.0), "{after}");
    assert_eq!(
        sample(
            &after,
            r#"portico_http_request_duration_seconds_count{method="GET",route="/v1/me/profile",status="200"}"#
        ),
        Some(2.0)
    );
    assert_eq!(
        sample(&after, r#"portico_logins_total{outcome="succeeded"}"#),
        Some(1.0)
    );
    assert_eq!(
        sample(&after, r#"portico_logins_total{outcome="refused"}"#),
        Some(1.0)
    );
    // The welcome mail of the registration waits in the outbox.
    assert_eq!(sample(&after, "portico_outbox_queued_messages"), Some(1.0));
    app.clock.advance(time::Duration::seconds(90));
    let later = scrape(app).await;
    assert_eq!(
        sample(&later, "portico_outbox_oldest_queued_age_seconds"),
        Some(90.0),
        "{later}"
    );
    assert_eq!(sample(&after, "portico_password_hashes_waiting"), Some(0.0));
    // Whole 19 MiB blocks, kept for a few seconds after the login's hash.
    let hashing_memory = sample(&after, "portico_password_hashing_memory_bytes").unwrap();
    assert!(hashing_memory > 0.0, "{after}");
    assert_eq!(hashing_memory % (19_456.0 * 1024.0), 0.0, "{after}");
    assert!(
        after.contains(r#"portico_database_connections{pool="writer",state="idle"}"#),
        "{after}"
    );

    app.get("/no/such/path", &session).await.expect(404);
    assert_eq!(
        sample(
            &scrape(app).await,
            r#"portico_http_requests_total{method="GET",route="unmatched",status="404"}"#
        ),
        Some(1.0)
    );

    app.deliver().await;
    assert_eq!(
        sample(&scrape(app).await, "portico_outbox_queued_messages"),
        Some(0.0)
    );
}
on_both_engines!(counting, super::requests_logins_and_the_outbox_are_counted);

async fn a_throttled_request_is_counted_under_its_route(app: &TestApp) {
    app.signed_up("ada").await;
    let mut throttled = false;
    for _ in 0..40 {
        let reply = app.login("ada", "wrong password").await;
        if reply.status.as_u16() == 429 {
            throttled = true;
            break;
        }
    }
    assert!(throttled, "the login counter never refused");
    let text = scrape(app).await;
    assert!(
        sample(
            &text,
            r#"portico_throttle_refusals_total{route="/v1/sessions"}"#
        )
        .is_some_and(|n| n >= 1.0),
        "{text}"
    );
    assert!(
        sample(&text, r#"portico_logins_total{outcome="throttled"}"#).is_some_and(|n| n >= 1.0)
    );
}
on_both_engines!(
    throttled,
    super::a_throttled_request_is_counted_under_its_route
);

async fn the_separate_metrics_listener_needs_no_token_and_serves_nothing_else(app: &TestApp) {
    let session = app.signed_up("ada").await;
    app.get("/v1/me/profile", &session).await.expect(200);
    let internal = poem::test::TestClient::new(portico::server::metrics_app(app.services.clone()));

    let reply = send(&internal, Method::GET, "/metrics", None, None).await;
    reply.expect(200);
    let text = String::from_utf8(reply.body.clone()).unwrap();
    assert_eq!(
        sample(
            &text,
            r#"portico_http_requests_total{method="GET",route="/v1/me/profile",status="200"}"#
        ),
        Some(1.0),
        "the same registry as the main listener"
    );
    // Read as is: this listener serves no part of the published contract.
    let request = internal
        .get("/v1/me/profile")
        .header("authorization", format!("Bearer {session}"));
    read(request.send().await.0)
        .await
        .expect_problem(404, "not-found");
}
on_both_engines!(
    internal_listener,
    super::the_separate_metrics_listener_needs_no_token_and_serves_nothing_else
);
