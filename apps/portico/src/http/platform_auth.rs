//! Bearer-token authentication of the platform (service-to-service) API.

use std::sync::Arc;

use poem::Request;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;
use poem_openapi::payload::Json;
use sha2::{Digest, Sha256};

use crate::http::problem::{ApiError, Problem, platform_token_required, problem};
use crate::settings::Secret;
use crate::wiring::Services;

/// A request from the platform, carrying `PORTICO_PLATFORM_TOKEN`.
#[derive(Debug, SecurityScheme)]
#[oai(rename = "PlatformToken", ty = "bearer", checker = "check_platform")]
pub struct PlatformAuth(pub ());

async fn check_platform(req: &Request, bearer: Bearer) -> poem::Result<()> {
    let services = req.data::<Arc<Services>>().map(AsRef::as_ref);
    match platform_refusal(services, Some(&bearer.token)) {
        None => Ok(()),
        Some(refusal) if refusal.status == 404 => Err(ApiError::NotFound(Json(refusal)).into()),
        Some(refusal) => Err(ApiError::Unauthorized(Json(refusal)).into()),
    }
}

/// Why a request does not count as the platform's, or `None` when it does: 404
/// `platform-disabled` while `PORTICO_PLATFORM_TOKEN` is unset, 401 `unauthenticated`
/// without the right token. The platform API and `GET /metrics` share this rule.
pub(crate) fn platform_refusal(
    services: Option<&Services>,
    given: Option<&str>,
) -> Option<Problem> {
    let Some(expected) = services
        .and_then(|services| services.platform_token.as_ref())
        .map(Secret::expose)
    else {
        return Some(problem(
            404,
            "platform-disabled",
            "Platform API disabled",
            "Set PORTICO_PLATFORM_TOKEN to enable the platform API and its metrics.",
        ));
    };
    if given.is_some_and(|token| same_secret(token, expected)) {
        None
    } else {
        Some(platform_token_required())
    }
}

/// Compares two secrets in time independent of where they differ: both are hashed to
/// fixed-length digests and every byte is compared.
fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (
        Sha256::digest(given.as_bytes()),
        Sha256::digest(expected.as_bytes()),
    );
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_secret_matches() {
        assert!(same_secret("s3cret", "s3cret"));
        assert!(!same_secret("s3cret", "s3creT"));
        assert!(!same_secret("", "s3cret"));
    }
}
