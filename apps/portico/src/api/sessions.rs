//! `/v1/sessions`: logging in and out, listing and revoking sessions.

use std::sync::Arc;

use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_kernel::{Password, SessionId};
use portico_security::{NewSession, Session, SessionPolicy};

use crate::api::ApiTags;
use crate::http::auth::{PendingSessionAuth, SessionAuth};
use crate::http::client::client_info;
use crate::http::pagination::{next_cursor, page_request};
use crate::http::problem::ApiError;
use crate::http::timestamps::rfc3339;
use crate::wiring::Services;

/// Credentials for logging in.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct LoginRequest {
    /// The username, the primary email address or any verified email address.
    login: String,
    /// The password.
    password: String,
}

/// A second factor for a pending login.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct SecondFactorRequest {
    /// A current code from the authenticator app, or an unused recovery code.
    code: String,
}

/// A session just opened. No `Debug`: it holds the plain token.
#[derive(Object)]
pub struct SessionCreated {
    /// The session's id (to list or revoke it).
    id: String,
    /// The bearer token; shown only here, once.
    token: String,
    /// When the session ends if left idle (it ends at its absolute expiry anyway).
    expires_at: String,
    /// Whether the session must still complete a second factor before it can be used.
    second_factor_required: bool,
}

impl SessionCreated {
    fn new(opened: NewSession, policy: &SessionPolicy) -> Self {
        Self {
            id: opened.session.id.to_string(),
            token: opened.token.expose().to_owned(),
            expires_at: rfc3339(opened.session.expires_at(policy)),
            second_factor_required: opened.session.second_factor_pending,
        }
    }
}

/// One of my sessions.
#[derive(Debug, Object)]
pub struct SessionItem {
    /// Its id.
    id: String,
    /// Login time.
    created_at: String,
    /// Last activity (to within a minute).
    last_seen_at: String,
    /// When it ends if left idle.
    expires_at: String,
    /// The address it logged in from.
    #[oai(skip_serializing_if_is_none)]
    ip_address: Option<String>,
    /// The user agent it logged in with.
    #[oai(skip_serializing_if_is_none)]
    user_agent: Option<String>,
    /// Whether this is the session making the request.
    current: bool,
    /// Whether it is a login still waiting for its second factor.
    second_factor_pending: bool,
}

impl SessionItem {
    fn new(session: Session, policy: &SessionPolicy, current: &Session) -> Self {
        Self {
            current: session.id == current.id,
            second_factor_pending: session.second_factor_pending,
            id: session.id.to_string(),
            created_at: rfc3339(session.created_at),
            last_seen_at: rfc3339(session.last_seen_at),
            expires_at: rfc3339(session.expires_at(policy)),
            ip_address: session.client.ip.map(|ip| ip.to_string()),
            user_agent: session.client.user_agent,
        }
    }
}

/// A page of my sessions, newest first.
#[derive(Debug, Object)]
pub struct SessionList {
    /// The sessions.
    items: Vec<SessionItem>,
    /// Pass as `cursor` to read the next page; `null` on the last page.
    next_cursor: Option<String>,
}

/// Answers of `POST /v1/sessions`.
#[derive(ApiResponse)]
pub enum LoginResponse {
    /// Logged in.
    #[oai(status = 201)]
    Created(Json<SessionCreated>),
}

/// Answers of `POST /v1/sessions/current/second-factor`.
#[derive(ApiResponse)]
pub enum SecondFactorResponse {
    /// The login is complete: use the new token (the pending one no longer works).
    #[oai(status = 200)]
    Completed(Json<SessionCreated>),
}

/// Answers of `GET /v1/sessions`.
#[derive(ApiResponse)]
pub enum SessionListResponse {
    /// My sessions.
    #[oai(status = 200)]
    Ok(Json<SessionList>),
}

/// Answers of the logout and revoke operations.
#[derive(ApiResponse)]
pub enum RevokeResponse {
    /// The session is over.
    #[oai(status = 204)]
    Revoked,
}

/// Sessions.
pub struct SessionsApi {
    services: Arc<Services>,
}

impl SessionsApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Sessions")]
impl SessionsApi {
    /// Log in. A wrong password and an unknown login get the same answer. With
    /// two-factor on, the session can only complete the second factor
    /// (`second_factor_required: true`) and lasts 5 minutes.
    #[oai(path = "/sessions", method = "post")]
    async fn login(
        &self,
        req: &Request,
        body: Json<LoginRequest>,
    ) -> Result<LoginResponse, ApiError> {
        let LoginRequest { login, password } = body.0;
        let opened = self
            .services
            .login
            .login(&login, &Password::new(password), client_info(req))
            .await?;
        let policy = self.services.sessions.policy();
        Ok(LoginResponse::Created(Json(SessionCreated::new(
            opened, &policy,
        ))))
    }

    /// Complete a login that waits for its second factor, with a TOTP code or a
    /// recovery code. Wrong codes are limited per pending login; the last one ends it.
    #[oai(path = "/sessions/current/second-factor", method = "post")]
    async fn second_factor(
        &self,
        req: &Request,
        auth: PendingSessionAuth,
        body: Json<SecondFactorRequest>,
    ) -> Result<SecondFactorResponse, ApiError> {
        let opened = self
            .services
            .second_factor
            .complete(&auth.0, &body.0.code, &client_info(req))
            .await?;
        let policy = self.services.sessions.policy();
        Ok(SecondFactorResponse::Completed(Json(SessionCreated::new(
            opened, &policy,
        ))))
    }

    /// List my live sessions, newest first; the one making the request is marked.
    #[oai(path = "/sessions", method = "get")]
    async fn list(
        &self,
        auth: SessionAuth,
        /// Items per page (default 50, at most 200).
        limit: Query<Option<u64>>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<SessionListResponse, ApiError> {
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let current = auth.0;
        let found = self.services.sessions.list(current.account, &page).await?;
        let policy = self.services.sessions.policy();
        Ok(SessionListResponse::Ok(Json(SessionList {
            items: found
                .items
                .into_iter()
                .map(|s| SessionItem::new(s, &policy, &current))
                .collect(),
            next_cursor: next_cursor(found.next_cursor),
        })))
    }

    /// Log out: end the session making the request.
    #[oai(path = "/sessions/current", method = "delete")]
    async fn logout(&self, req: &Request, auth: SessionAuth) -> Result<RevokeResponse, ApiError> {
        let session = auth.0;
        self.services
            .sessions
            .revoke(&session, session.id, &client_info(req))
            .await?;
        Ok(RevokeResponse::Revoked)
    }

    /// End one of my sessions.
    #[oai(path = "/sessions/:id", method = "delete")]
    async fn revoke(
        &self,
        req: &Request,
        auth: SessionAuth,
        id: Path<String>,
    ) -> Result<RevokeResponse, ApiError> {
        let id = SessionId::parse(&id.0).map_err(|_| ApiError::not_found("session"))?;
        self.services
            .sessions
            .revoke(&auth.0, id, &client_info(req))
            .await?;
        Ok(RevokeResponse::Revoked)
    }
}
