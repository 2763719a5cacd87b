//! A field whose type is a named closed set is written out in place.
//!
//! poem-openapi refers to such a set as `allOf: [{$ref}, {description}]` so that the
//! field keeps its own description; client generators take `allOf` as a mixing of
//! objects and cannot mix a string enum. The set's values, with the field's own
//! description, say the same in a form every generator reads.

use serde_json::{Map, Value};

use super::spec_walk::component_name;

/// The referenced schema of `allOf: [{$ref: X}, ...]` when X is a closed set.
fn referenced_enum<'a>(schemas: &'a Map<String, Value>, property: &Value) -> Option<&'a Value> {
    let parts = property["allOf"].as_array()?;
    let name = parts
        .iter()
        .find_map(|part| component_name(&part["$ref"]))?;
    let schema = schemas.get(name)?;
    schema["enum"].is_array().then_some(schema)
}

/// Writes every closed-set field out in place (see the module's doc).
pub fn inline_enum_properties(spec: &mut Value) {
    let Some(schemas) = spec["components"]["schemas"].as_object().cloned() else {
        return;
    };
    let Some(all) = spec["components"]["schemas"].as_object_mut() else {
        return;
    };
    for schema in all.values_mut() {
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for property in properties.values_mut() {
            if let Some(set) = referenced_enum(&schemas, property) {
                let mut inline = set.clone();
                inline["description"] = property["description"].clone();
                if let Some(fields) = inline.as_object_mut() {
                    fields.remove("title");
                    fields.retain(|_, value| !value.is_null());
                }
                *property = inline;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_closed_set_is_written_out_with_the_fields_description() {
        let mut spec = json!({"components": {"schemas": {
            "Effect": {"type": "string", "enum": ["a", "b"], "description": "The set."},
            "Outcome": {"type": "object", "properties": {
                "effect": {
                    "allOf": [{"$ref": "#/components/schemas/Effect"}, {"description": "Mine."}],
                    "description": "Mine."
                },
                "other": {"allOf": [{"$ref": "#/components/schemas/Thing"}]}
            }},
            "Thing": {"type": "object", "properties": {}}
        }}});

        inline_enum_properties(&mut spec);

        let outcome = &spec["components"]["schemas"]["Outcome"]["properties"];
        assert_eq!(
            outcome["effect"],
            json!({"type": "string", "enum": ["a", "b"], "description": "Mine."})
        );
        assert!(outcome["other"]["allOf"].is_array());
    }
}
