use serde_json::Value;

use crate::support::{TestApp, on_both_engines};

async fn probes_spec_and_docs_answer(app: &TestApp) {
    let health = app
        .call(poem::http::Method::GET, "/healthz", None, None)
        .await;
    health.expect(200);
    let ready = app
        .call(poem::http::Method::GET, "/readyz", None, None)
        .await;
    ready.expect(200);
    assert_eq!(ready.json()["status"], "ready");

    let spec = app
        .call(poem::http::Method::GET, "/openapi.json", None, None)
        .await;
    spec.expect(200);
    let spec: Value = spec.json();
    for path in [
        "/v1/accounts",
        "/v1/sessions",
        "/v1/sessions/current",
        "/v1/sessions/{id}",
        "/v1/me/profile",
        "/v1/me/emails",
        "/v1/me/phones",
        "/v1/me/phones/{id}",
        "/v1/me/addresses",
        "/v1/me/addresses/{id}",
        "/v1/me/company",
    ] {
        assert!(
            spec["paths"][path].is_object(),
            "{path} missing from the spec"
        );
    }
    let docs = app.call(poem::http::Method::GET, "/docs", None, None).await;
    docs.expect(200);
    assert!(docs.content_type.starts_with("text/html"));
}
on_both_engines!(probes, super::probes_spec_and_docs_answer);
