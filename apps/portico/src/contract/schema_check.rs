//! Checks a JSON value against an OpenAPI 3.0 schema of the published spec: the
//! subset the spec uses (`$ref`, `type`, `properties`, `required`, `nullable`,
//! `additionalProperties: false`, `items`, `enum`, `oneOf`/`anyOf`/`allOf`, and for
//! strings and numbers their lengths, ranges, `pattern` and the formats `date-time`,
//! `uuid`, `email` and `uri`).
//!
//! Request bodies are checked for their shape only ([`Depth::Shape`]): every missing,
//! unknown, mistyped or null field is named at once, while the values themselves
//! (closed sets included) are judged by the domain, in its own words and as leniently
//! as it reads them (a country code in any case). The HTTP tests check every answer
//! in full.

use serde_json::Value;

pub use super::spec_walk::resolve;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// How much of a schema to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Fields, types and nullability.
    Shape,
    /// The shape, closed value sets, string and number constraints, and no field
    /// the schema does not name.
    Full,
}

/// One way a value departs from its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Where: `username`, `scope.products[0]`, or empty for the value itself.
    pub at: String,
    /// What is wrong, for the client.
    pub message: String,
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

fn fault(at: &str, message: impl Into<String>) -> Fault {
    Fault {
        at: at.to_owned(),
        message: message.into(),
    }
}

/// `at` and then `name`: `scope` and `products` make `scope.products`.
fn field_path(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_owned()
    } else {
        format!("{at}.{name}")
    }
}

/// What a JSON type is called in a message.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Every way `value`, found at `at`, departs from `schema`.
pub fn faults(spec: &Value, schema: &Value, value: &Value, at: &str, depth: Depth) -> Vec<Fault> {
    let schema = resolve(spec, schema);
    let mut found = Vec::new();
    if value.is_null() {
        if schema["nullable"] != true && !schema.as_object().is_some_and(|s| s.is_empty()) {
            found.push(fault(at, "cannot be null"));
        }
        return found;
    }
    if let Some(all) = schema["allOf"].as_array() {
        for part in all {
            found.extend(faults(spec, part, value, at, depth));
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(choices) = schema[key].as_array()
            && !choices
                .iter()
                .any(|choice| faults(spec, choice, value, at, depth).is_empty())
        {
            found.push(fault(at, "matches none of the accepted shapes"));
        }
    }
    if depth == Depth::Full
        && let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        let names: Vec<String> = allowed.iter().map(Value::to_string).collect();
        found.push(fault(at, format!("must be one of {}", names.join(", "))));
    }
    match (schema["type"].as_str(), value) {
        (None, _) => {}
        (Some("object"), Value::Object(object)) => {
            found.extend(object_faults(spec, schema, object, at, depth));
        }
        (Some("array"), Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                let here = format!("{at}[{index}]");
                found.extend(faults(spec, &schema["items"], item, &here, depth));
            }
        }
        (Some("string"), Value::String(text)) => {
            if depth == Depth::Full {
                found.extend(string_faults(schema, text, at));
            }
        }
        (Some("integer"), Value::Number(number)) if number.is_i64() || number.is_u64() => {
            if depth == Depth::Full {
                found.extend(range_faults(
                    schema,
                    number.as_f64().unwrap_or_default(),
                    at,
                ));
            }
        }
        (Some("number"), Value::Number(number)) => {
            if depth == Depth::Full {
                found.extend(range_faults(
                    schema,
                    number.as_f64().unwrap_or_default(),
                    at,
                ));
            }
        }
        (Some("boolean"), Value::Bool(_)) => {}
        (Some(expected), other) => {
            let expected = match expected {
                "integer" => "a whole number",
                "number" => "a number",
                "string" => "a string",
                "boolean" => "true or false",
                "array" => "a list",
                "object" => "an object",
                other => other,
            };
            found.push(fault(
                at,
                format!("must be {expected}, not {}", kind_of(other)),
            ));
        }
    }
    found
}

fn object_faults(
    spec: &Value,
    schema: &Value,
    object: &serde_json::Map<String, Value>,
    at: &str,
    depth: Depth,
) -> Vec<Fault> {
    let mut found = Vec::new();
    let properties = schema["properties"].as_object();
    for required in schema["required"].as_array().into_iter().flatten() {
        let name = required.as_str().unwrap_or_default();
        if !object.contains_key(name) {
            found.push(fault(&field_path(at, name), "this field is required"));
        }
    }
    for (name, field) in object {
        let here = field_path(at, name);
        match properties.and_then(|all| all.get(name)) {
            Some(property) => found.extend(faults(spec, property, field, &here, depth)),
            // In full, an object is closed unless it says it takes any field: an
            // answer carrying a field its schema does not name is a fault too.
            None if schema["additionalProperties"] == false
                || (depth == Depth::Full && schema.get("additionalProperties").is_none()) =>
            {
                found.push(fault(&here, "is not a field of this request"));
            }
            None => {}
        }
    }
    found
}

