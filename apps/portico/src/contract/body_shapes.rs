//! The request-body schema of each operation, read from the published spec once, so
//! that a body's shape can be checked against the same document clients read.

use std::collections::HashMap;

use serde_json::Value;

use super::schema_check::{Depth, Fault, faults};
use super::spec_walk::operations;
use crate::http::allowed_methods::AllowedMethods;

/// Each operation's body schema, by path template, then method.
#[derive(Debug, Default)]
pub struct BodyShapes {
    spec: Value,
    templates: AllowedMethods,
    schemas: HashMap<String, HashMap<String, Value>>,
}

impl BodyShapes {
    /// The body schemas of a spec's operations (JSON bodies only).
    pub fn from_spec(published: &str) -> Self {
        let Ok(spec) = serde_json::from_str::<Value>(published) else {
            return Self::default();
        };
        let mut schemas: HashMap<String, HashMap<String, Value>> = HashMap::new();
        for (path, method, operation) in operations(&spec) {
            let json = operation["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
                .find(|(media, _)| media.starts_with("application/json"));
            if let Some((_, content)) = json {
                schemas
                    .entry(path.to_owned())
                    .or_default()
                    .insert(method.to_ascii_uppercase(), content["schema"].clone());
            }
        }
        Self {
            templates: AllowedMethods::from_spec(published),
            spec,
            schemas,
        }
    }

    /// The body schema of the operation `method` on `path`; none for a route that
    /// takes no JSON body (whose body is then left unread).
    pub fn schema(&self, method: &str, path: &str) -> Option<&Value> {
        self.schemas
            .get(self.templates.template(path)?)?
            .get(method)
    }

    /// Every missing, unknown, mistyped or null field of `body`, by its `schema`.
    pub fn faults(&self, schema: &Value, body: &Value) -> Vec<Fault> {
        faults(&self.spec, schema, body, "", Depth::Shape)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SPEC: &str = r##"{
        "paths": {"/v1/things/{id}": {"put": {
            "requestBody": {"content": {"application/json; charset=utf-8": {
                "schema": {"$ref": "#/components/schemas/Thing"}
            }}}
        }}},
        "components": {"schemas": {"Thing": {
            "type": "object", "required": ["name"], "additionalProperties": false,
            "properties": {"name": {"type": "string"}, "size": {"type": "integer"}}
        }}}
    }"##;

    #[test]
    fn every_field_at_fault_is_named_and_other_routes_are_left_alone() {
        let shapes = BodyShapes::from_spec(SPEC);

        let schema = shapes.schema("PUT", "/v1/things/42").unwrap();
        let found = shapes.faults(schema, &json!({"size": "big", "colour": 1}));

        let named: Vec<&str> = found.iter().map(|fault| fault.at.as_str()).collect();
        assert_eq!(named, ["name", "colour", "size"]);
        assert!(shapes.faults(schema, &json!({"name": "x"})).is_empty());
        assert!(shapes.schema("POST", "/v1/things/42").is_none());
        assert!(shapes.schema("PUT", "/v1/other").is_none());
    }
}
