//! Bearer-token authentication of clients.

use std::sync::Arc;

use poem::Request;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;
use portico_security::{AuthError, SecretToken, Session};

use crate::http::problem::ApiError;
use crate::wiring::Services;

/// A request authenticated by a session token from `POST /v1/sessions`.
#[derive(Debug, SecurityScheme)]
#[oai(
    rename = "SessionToken",
    ty = "bearer",
    bearer_format = "opaque",
    checker = "authenticate"
)]
pub struct SessionAuth(pub Session);

async fn authenticate(req: &Request, bearer: Bearer) -> poem::Result<Session> {
    let Some(services) = req.data::<Arc<Services>>() else {
        return Err(ApiError::internal(&MissingServices).into());
    };
    match services
        .sessions
        .authenticate(&SecretToken::from_client(&bearer.token))
        .await
    {
        Ok(session) => Ok(session),
        Err(AuthError::InvalidSession) => Err(ApiError::unauthenticated().into()),
        Err(AuthError::Unexpected(error)) => Err(ApiError::internal(&error).into()),
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the services are not attached to the request")]
struct MissingServices;
