//! The published contract: the spec poem-openapi derives from the API's types,
//! completed with what those types cannot say. Each operation gets its own error
//! answers with the problem types it can answer, request bodies are closed, and each
//! field states the lengths, patterns, value sets and formats the domain enforces,
//! and request bodies and the main answers carry examples.
//!
//! `/openapi.json` and `/docs` serve the completed spec; `tests/api/conformance.rs`
//! holds every answer of the HTTP tests against it.

pub mod body_shapes;
pub mod enum_properties;
pub mod examples;
pub mod field_facts;
pub mod operation_problems;
pub mod problem_types;
pub mod request_bodies;
pub mod responses;
pub mod rules;
pub mod schema_check;
pub mod spec_walk;

use serde_json::Value;

pub use field_facts::ConfiguredRules;

/// The spec as served, from the one poem-openapi generates, with the rules that
/// depend on settings filled in. A document that is not JSON (which poem-openapi
/// never writes) is served as it came.
pub fn publish(generated: &str, configured: &ConfiguredRules) -> String {
    let Ok(mut spec) = serde_json::from_str::<Value>(generated) else {
        return generated.to_owned();
    };
    responses::own_problem_responses(&mut spec);
    request_bodies::close_request_bodies(&mut spec);
    enum_properties::inline_enum_properties(&mut spec);
    field_facts::state_field_facts(&mut spec, &field_facts::field_facts(configured));
    field_facts::state_parameter_facts(&mut spec);
    examples::state_examples(&mut spec);
    serde_json::to_string_pretty(&spec).unwrap_or_else(|_| generated.to_owned())
}
