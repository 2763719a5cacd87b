//! Bearer-token authentication of clients.

use std::sync::Arc;

use poem::Request;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;
use poem_openapi::payload::Json;
use portico_security::{AuthError, SecretToken, Session};

use crate::http::client::client_info;
use crate::http::problem::{ApiError, problem};
use crate::wiring::Services;

/// A request authenticated by a complete session from `POST /v1/sessions` (a session
/// still waiting for its second factor is refused).
#[derive(Debug, SecurityScheme)]
#[oai(
    rename = "SessionToken",
    ty = "bearer",
    bearer_format = "opaque",
    checker = "authenticate"
)]
pub struct SessionAuth(pub Session);

/// A request authenticated by a session that waits for its second factor: the only
/// kind that may complete it.
#[derive(Debug, SecurityScheme)]
#[oai(
    rename = "PendingSessionToken",
    ty = "bearer",
    bearer_format = "opaque",
    checker = "authenticate_pending"
)]
pub struct PendingSessionAuth(pub Session);

fn services(req: &Request) -> poem::Result<&Arc<Services>> {
    req.data::<Arc<Services>>()
        .ok_or_else(|| ApiError::internal(&MissingServices).into())
}

async fn authenticate(req: &Request, bearer: Bearer) -> poem::Result<Session> {
    services(req)?
        .sessions
        .authenticate(&SecretToken::from_client(&bearer.token), &client_info(req))
        .await
        .map_err(|error| auth_error(error).into())
}

async fn authenticate_pending(req: &Request, bearer: Bearer) -> poem::Result<Session> {
    services(req)?
        .sessions
        .authenticate_pending(&SecretToken::from_client(&bearer.token), &client_info(req))
        .await
        .map_err(|error| auth_error(error).into())
}

/// The answer for a token that does not authenticate this request.
pub fn auth_error(error: AuthError) -> ApiError {
    match error {
        AuthError::InvalidSession => ApiError::unauthenticated(),
        AuthError::SecondFactorPending => ApiError::Forbidden(Json(problem(
            403,
            "second-factor-required",
            "Second factor required",
            "Complete the login with POST /v1/sessions/current/second-factor first.",
        ))),
        AuthError::AddressNotAllowed => address_not_allowed(),
        AuthError::NotPending => ApiError::conflict(
            "second-factor-not-pending",
            "No second factor pending",
            "This session is complete; there is no second factor to send.",
        ),
        AuthError::Unexpected(error) => ApiError::internal(&error),
    }
}

/// 403 for a login or request from outside the account's IP whitelist.
pub fn address_not_allowed() -> ApiError {
    ApiError::Forbidden(Json(problem(
        403,
        "address-not-allowed",
        "Address not allowed",
        "This account accepts logins and requests only from the addresses on its IP whitelist.",
    )))
}

#[derive(Debug, thiserror::Error)]
#[error("the services are not attached to the request")]
struct MissingServices;
