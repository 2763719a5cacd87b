//! The published contract: the spec poem-openapi derives from the API's types,
//! completed with what those types cannot say. Each operation gets its own error
//! answers with the problem types it can answer, and request bodies are closed.
//!
//! `/openapi.json` and `/docs` serve the completed spec; `tests/api/conformance.rs`
//! holds every answer of the HTTP tests against it.

pub mod operation_problems;
pub mod problem_types;
pub mod request_bodies;
pub mod responses;

use serde_json::Value;

/// The spec as served, from the one poem-openapi generates. A document that is not
/// JSON (which poem-openapi never writes) is served as it came.
pub fn publish(generated: &str) -> String {
    let Ok(mut spec) = serde_json::from_str::<Value>(generated) else {
        return generated.to_owned();
    };
    responses::own_problem_responses(&mut spec);
    request_bodies::close_request_bodies(&mut spec);
    serde_json::to_string_pretty(&spec).unwrap_or_else(|_| generated.to_owned())
}
