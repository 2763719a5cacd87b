//! Malformed input of every kind gets problem+json, never plain text or a 500.

use poem::Body;
use poem::http::Method;
use serde_json::json;

use crate::support::{TestApp, on_both_engines, raw, registration};

async fn unknown_routes_and_methods_are_problems(app: &TestApp) {
    app.call(Method::GET, "/v1/nothing-here", None, None)
        .await
        .expect_problem(404, "not-found");
    app.call(Method::PUT, "/v1/accounts", None, Some(json!({})))
        .await
        .expect_problem(405, "method-not-allowed");
}
on_both_engines!(routes, super::unknown_routes_and_methods_are_problems);

async fn malformed_bodies_are_400_problems_and_store_nothing(app: &TestApp) {
    raw(
        app,
        Method::POST,
        "/v1/accounts",
        "application/json",
        Body::from_string("{\"username\":".into()),
    )
    .await
    .expect_problem(400, "malformed-body");
    let mut wrong_type = registration("ada");
    wrong_type["username"] = json!({ "nested": true });
    app.post("/v1/accounts", None, wrong_type)
        .await
        .expect_problem(400, "malformed-body");
    let mut unknown_field = registration("ada");
    unknown_field["is_admin"] = json!(true);
    app.post("/v1/accounts", None, unknown_field)
        .await
        .expect_problem(400, "malformed-body");
    let body = serde_json::to_vec(&registration("ada")).unwrap();
    raw(
        app,
        Method::POST,
        "/v1/accounts",
        "text/plain",
        Body::from_vec(body),
    )
    .await
    .expect_problem(415, "unsupported-media-type");

    // None of the above created the account.
    app.register("ada").await.expect(201);
}
on_both_engines!(
    malformed,
    super::malformed_bodies_are_400_problems_and_store_nothing
);

async fn an_oversized_body_is_a_413_problem(app: &TestApp) {
    let mut huge = registration("ada");
    huge["first_name"] = json!("x".repeat(100_000));
    app.post("/v1/accounts", None, huge)
        .await
        .expect_problem(413, "payload-too-large");
}
on_both_engines!(oversized, super::an_oversized_body_is_a_413_problem);

async fn an_oversized_field_within_the_body_limit_is_a_422_naming_it(app: &TestApp) {
    let mut long = registration("ada");
    long["last_name"] = json!("x".repeat(5_000));
    app.post("/v1/accounts", None, long)
        .await
        .expect_invalid_fields(&["last_name"]);
}
on_both_engines!(
    oversized_field,
    super::an_oversized_field_within_the_body_limit_is_a_422_naming_it
);

async fn missing_or_bad_tokens_are_401_problems(app: &TestApp) {
    app.call(Method::GET, "/v1/me/profile", None, None)
        .await
        .expect_problem(401, "unauthenticated");
    app.get("/v1/me/profile", "not-a-token")
        .await
        .expect_problem(401, "unauthenticated");
    raw(
        app,
        Method::GET,
        "/v1/me/profile",
        "application/json",
        Body::empty(),
    )
    .await
    .expect_problem(401, "unauthenticated");
}
on_both_engines!(
    unauthenticated,
    super::missing_or_bad_tokens_are_401_problems
);

async fn bad_query_parameters_are_400_problems(app: &TestApp) {
    let token = app.signed_up("ada").await;
    app.get("/v1/me/phones?limit=lots", &token)
        .await
        .expect_problem(400, "invalid-parameter");
    app.get("/v1/me/phones?cursor=forged", &token)
        .await
        .expect_problem(400, "invalid-cursor");
}
on_both_engines!(query, super::bad_query_parameters_are_400_problems);
