//! The contract's answers as a client generator reads them: each operation described
//! in its own words, listing only what it can answer, with problem types a client can
//! branch on, closed request bodies, and no word of the language Portico is written in.

use std::collections::BTreeMap;

use poem::http::Method;
use portico::contract::ConfiguredRules;
use portico::contract::field_facts::{field_facts, state_field_facts};
use portico::contract::operation_problems::declared;
use portico_sea_orm::testing::Engine;
use serde_json::Value;

use crate::conformance::declared_types;
use crate::contract::{operations, spec};
use crate::support::TestApp;

#[tokio::test]
async fn every_operation_has_a_summary_a_description_and_answers_of_its_own() {
    let spec = spec().await;
    let mut success_descriptions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut faults = Vec::new();
    for (method, path, operation) in operations(&spec) {
        let id = operation["operationId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let summary = operation["summary"].as_str().unwrap_or_default();
        let description = operation["description"].as_str().unwrap_or_default();
        if summary.is_empty() || description.len() <= summary.len() {
            faults.push(format!(
                "{method} {path}: summary {summary:?}, description {description:?}"
            ));
        }
        let successes: Vec<(&String, &Value)> = operation["responses"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(status, _)| status.starts_with('2') || status.starts_with('3'))
            .collect();
        if successes.len() != 1 {
            faults.push(format!("{id}: {} success answers", successes.len()));
        }
        for (status, answer) in successes {
            let text = format!(
                "{status} {}",
                answer["description"].as_str().unwrap_or_default()
            );
            success_descriptions
                .entry(text)
                .or_default()
                .push(id.clone());
        }
    }
    for (text, ids) in success_descriptions {
        if ids.len() > 1 {
            faults.push(format!("{ids:?} share the answer {text:?}"));
        }
    }
    assert!(faults.is_empty(), "{faults:#?}");
}

/// The `type` values a problem answer declares.
fn problem_types(spec: &Value, answer: &Value) -> Vec<String> {
    declared_types(spec, answer).unwrap_or_default()
}

#[tokio::test]
async fn every_error_answer_lists_the_problem_types_of_that_operation() {
    let spec = spec().await;
    let mut faults = Vec::new();
    for (method, path, operation) in operations(&spec) {
        for (status, answer) in operation["responses"].as_object().unwrap() {
            if !(status.starts_with('4') || status.starts_with('5')) {
                continue;
            }
            let types = problem_types(&spec, answer);
            if types.is_empty() {
                faults.push(format!("{method} {path} {status}: no problem types"));
            }
            for urn in &types {
                let slug = urn.trim_start_matches("urn:portico:problem:");
                let described = answer["description"].as_str().unwrap_or_default();
                if !described.contains(&format!("`{slug}`")) {
                    faults.push(format!("{method} {path} {status}: {slug} not described"));
                }
            }
            if status == "429" && answer["headers"]["Retry-After"]["required"] != true {
                faults.push(format!("{method} {path}: 429 without Retry-After"));
            }
        }
    }
    assert!(faults.is_empty(), "{faults:#?}");

    let answers = |path: &str, method: &str| -> Vec<String> {
        spec["paths"][path][method]["responses"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    // Registration and a referral link need no token: no 401 or 403.
    assert_eq!(
        answers("/v1/accounts", "post"),
        ["201", "400", "409", "413", "415", "422", "429", "500"]
    );
    assert_eq!(answers("/r/{code}", "get"), ["302", "404", "413", "500"]);
    let conflicts = problem_types(
        &spec,
        &spec["paths"]["/v1/me/emails/{id}"]["delete"]["responses"]["409"],
    );
    assert_eq!(
        conflicts,
        [
            "urn:portico:problem:primary-email",
            "urn:portico:problem:last-verified-email"
        ]
    );
}

#[tokio::test]
async fn every_declared_operation_exists() {
    let spec = spec().await;
    let ids: Vec<String> = operations(&spec)
        .iter()
        .filter_map(|(_, _, operation)| operation["operationId"].as_str().map(str::to_owned))
        .collect();
    for declaration in declared() {
        assert!(
            ids.iter().any(|id| id == declaration.operation),
            "{} is declared but no operation has that id",
            declaration.operation
        );
    }
}

#[tokio::test]
async fn request_bodies_are_closed() {
    let spec = spec().await;
    let mut faults = Vec::new();
    for (method, path, operation) in operations(&spec) {
        let Some(content) = operation["requestBody"]["content"].as_object() else {
            continue;
        };
        for body in content.values() {
            let name = body["schema"]["$ref"]
                .as_str()
                .unwrap_or_default()
                .trim_start_matches("#/components/schemas/");
            if spec["components"]["schemas"][name]["additionalProperties"] != false {
                faults.push(format!("{method} {path}: {name} is open"));
            }
        }
    }
    assert!(faults.is_empty(), "{faults:#?}");
}

/// Every `description` and `summary` in a part of the spec, with where it is.
fn texts(node: &Value, at: &str, found: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                let here = format!("{at}/{key}");
                match (key.as_str(), value) {
                    ("description" | "summary", Value::String(text)) => {
                        found.push((here, text.clone()));
                    }
                    _ => texts(value, &here, found),
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                texts(item, &format!("{at}/{index}"), found);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn no_description_speaks_of_the_implementation() {
    let spec = spec().await;
    let mut found = Vec::new();
    texts(&spec, "", &mut found);
    let words = [
        "Debug", "Option", "Vec<", "String", "struct", "impl ", "None", "Some(", "u64", "i64",
        "crate::", "Self::", "`Self`", "[`", "unwrap", "Rust", "serde", "poem",
    ];
    let faults: Vec<String> = found
        .iter()
        .filter(|(_, text)| words.iter().any(|word| text.contains(word)))
        .map(|(at, text)| format!("{at}: {text}"))
        .collect();
    assert!(faults.is_empty(), "{faults:#?}");
}

#[tokio::test]
async fn the_spec_names_this_server_and_the_docs_show_the_same_spec() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let spec = app.call(Method::GET, "/openapi.json", None, None).await;
    spec.expect(200);
    assert_eq!(spec.json()["servers"][0]["url"], "https://portal.example");
    let docs = app.call(Method::GET, "/docs", None, None).await;
    docs.expect(200);
    let page = String::from_utf8_lossy(&docs.body);
    assert!(
        page.contains("AddEmailAddressProblem409"),
        "the docs show another spec"
    );
    app.finish().await;
}

#[tokio::test]
async fn every_field_rule_names_a_field_of_the_spec() {
    let mut spec = spec().await;
    let configured = ConfiguredRules {
        password_min_chars: 8,
        landing_url_pattern: "^https://portal\\.example/.*$".into(),
    };
    let unknown = state_field_facts(&mut spec, &field_facts(&configured));
    assert!(
        unknown.is_empty(),
        "rules about fields the spec lacks: {unknown:#?}"
    );
}

#[tokio::test]
async fn the_spec_states_what_the_domain_enforces() {
    let spec = spec().await;
    let schemas = &spec["components"]["schemas"];
    let register = &schemas["RegisterRequest"]["properties"];
    assert_eq!(register["password"]["maxLength"], 128);
    assert_eq!(register["password"]["minLength"], 8);
    assert_eq!(register["referral_code"]["maxLength"], 64);
    let first_name = register["first_name"]["pattern"].as_str().unwrap();
    assert!(first_name.contains("{0,98}"), "{first_name}");
    assert_eq!(register["email"]["format"], "email");
    let username = register["username"]["pattern"].as_str().unwrap();
    assert!(
        username.contains("[A-Za-z0-9][A-Za-z0-9._-]{1,30}[A-Za-z0-9]"),
        "{username}"
    );
    let landing = schemas["NewLink"]["properties"]["landing_url"]["pattern"]
        .as_str()
        .unwrap();
    assert!(
        landing.contains("[Pp][Oo][Rr][Tt][Aa][Ll]\\.[Ee][Xx][Aa][Mm][Pp][Ll][Ee]|[Ss][Hh]"),
        "{landing}"
    );
    assert_eq!(
        schemas["MessageItem"]["properties"]["status"]["enum"],
        serde_json::json!(["queued", "sent", "failed", "bounced"])
    );
    let kinds = schemas["SecurityEventItem"]["properties"]["kind"]["enum"]
        .as_array()
        .unwrap();
    assert_eq!(kinds.len(), 33);
    assert_eq!(schemas["EmailItem"]["properties"]["id"]["format"], "uuid");
    assert_eq!(
        schemas["EmailItem"]["properties"]["created_at"]["format"],
        "date-time"
    );
    assert!(
        schemas["CompanyBody"]["properties"]["tax_id"]
            .get("format")
            .is_none()
    );
    assert!(
        schemas["ProductBody"]["properties"]["id"]
            .get("format")
            .is_none()
    );
    let message_path = &spec["paths"]["/v1/me/messages/{id}"]["get"]["parameters"][0];
    assert_eq!(message_path["schema"]["format"], "uuid");
}

/// Where a `null` sits in a part of the spec, if anywhere.
fn first_null(node: &Value, at: &str) -> Option<String> {
    match node {
        Value::Null => Some(at.to_owned()),
        // An example is a value, where null means what it means in a request.
        Value::Object(map) => map
            .iter()
            .filter(|(key, _)| key.as_str() != "example")
            .find_map(|(key, value)| first_null(value, &format!("{at}/{key}"))),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, item)| first_null(item, &format!("{at}/{index}"))),
        _ => None,
    }
}

#[tokio::test]
async fn the_spec_holds_no_null_where_a_schema_or_list_belongs() {
    let mut spec = spec().await;
    // A nullable field with a closed set lists null among its values (OpenAPI 3.0).
    let country = &mut spec["components"]["schemas"]["AddressPatch"]["properties"]["country"];
    let values = country["enum"].as_array_mut().unwrap();
    assert_eq!(values.pop(), Some(Value::Null));
    assert_eq!(first_null(&spec, ""), None);
}

#[tokio::test]
async fn every_pattern_of_the_spec_compiles() {
    let spec = spec().await;
    let mut patterns = Vec::new();
    collect_patterns(&spec, &mut patterns);
    assert!(patterns.len() > 20, "{}", patterns.len());
    for pattern in patterns {
        assert!(regex::Regex::new(&pattern).is_ok(), "{pattern}");
    }
}

/// Every `pattern` string in a part of the spec.
fn collect_patterns(node: &Value, found: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("pattern", Value::String(pattern)) => found.push(pattern.clone()),
                    _ => collect_patterns(value, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_patterns(item, found)),
        _ => {}
    }
}

#[tokio::test]
async fn a_bad_body_never_answers_before_authentication() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let spec = app
        .call(Method::GET, "/openapi.json", None, None)
        .await
        .json();
    let mut checked = 0;
    for (method, path, operation) in operations(&spec) {
        if operation["requestBody"].is_null() || operation["security"].is_null() {
            continue;
        }
        let concrete = path
            .replace("{id}", "0190a6b2-0000-7000-8000-000000000000")
            .replace("{product_id}", "vps-17");
        let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
        let reply = app
            .call(
                method.clone(),
                &concrete,
                None,
                Some(serde_json::json!({ "not_a_field": 1 })),
            )
            .await;
        assert_eq!(
            reply.status.as_u16(),
            401,
            "{method} {path}: {:?}",
            reply.json()
        );
        checked += 1;
    }
    assert!(checked >= 25, "{checked}");
    app.finish().await;
}

#[tokio::test]
async fn every_request_body_and_main_answer_has_an_example_its_schema_accepts() {
    use portico::contract::schema_check::{Depth, faults};
    let spec = spec().await;
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    let mut faulty = Vec::new();
    for (method, path, operation) in operations(&spec) {
        let body =
            &operation["requestBody"]["content"]["application/json; charset=utf-8"]["schema"];
        if let Some(name) = body["$ref"].as_str() {
            let name = name.trim_start_matches("#/components/schemas/");
            if schemas[name].get("example").is_none() {
                faulty.push(format!("{method} {path}: {name} has no example"));
            }
        }
    }
    let mut examples = 0;
    for (name, schema) in schemas {
        let Some(example) = schema.get("example") else {
            continue;
        };
        examples += 1;
        let reference = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
        for fault in faults(&spec, &reference, example, "", Depth::Full) {
            faulty.push(format!("{name} example: {fault}"));
        }
    }
    assert!(faulty.is_empty(), "{faulty:#?}");
    assert!(examples >= 36, "{examples}");
}
