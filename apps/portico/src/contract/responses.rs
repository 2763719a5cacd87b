//! Each operation's own error answers: one response per status it can answer,
//! described by the problem types behind that status, with a problem schema whose
//! `type` lists exactly those (poem-openapi gives every operation the same generic
//! list, which tells a client nothing).

use std::collections::BTreeMap;

use poem::http::StatusCode;
use serde_json::{Map, Value, json};

use super::operation_problems::answerable;
use super::problem_types::{ProblemType, problem_type_of};
use super::spec_walk::operations_mut;

/// The generic problem schema poem-openapi derives from `Problem`.
const GENERIC_PROBLEM: &str = "Problem";

/// Replaces every operation's 4xx and 5xx answers by its own (see the module's doc).
pub fn own_problem_responses(spec: &mut Value) {
    let generic = spec["components"]["schemas"][GENERIC_PROBLEM].clone();
    let mut schemas = Map::new();
    for operation in operations_mut(spec) {
        let id = operation["operationId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let mut by_status: BTreeMap<u16, Vec<&ProblemType>> = BTreeMap::new();
        for known in answerable(&id, operation)
            .into_iter()
            .filter_map(problem_type_of)
        {
            by_status.entry(known.status).or_default().push(known);
        }
        let Some(responses) = operation["responses"].as_object_mut() else {
            continue;
        };
        responses.retain(|status, _| !status.starts_with('4') && !status.starts_with('5'));
        for (status, types) in by_status {
            let name = format!("{}Problem{status}", capitalised(&id));
            schemas.insert(
                name.clone(),
                problem_schema(&generic, &name, status, &types),
            );
            responses.insert(status.to_string(), problem_response(status, &types, &name));
        }
    }
    if let Some(components) = spec["components"]["schemas"].as_object_mut() {
        components.remove(GENERIC_PROBLEM);
        components.extend(schemas);
    }
}

/// `addEmailAddress` → `AddEmailAddress`.
fn capitalised(id: &str) -> String {
    let mut chars = id.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// The generic problem schema with `type` and `status` closed to this answer's values,
/// under its own title (generators name their types after it).
fn problem_schema(generic: &Value, name: &str, status: u16, types: &[&ProblemType]) -> Value {
    let mut schema = generic.clone();
    schema["title"] = json!(name);
    let urns: Vec<String> = types
        .iter()
        .map(|known| format!("urn:portico:problem:{}", known.slug))
        .collect();
    schema["properties"]["type"]["enum"] = json!(urns);
    schema["properties"]["status"]["enum"] = json!([status]);
    schema
}

/// The response object: its reason, then each problem type with when it happens; a
/// 429 also names its `Retry-After` header.
fn problem_response(status: u16, types: &[&ProblemType], schema: &str) -> Value {
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .unwrap_or("Error");
    let mut description = format!("{reason}.\n");
    for known in types {
        description.push_str(&format!("\n- `{}`: {}.", known.slug, known.meaning));
    }
    let mut response = json!({
        "description": description,
        "content": {
            "application/problem+json": {
                "schema": { "$ref": format!("#/components/schemas/{schema}") }
            }
        }
    });
    if status == 429 {
        response["headers"] = json!({
            "Retry-After": {
                "description": "How many seconds to wait before trying again.",
                "required": true,
                "schema": { "type": "integer", "minimum": 0 }
            }
        });
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_with(operation: Value) -> Value {
        json!({
            "paths": {"/v1/things": {"post": operation}},
            "components": {"schemas": {"Problem": {
                "type": "object",
                "properties": {"type": {"type": "string"}, "status": {"type": "integer"}}
            }}}
        })
    }

    #[test]
    fn an_operation_lists_only_the_statuses_and_types_it_can_answer() {
        let mut spec = spec_with(json!({
            "operationId": "addThing",
            "requestBody": {"content": {}},
            "responses": {
                "201": {"description": "Added."},
                "403": {"description": "Forbidden."},
                "409": {"description": "Conflict."}
            }
        }));

        own_problem_responses(&mut spec);

        let responses = spec["paths"]["/v1/things"]["post"]["responses"]
            .as_object()
            .unwrap();
        let statuses: Vec<&str> = responses.keys().map(String::as_str).collect();
        assert_eq!(statuses, ["201", "400", "413", "415", "422", "500"]);
        let schema = &spec["components"]["schemas"]["AddThingProblem400"];
        assert_eq!(
            schema["properties"]["type"]["enum"],
            json!(["urn:portico:problem:malformed-body"])
        );
        assert_eq!(schema["properties"]["status"]["enum"], json!([400]));
        assert!(spec["components"]["schemas"].get("Problem").is_none());
        assert!(
            responses["415"]["description"]
                .as_str()
                .unwrap()
                .contains("`unsupported-media-type`")
        );
    }

    #[test]
    fn a_429_names_its_retry_after_header() {
        let response = problem_response(
            429,
            &[problem_type_of("too-many-attempts").unwrap()],
            "LogInProblem429",
        );

        assert_eq!(response["headers"]["Retry-After"]["required"], true);
        assert!(
            response["description"]
                .as_str()
                .unwrap()
                .starts_with("Too Many Requests.")
        );
    }
}
