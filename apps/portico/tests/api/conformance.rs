//! Every answer a test receives from an operation of the published contract is held
//! against `/openapi.json`: its status must be one the operation declares and a
//! problem's `type` one of the slugs declared for that status, and its body must match
//! the schema declared for it. So the whole suite fails the moment the code answers
//! something the spec does not say.
//!
//! With `PORTICO_RECORD_ANSWERS=<file>` set, every answer is appended to that file as
//! `operationId status slug` instead, to see what the suite exercises.

use std::io::Write;

use poem::Endpoint;
use poem::http::Method;
use poem::test::TestClient;
use portico::http::allowed_methods::AllowedMethods;
use serde_json::Value;
use tokio::sync::OnceCell;

use crate::support::Reply;
use portico::contract::schema_check::{Depth, faults, resolve};

/// The published spec and its path templates, read once per test binary.
struct Contract {
    spec: Value,
    templates: AllowedMethods,
}

static CONTRACT: OnceCell<Contract> = OnceCell::const_new();

async fn contract<E: Endpoint>(client: &TestClient<E>) -> &'static Contract {
    CONTRACT
        .get_or_init(|| async {
            let response = client.get("/openapi.json").send().await.0;
            let text = response.into_body().into_string().await.unwrap();
            Contract {
                templates: AllowedMethods::from_spec(&text),
                spec: serde_json::from_str(&text).unwrap(),
            }
        })
        .await
}

/// The problem `type` values an operation declares for a status, if it lists them.
pub(crate) fn declared_types(spec: &Value, answer: &Value) -> Option<Vec<String>> {
    let schema = resolve(
        spec,
        &answer["content"]["application/problem+json"]["schema"],
    );
    let types = resolve(spec, &schema["properties"]["type"])["enum"].as_array()?;
    Some(
        types
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
    )
}

/// Holds one answer against the contract (see the module's doc).
pub async fn check<E: Endpoint>(
    client: &TestClient<E>,
    method: &Method,
    path: &str,
    reply: &Reply,
) {
    let path = path.split('?').next().unwrap_or_default();
    if path == "/openapi.json" {
        return;
    }
    let contract = contract(client).await;
    let Some(template) = contract.templates.template(path) else {
        return;
    };
    let asked = if method == Method::HEAD {
        "get".to_owned()
    } else {
        method.as_str().to_ascii_lowercase()
    };
    let operation = &contract.spec["paths"][template][&asked];
    if operation.is_null() {
        return;
    }
    let id = operation["operationId"].as_str().unwrap_or(template);
    let status = reply.status.as_u16().to_string();
    let slug = if reply.content_type == "application/problem+json" {
        reply.json()["type"].as_str().unwrap_or_default().to_owned()
    } else {
        String::new()
    };
    if let Ok(file) = std::env::var("PORTICO_RECORD_ANSWERS") {
        let mut out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
            .unwrap();
        writeln!(out, "{id} {status} {slug} {path}").unwrap();
        return;
    }
    let answer = &operation["responses"][&status];
    assert!(
        !answer.is_null(),
        "{id} ({asked} {path}) answered {status}, which the spec does not declare: {}",
        String::from_utf8_lossy(&reply.body)
    );
    check_body(&contract.spec, answer, id, reply);
    if !slug.is_empty()
        && let Some(types) = declared_types(&contract.spec, answer)
    {
        assert!(
            types.contains(&slug),
            "{id} ({asked} {path}) answered {status} {slug}, which the spec does not declare (it lists {types:?})"
        );
    }
}

/// Holds a JSON body against the schema the answer declares for its media type.
fn check_body(spec: &Value, answer: &Value, id: &str, reply: &Reply) {
    let media = reply.content_type.split(';').next().unwrap_or_default();
    if reply.body.is_empty() || !media.ends_with("json") {
        return;
    }
    let declared = answer["content"].as_object().and_then(|content| {
        content
            .iter()
            .find(|(key, _)| key.split(';').next() == Some(media))
            .map(|(_, entry)| &entry["schema"])
    });
    let Some(schema) = declared else {
        panic!("{id} answered {media}, which the spec does not declare for that status");
    };
    let found = faults(spec, schema, &reply.json(), "", Depth::Full);
    assert!(
        found.is_empty(),
        "{id} answered a body its schema does not describe: {found:#?}\n{}",
        String::from_utf8_lossy(&reply.body)
    );
}
