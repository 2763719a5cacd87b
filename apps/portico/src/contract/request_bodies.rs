//! Request bodies are closed: the server refuses a field it does not know (so that a
//! misspelt optional field is not silently ignored), and the spec says so with
//! `additionalProperties: false` on every object a request body is made of.

use std::collections::BTreeSet;

use serde_json::Value;

use super::spec_walk::{component_name, operations};

/// Adds the components a schema refers to, and those they refer to in turn.
fn collect_referenced(schemas: &Value, schema: &Value, found: &mut BTreeSet<String>) {
    if !schema.is_object() {
        return;
    }
    if let Some(name) = component_name(&schema["$ref"]) {
        if found.insert(name.to_owned()) {
            collect_referenced(schemas, &schemas[name], found);
        }
        return;
    }
    let nested = schema["properties"]
        .as_object()
        .into_iter()
        .flat_map(|properties| properties.values())
        .chain(std::iter::once(&schema["items"]))
        .chain(
            ["allOf", "oneOf", "anyOf"]
                .iter()
                .filter_map(|key| schema[*key].as_array())
                .flatten(),
        );
    for inner in nested {
        collect_referenced(schemas, inner, found);
    }
}

/// Marks every object schema a request body is made of as closed.
pub fn close_request_bodies(spec: &mut Value) {
    let mut closed = BTreeSet::new();
    let bodies = operations(spec)
        .filter_map(|(_, _, operation)| operation["requestBody"]["content"].as_object())
        .flat_map(|content| content.values());
    for body in bodies {
        collect_referenced(&spec["components"]["schemas"], &body["schema"], &mut closed);
    }
    for name in closed {
        let schema = &mut spec["components"]["schemas"][&name];
        if schema["type"] == "object" {
            schema["additionalProperties"] = Value::Bool(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_objects_a_body_is_made_of_are_closed_and_answers_are_not() {
        let mut spec = json!({
            "paths": {"/v1/things": {
                "post": {
                    "requestBody": {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/ThingRequest"}
                    }}},
                    "responses": {"201": {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Thing"}
                    }}}}
                }
            }},
            "components": {"schemas": {
                "ThingRequest": {"type": "object", "properties": {
                    "parts": {"type": "array", "items": {"$ref": "#/components/schemas/Part"}}
                }},
                "Part": {"type": "object", "properties": {}},
                "Thing": {"type": "object", "properties": {}}
            }}
        });

        close_request_bodies(&mut spec);

        let schemas = &spec["components"]["schemas"];
        assert_eq!(schemas["ThingRequest"]["additionalProperties"], false);
        assert_eq!(schemas["Part"]["additionalProperties"], false);
        assert!(schemas["Thing"].get("additionalProperties").is_none());
    }
}
