//! Walking an OpenAPI document: its operations, and the schemas its references name.

use serde_json::Value;

/// The component a local reference names: `#/components/schemas/X` gives `X`.
pub fn component_name(reference: &Value) -> Option<&str> {
    reference.as_str()?.strip_prefix("#/components/schemas/")
}

/// Follows a local `$ref` (`#/components/...`), or returns the schema itself.
pub fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => reference
            .trim_start_matches("#/")
            .split('/')
            .fold(spec, |node, key| &node[key]),
        None => schema,
    }
}

/// Every operation, as (path template, method in lower case, operation).
pub fn operations(spec: &Value) -> impl Iterator<Item = (&str, &str, &Value)> {
    spec["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .map(move |(method, operation)| (path.as_str(), method.as_str(), operation))
        })
}

/// Every operation, to change.
pub fn operations_mut(spec: &mut Value) -> impl Iterator<Item = &mut Value> {
    spec.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn operations_and_references_are_found_where_the_document_puts_them() {
        let spec = json!({
            "paths": {"/a": {"get": {"operationId": "one"}, "post": {"operationId": "two"}}},
            "components": {"schemas": {"X": {"type": "string"}}}
        });

        let ids: Vec<(&str, &str)> = operations(&spec)
            .map(|(_, method, operation)| (method, operation["operationId"].as_str().unwrap()))
            .collect();
        assert_eq!(ids, [("get", "one"), ("post", "two")]);
        let reference = json!("#/components/schemas/X");
        assert_eq!(component_name(&reference), Some("X"));
        assert_eq!(
            resolve(&spec, &json!({"$ref": "#/components/schemas/X"}))["type"],
            "string"
        );
        assert!(operations(&json!({})).next().is_none());
    }
}
