//! Checks a JSON value against an OpenAPI 3.0 schema of the published spec: the
//! subset the spec uses (`$ref`, `type`, `properties`, `required`, `nullable`,
//! `additionalProperties: false`, `items`, `enum`, `oneOf`/`anyOf`/`allOf`, lengths,
//! ranges, `pattern` and the formats `date-time`, `uuid`, `email` and `uri`).
//! Used on every answer the tests receive, so that a body the spec does not describe
//! fails the test that caused it.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

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

/// Every way `value`, found at `at`, departs from `schema`.
pub fn faults(spec: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let schema = resolve(spec, schema);
    let mut found = Vec::new();
    if value.is_null() {
        if schema["nullable"] != true && !schema.as_object().is_some_and(|s| s.is_empty()) {
            found.push(format!("{at}: null, not nullable"));
        }
        return found;
    }
    if let Some(all) = schema["allOf"].as_array() {
        for part in all {
            found.extend(faults(spec, part, value, at));
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(choices) = schema[key].as_array()
            && !choices
                .iter()
                .any(|choice| faults(spec, choice, value, at).is_empty())
        {
            found.push(format!("{at}: matches none of its {key}"));
        }
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        found.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    match (schema["type"].as_str(), value) {
        (None, _) => {}
        (Some("object"), Value::Object(object)) => {
            found.extend(object_faults(spec, schema, object, at));
        }
        (Some("array"), Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                found.extend(faults(
                    spec,
                    &schema["items"],
                    item,
                    &format!("{at}[{index}]"),
                ));
            }
        }
        (Some("string"), Value::String(text)) => found.extend(string_faults(schema, text, at)),
        (Some("integer"), Value::Number(number)) if number.is_i64() || number.is_u64() => {
            found.extend(range_faults(
                schema,
                number.as_f64().unwrap_or_default(),
                at,
            ));
        }
        (Some("number"), Value::Number(number)) => {
            found.extend(range_faults(
                schema,
                number.as_f64().unwrap_or_default(),
                at,
            ));
        }
        (Some("boolean"), Value::Bool(_)) => {}
        (Some(expected), other) => found.push(format!("{at}: {other} is not {expected}")),
    }
    found
}

fn object_faults(
    spec: &Value,
    schema: &Value,
    object: &serde_json::Map<String, Value>,
    at: &str,
) -> Vec<String> {
    let mut found = Vec::new();
    let properties = schema["properties"].as_object();
    for required in schema["required"].as_array().into_iter().flatten() {
        let name = required.as_str().unwrap_or_default();
        if !object.contains_key(name) {
            found.push(format!("{at}.{name}: required, missing"));
        }
    }
    for (name, field) in object {
        match properties.and_then(|all| all.get(name)) {
            Some(property) => found.extend(faults(spec, property, field, &format!("{at}.{name}"))),
            None if schema["additionalProperties"] == false => {
                found.push(format!("{at}.{name}: not in the schema"));
            }
            None => {}
        }
    }
    found
}

fn string_faults(schema: &Value, text: &str, at: &str) -> Vec<String> {
    let mut found = Vec::new();
    let length = text.chars().count() as u64;
    if schema["minLength"].as_u64().is_some_and(|min| length < min) {
        found.push(format!("{at}: {text:?} is shorter than minLength"));
    }
    if schema["maxLength"].as_u64().is_some_and(|max| length > max) {
        found.push(format!("{at}: {text:?} is longer than maxLength"));
    }
    if let Some(pattern) = schema["pattern"].as_str()
        && !regex::Regex::new(pattern)
            .map(|regex| regex.is_match(text))
            .unwrap_or(false)
    {
        found.push(format!("{at}: {text:?} does not match {pattern}"));
    }
    let well_formed = match schema["format"].as_str() {
        Some("date-time") => OffsetDateTime::parse(text, &Rfc3339).is_ok(),
        Some("uuid") => uuid_shaped(text),
        Some("email") => text
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty()),
        Some("uri") => text
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.is_empty()),
        _ => true,
    };
    if !well_formed {
        found.push(format!("{at}: {text:?} is not a {}", schema["format"]));
    }
    found
}

/// `8-4-4-4-12` hexadecimal digits.
fn uuid_shaped(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|group| group.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|group| group.chars().all(|c| c.is_ascii_hexdigit()))
}

fn range_faults(schema: &Value, number: f64, at: &str) -> Vec<String> {
    let mut found = Vec::new();
    if schema["minimum"].as_f64().is_some_and(|min| number < min) {
        found.push(format!("{at}: {number} is below the minimum"));
    }
    if schema["maximum"].as_f64().is_some_and(|max| number > max) {
        found.push(format!("{at}: {number} is above the maximum"));
    }
    found
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::faults;

    #[test]
    fn a_body_that_departs_from_its_schema_is_named_at_each_fault() {
        let spec = json!({"components": {"schemas": {"Item": {
            "type": "object",
            "required": ["id", "status"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "status": {"type": "string", "enum": ["sent", "failed"]},
                "at": {"type": "string", "format": "date-time"},
                "next": {"type": "string", "nullable": true},
                "name": {"type": "string", "maxLength": 3, "pattern": "^[a-z]+$"}
            }
        }}}});
        let schema = json!({"$ref": "#/components/schemas/Item"});

        let good = json!({"id": "0190a6b2-0000-7000-8000-000000000000", "status": "sent",
            "at": "2026-12-06T17:30:00Z", "next": null, "name": "abc"});
        assert_eq!(faults(&spec, &schema, &good, "body"), Vec::<String>::new());

        let bad = json!({"id": "42", "status": "lost", "at": "yesterday", "name": "ABCD"});
        let found = faults(&spec, &schema, &bad, "body");
        for fault in ["body.id", "body.status", "body.at", "body.name"] {
            assert!(
                found.iter().any(|f| f.starts_with(fault)),
                "{fault}: {found:?}"
            );
        }
        let missing = faults(&spec, &schema, &json!({"id": null}), "body");
        assert!(
            missing.iter().any(|f| f.contains("body.status: required")),
            "{missing:?}"
        );
        assert!(
            missing.iter().any(|f| f.contains("body.id: null")),
            "{missing:?}"
        );
    }
}