fn string_faults(schema: &Value, text: &str, at: &str) -> Vec<Fault> {
    let mut found = Vec::new();
    let length = text.chars().count() as u64;
    if schema["minLength"].as_u64().is_some_and(|min| length < min) {
        found.push(fault(at, format!("{text:?} is shorter than minLength")));
    }
    if schema["maxLength"].as_u64().is_some_and(|max| length > max) {
        found.push(fault(at, format!("{text:?} is longer than maxLength")));
    }
    if let Some(pattern) = schema["pattern"].as_str()
        && !regex::Regex::new(pattern)
            .map(|regex| regex.is_match(text))
            .unwrap_or(false)
    {
        found.push(fault(at, format!("{text:?} does not match {pattern}")));
    }
    let well_formed = match schema["format"].as_str() {
        Some("date-time") => OffsetDateTime::parse(text, &Rfc3339).is_ok(),
        Some("uuid") => uuid_shaped(text),
        Some("email") => text
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty()),
        Some("uri") => rfc_3986_uri(text),
        _ => true,
    };
    if !well_formed {
        found.push(fault(at, format!("{text:?} is not a {}", schema["format"])));
    }
    found
}

/// A scheme, then only what RFC 3986 allows in a URI: its unreserved and reserved
/// characters, `%` escapes, and one `#` at most. (It does not parse the authority:
/// this catches what serialisers leave bare, which is what goes wrong in practice.)
fn rfc_3986_uri(text: &str) -> bool {
    let Some((scheme, _)) = text.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    let bytes = text.as_bytes();
    scheme_ok
        && text.matches('#').count() <= 1
        && bytes.iter().enumerate().all(|(index, &byte)| match byte {
            b'%' => bytes
                .get(index + 1..index + 3)
                .is_some_and(|digits| digits.iter().all(u8::is_ascii_hexdigit)),
            _ => byte.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&byte),
        })
}

/// `8-4-4-4-12` hexadecimal digits.
fn uuid_shaped(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|group| group.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|group| group.chars().all(|c| c.is_ascii_hexdigit()))
}

fn range_faults(schema: &Value, number: f64, at: &str) -> Vec<Fault> {
    let mut found = Vec::new();
    if schema["minimum"].as_f64().is_some_and(|min| number < min) {
        found.push(fault(at, format!("{number} is below the minimum")));
    }
    if schema["maximum"].as_f64().is_some_and(|max| number > max) {
        found.push(fault(at, format!("{number} is above the maximum")));
    }
    found
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Depth, faults};

    #[test]
    fn a_uri_is_what_rfc_3986_allows() {
        for good in [
            "https://a.example/x?y=%7B#f",
            "http://[2001:db8::1]:8080/",
            "mailto:ada@example.com",
        ] {
            assert!(super::rfc_3986_uri(good), "{good}");
        }
        for bad in [
            "https://a.example/?q={x}",
            "https://a.example/#a#b",
            "https://a.example/100%",
            "https://a.example/a b",
            "1http://a.example/",
            "no scheme",
        ] {
            assert!(!super::rfc_3986_uri(bad), "{bad}");
        }
    }

    #[test]
    fn a_value_that_departs_from_its_schema_is_named_at_each_fault() {
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
        assert_eq!(faults(&spec, &schema, &good, "", Depth::Full), vec![]);

        let bad = json!({"id": "42", "status": "lost", "at": "yesterday", "name": "ABCD"});
        let found = faults(&spec, &schema, &bad, "", Depth::Full);
        let named: Vec<&str> = found.iter().map(|f| f.at.as_str()).collect();
        assert_eq!(named, ["at", "id", "name", "name", "status"], "{found:?}");
        // The shape alone: every field is text, as the schema says.
        let shape = faults(&spec, &schema, &bad, "", Depth::Shape);
        assert_eq!(shape, vec![]);

        let missing = faults(
            &spec,
            &schema,
            &json!({"id": null, "name": 7}),
            "",
            Depth::Shape,
        );
        let messages: Vec<String> = missing.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "status: this field is required",
                "id: cannot be null",
                "name: must be a string, not a number"
            ]
        );
    }
}
