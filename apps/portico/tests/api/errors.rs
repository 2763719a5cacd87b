//! Malformed input of every kind gets problem+json, never plain text or a 500.

use poem::Body;
use poem::http::Method;
use serde_json::{Value, json};

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
    raw(
        app,
        Method::POST,
        "/v1/accounts",
        "application/json",
        Body::from_string("[1, 2]".into()),
    )
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

async fn every_missing_unknown_or_mistyped_field_is_named_in_one_422(app: &TestApp) {
    let mut body = registration("ada");
    body["username"] = json!({ "nested": true });
    body["first_name"] = json!(false);
    body["last_name"] = Value::Null;
    body["is_admin"] = json!(true);
    body.as_object_mut().unwrap().remove("email");

    let reply = app.post("/v1/accounts", None, body).await;

    reply.expect_invalid_fields(&["username", "first_name", "last_name", "is_admin", "email"]);
    let errors = reply.json()["errors"].clone();
    let message = |field: &str| {
        errors
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == field)
            .map(|e| e["message"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(message("email"), "this field is required");
    assert_eq!(message("first_name"), "must be a string, not a boolean");
    assert_eq!(message("last_name"), "cannot be null");
    assert_eq!(message("is_admin"), "is not a field of this request");
    // A nested object's fields are named by their path.
    let token = app.signed_up("bob").await;
    app.post(
        "/v1/me/delegates",
        Some(&token),
        json!({ "email": "carol@example.com", "scope": { "products": [1] } }),
    )
    .await
    .expect_invalid_fields(&["scope.products[0]"]);
    // Nothing was created by the first answer.
    app.register("ada").await.expect(201);
}
on_both_engines!(
    field_shapes,
    super::every_missing_unknown_or_mistyped_field_is_named_in_one_422
);

async fn a_bad_body_without_a_token_is_told_to_log_in_first(app: &TestApp) {
    app.post("/v1/me/emails", None, json!({ "address": 42 }))
        .await
        .expect_problem(401, "unauthenticated");
    app.post("/v1/platform/mail/bounces", None, json!({ "reason": 1 }))
        .await
        .expect_problem(401, "unauthenticated");
}
on_both_engines!(
    bad_body_without_token,
    super::a_bad_body_without_a_token_is_told_to_log_in_first
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
