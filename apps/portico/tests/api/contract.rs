//! The OpenAPI contract as a client generator reads it: every operation named once,
//! in verb-and-noun camel case, under one area's tag.

use std::collections::BTreeSet;

use portico::contract::spec_walk;
use portico_sea_orm::testing::Engine;
use serde_json::Value;

use crate::support::TestApp;

/// The areas the API is grouped by, one tag each.
const AREAS: [&str; 8] = [
    "Accounts",
    "Sessions",
    "Profile",
    "Security",
    "Delegates",
    "Affiliate",
    "Mail",
    "Platform",
];

/// The verbs an operation id may start with.
const VERBS: [&str; 28] = [
    "accept",
    "add",
    "change",
    "complete",
    "confirm",
    "create",
    "decide",
    "disable",
    "follow",
    "get",
    "invite",
    "join",
    "list",
    "log",
    "make",
    "mark",
    "reauthenticate",
    "record",
    "register",
    "remove",
    "renew",
    "report",
    "request",
    "revoke",
    "set",
    "start",
    "update",
    "verify",
];

pub(crate) async fn spec() -> Value {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let spec = app
        .call(poem::http::Method::GET, "/openapi.json", None, None)
        .await;
    spec.expect(200);
    let spec = spec.json();
    app.finish().await;
    spec
}

/// Every operation of the spec, as (method, path, operation).
pub(crate) fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    spec_walk::operations(spec)
        .map(|(path, method, operation)| (method.to_owned(), path.to_owned(), operation.clone()))
        .collect()
}

/// The leading lower-case word of a camel-case id.
fn verb(id: &str) -> &str {
    let end = id
        .find(|c: char| c.is_ascii_uppercase())
        .unwrap_or(id.len());
    &id[..end]
}

#[tokio::test]
async fn every_operation_has_one_stable_verb_and_noun_id_and_one_area() {
    let spec = spec().await;
    let operations = operations(&spec);
    assert!(operations.len() >= 68, "{}", operations.len());
    let mut ids = BTreeSet::new();
    let mut faults = Vec::new();
    for (method, path, operation) in &operations {
        let id = operation["operationId"].as_str().unwrap_or_default();
        let camel = id.chars().all(|c| c.is_ascii_alphanumeric())
            && id.starts_with(|c: char| c.is_ascii_lowercase());
        if !camel || !VERBS.contains(&verb(id)) {
            faults.push(format!("{method} {path}: operationId {id:?}"));
        }
        if !ids.insert(id.to_owned()) {
            faults.push(format!("{method} {path}: operationId {id} used twice"));
        }
        let tags: Vec<&str> = operation["tags"]
            .as_array()
            .map(|tags| tags.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if tags.len() != 1 || !AREAS.contains(&tags[0]) {
            faults.push(format!("{method} {path}: tags {tags:?}"));
        }
    }
    assert!(faults.is_empty(), "{faults:#?}");
    for (method, path, id) in [
        ("post", "/v1/me/emails", "addEmailAddress"),
        ("post", "/v1/me/emails/{id}/verify", "verifyEmailAddress"),
        ("post", "/v1/sessions", "logIn"),
        ("get", "/r/{code}", "followReferralLink"),
    ] {
        assert_eq!(
            spec["paths"][path][method]["operationId"], id,
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn a_method_a_path_does_not_answer_is_a_405_naming_the_ones_it_does() {
    use poem::http::Method;
    let app = TestApp::spawn(Engine::Sqlite).await;
    for (method, path, allow) in [
        (Method::PUT, "/v1/accounts", "POST"),
        (Method::POST, "/v1/me/profile", "GET, HEAD, PATCH"),
        (
            Method::GET,
            "/v1/me/phones/0190a6b2-0000-7000-8000-000000000000",
            "DELETE, PATCH",
        ),
        (Method::POST, "/v1/sessions/current", "DELETE"),
        (Method::DELETE, "/healthz", "GET, HEAD"),
    ] {
        let reply = app.call(method.clone(), path, None, None).await;
        reply.expect_problem(405, "method-not-allowed");
        assert_eq!(reply.headers["allow"], allow, "{method} {path}");
    }
    // What `Allow` promises holds: a GET route answers HEAD.
    let head = app.call(Method::HEAD, "/healthz", None, None).await;
    head.expect(200);
    let head = app.call(Method::HEAD, "/v1/me/profile", None, None).await;
    assert_eq!(head.status.as_u16(), 401);
    app.finish().await;
}

#[tokio::test]
async fn every_field_that_may_be_null_says_so() {
    let spec = spec().await;
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    let lists: Vec<&String> = schemas
        .iter()
        .filter(|(_, schema)| schema["properties"]["next_cursor"].is_object())
        .map(|(name, _)| name)
        .collect();
    assert!(lists.len() >= 14, "{lists:?}");
    for name in lists {
        let cursor = &schemas[name]["properties"]["next_cursor"];
        assert_eq!(cursor["nullable"], true, "{name}: {cursor}");
    }
    // The fields whose `null` removes a value say they take one.
    for (schema, field) in [
        ("AddressPatch", "line2"),
        ("AddressPatch", "region"),
        ("PhonePatch", "label"),
    ] {
        let property = &schemas[schema]["properties"][field];
        assert_eq!(property["nullable"], true, "{schema}.{field}: {property}");
    }
}

#[tokio::test]
async fn a_request_without_a_token_is_told_which_token_to_send() {
    use poem::http::Method;
    let app = TestApp::spawn(Engine::Sqlite).await;

    let platform = app
        .call(Method::POST, "/v1/platform/mail/bounces", None, None)
        .await;
    let client = app.call(Method::GET, "/v1/me/profile", None, None).await;

    let platform = platform.expect_problem(401, "unauthenticated");
    let client = client.expect_problem(401, "unauthenticated");
    assert_eq!(
        platform["detail"],
        "Send the platform token as a Bearer token."
    );
    assert_eq!(
        client["detail"],
        "Log in and send the session token as a Bearer token."
    );
    app.finish().await;
}
