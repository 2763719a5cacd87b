//! Which problem types each operation can answer: those its shape implies (how it is
//! authenticated, whether it reads a body or query parameters), plus those its API
//! module declares beside the operation's code.

use serde_json::Value;

use crate::api;

/// The problem types one operation answers beyond those its shape implies, declared in
/// its API module so that whoever changes the operation sees them.
#[derive(Debug, Clone, Copy)]
pub struct OperationProblems {
    /// The operation's `operationId`.
    pub operation: &'static str,
    /// Slugs from [`super::problem_types::PROBLEM_TYPES`].
    pub slugs: &'static [&'static str],
}

/// Every API module's declarations.
pub fn declared() -> impl Iterator<Item = &'static OperationProblems> {
    [
        api::accounts::PROBLEMS,
        api::sessions::PROBLEMS,
        api::profile::PROBLEMS,
        api::emails::PROBLEMS,
        api::phones::PROBLEMS,
        api::addresses::PROBLEMS,
        api::company::PROBLEMS,
        api::messages::PROBLEMS,
        api::security::PROBLEMS,
        api::two_factor::PROBLEMS,
        api::password_resets::PROBLEMS,
        api::ip_whitelist::PROBLEMS,
        api::delegates::PROBLEMS,
        api::affiliate::PROBLEMS,
        api::referral_redirect::PROBLEMS,
        api::platform_mail::PROBLEMS,
        api::platform_delegation::PROBLEMS,
        api::platform_affiliate::PROBLEMS,
    ]
    .into_iter()
    .flatten()
}

/// Whether the operation names this security scheme.
fn secured_by(operation: &Value, scheme: &str) -> bool {
    operation["security"]
        .as_array()
        .is_some_and(|all| all.iter().any(|one| one.get(scheme).is_some()))
}

/// Whether the operation takes a parameter `in` this place (with this name, if given).
fn has_parameter(operation: &Value, place: &str, name: Option<&str>) -> bool {
    operation["parameters"].as_array().is_some_and(|all| {
        all.iter().any(|parameter| {
            parameter["in"] == place && name.is_none_or(|name| parameter["name"] == name)
        })
    })
}

/// The slugs an operation's shape implies: a server fault and an oversized body
/// anywhere; the token's refusals; a body's parse, media-type and field problems; a query parameter
/// that cannot be read, and a cursor the server did not hand out.
pub fn implied(operation: &Value) -> Vec<&'static str> {
    // Every request passes the server-wide body limit, with a body or not.
    let mut slugs = vec!["internal", "payload-too-large"];
    if secured_by(operation, "SessionToken") {
        slugs.extend([
            "unauthenticated",
            "second-factor-required",
            "address-not-allowed",
        ]);
    }
    if secured_by(operation, "PendingSessionToken") {
        slugs.extend([
            "unauthenticated",
            "address-not-allowed",
            "second-factor-not-pending",
        ]);
    }
    if secured_by(operation, "PlatformToken") {
        slugs.extend(["unauthenticated", "platform-disabled"]);
    }
    if !operation["requestBody"].is_null() {
        slugs.extend([
            "malformed-body",
            "unsupported-media-type",
            "validation-failed",
        ]);
    }
    if has_parameter(operation, "query", None) {
        slugs.push("invalid-parameter");
    }
    if has_parameter(operation, "query", Some("cursor")) {
        slugs.push("invalid-cursor");
    }
    slugs
}

/// Every slug the operation can answer: implied and declared, each once.
pub fn answerable(operation_id: &str, operation: &Value) -> Vec<&'static str> {
    let mut slugs = implied(operation);
    for declared in declared().filter(|declared| declared.operation == operation_id) {
        slugs.extend(declared.slugs.iter().copied());
    }
    let mut seen = Vec::with_capacity(slugs.len());
    slugs.retain(|slug| {
        let new = !seen.contains(slug);
        seen.push(slug);
        new
    });
    slugs
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::contract::problem_types::problem_type_of;

    #[test]
    fn every_declared_slug_is_a_known_problem_type() {
        for declared in declared() {
            for slug in declared.slugs {
                assert!(
                    problem_type_of(slug).is_some(),
                    "{} declares {slug}, which is no problem type",
                    declared.operation
                );
            }
        }
    }

    #[test]
    fn an_operation_is_declared_in_one_place() {
        let ids: Vec<&str> = declared().map(|declared| declared.operation).collect();
        for (index, id) in ids.iter().enumerate() {
            assert!(!ids[index + 1..].contains(id), "{id} is declared twice");
        }
    }

    #[test]
    fn a_session_operation_with_a_body_and_a_list_implies_all_their_problems() {
        let operation = json!({
            "security": [{"SessionToken": []}],
            "requestBody": {"content": {}},
            "parameters": [{"in": "query", "name": "cursor"}, {"in": "path", "name": "id"}],
        });

        let slugs = implied(&operation);

        for slug in [
            "internal",
            "unauthenticated",
            "second-factor-required",
            "malformed-body",
            "unsupported-media-type",
            "validation-failed",
            "invalid-parameter",
            "invalid-cursor",
        ] {
            assert!(slugs.contains(&slug), "{slug} missing from {slugs:?}");
        }
        assert!(!slugs.contains(&"platform-disabled"));
    }

    #[test]
    fn an_open_operation_without_input_can_only_fail_on_the_server_or_the_body_limit() {
        assert_eq!(implied(&json!({})), vec!["internal", "payload-too-large"]);
    }
}
