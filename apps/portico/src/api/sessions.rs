//! `/v1/sessions`: logging in and out, listing and revoking sessions.

use std::sync::Arc;

use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_kernel::{ClientInfo, Password, SessionId};
use portico_security::{
    LoginAttempt, LoginError, NewSession, SecondFactorCode, SecretToken, Session, SessionPolicy,
};

use crate::api::{ApiTags, one_answer};
use crate::contract::operation_problems::OperationProblems;
use crate::http::auth::{PendingSessionAuth, SessionAuth};
use crate::http::client::client_info;
use crate::http::cookies::{device_cookie, read_device_cookie};
use crate::http::pagination::{next_cursor, page_request};
use crate::http::problem::ApiError;
use crate::http::timestamps::rfc3339;
use crate::metrics::LoginOutcome;
use crate::wiring::Services;

/// The problem types this module's operations answer beyond those their shape implies
/// (see `crate::contract`).
pub const PROBLEMS: &[OperationProblems] = &[
    OperationProblems {
        operation: "logIn",
        slugs: &[
            "invalid-credentials",
            "address-not-allowed",
            "too-many-attempts",
        ],
    },
    OperationProblems {
        operation: "reauthenticate",
        slugs: &["too-many-attempts", "not-found"],
    },
    OperationProblems {
        operation: "completeSecondFactor",
        slugs: &["too-many-wrong-codes", "too-many-attempts"],
    },
    OperationProblems {
        operation: "logOut",
        slugs: &["not-found"],
    },
    OperationProblems {
        operation: "revokeSession",
        slugs: &["reauthentication-required", "not-found"],
    },
];

/// Credentials for logging in.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct LoginRequest {
    /// The username, the primary email address or any verified email address.
    login: String,
    /// The password.
    password: String,
    /// The `device_token` of an earlier login from this device, if kept. With it,
    /// the login is judged by this device's own failure counter, so nobody else's
    /// wrong guesses can hold it back. Browsers send the device cookie instead.
    #[oai(nullable)]
    device_token: Option<String>,
}

/// The password (and second factor) again, to renew the session's proof for
/// sensitive changes.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct ReauthenticateRequest {
    /// The account's password.
    password: String,
    /// A current code from the authenticator app, or an unused recovery code;
    /// required when two-factor is on.
    #[oai(nullable)]
    totp_code: Option<String>,
}

impl ReauthenticateRequest {
    /// The password and, with two-factor on, the code.
    fn into_domain(self) -> (Password, Option<SecondFactorCode>) {
        let code = self.totp_code.as_deref().map(SecondFactorCode::read);
        (Password::new(self.password), code)
    }
}

/// A second factor for a pending login.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct SecondFactorRequest {
    /// A current code from the authenticator app, or an unused recovery code.
    code: String,
    /// The `device_token` this device already holds, if any, so that the completed
    /// login keeps it rather than issuing another. Browsers send the device cookie.
    #[oai(nullable)]
    device_token: Option<String>,
}

/// A session just opened. It holds the plain token, shown only here.
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
    /// The known-device credential: send it as `device_token` with this device's
    /// next login (browsers get it as an HttpOnly cookie as well). Absent where no
    /// password was checked.
    #[oai(skip_serializing_if_is_none)]
    device_token: Option<String>,
}

impl SessionCreated {
    fn new(opened: &NewSession, policy: &SessionPolicy) -> Self {
        Self {
            id: opened.session.id.to_string(),
            token: opened.token.expose().to_owned(),
            expires_at: rfc3339(opened.session.expires_at(policy)),
            second_factor_required: opened.session.second_factor_pending,
            device_token: opened
                .device_token
                .as_ref()
                .map(|token| token.expose().to_owned()),
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
    #[oai(nullable)]
    next_cursor: Option<String>,
}

/// Answers of `POST /v1/sessions`.
#[derive(ApiResponse)]
pub enum LoginResponse {
    /// Logged in. The device cookie carries the same credential as `device_token`.
    #[oai(status = 201)]
    Created(
        Json<SessionCreated>,
        #[oai(header = "Set-Cookie")] Option<String>,
    ),
}

/// Answers of `POST /v1/sessions/current/reauthenticate`.
#[derive(ApiResponse)]
pub enum ReauthenticateResponse {
    /// The session's proof is renewed: sensitive changes are allowed again for
    /// `PORTICO_STEP_UP_MINUTES`.
    #[oai(status = 204)]
    Renewed,
}

/// Answers of `POST /v1/sessions/current/second-factor`.
#[derive(ApiResponse)]
pub enum SecondFactorResponse {
    /// The login is complete: use the new token (the pending one no longer works).
    /// The answer carries this device's known-device credential, as `device_token`
    /// and as the device cookie.
    #[oai(status = 200)]
    Completed(
        Json<SessionCreated>,
        #[oai(header = "Set-Cookie")] Option<String>,
    ),
}

/// Answers of `GET /v1/sessions`.
#[derive(ApiResponse)]
pub enum SessionListResponse {
    /// My sessions.
    #[oai(status = 200)]
    Ok(Json<SessionList>),
}

one_answer!(
    /// Answers of `logOut`.
    LoggedOut,
    204,
    "This session is over; its token no longer works."
);
one_answer!(
    /// Answers of `revokeSession`.
    SessionRevoked,
    204,
    "That session is over; its token no longer works."
);

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
    /// Log in.
    ///
    /// Answers a session token to send as a Bearer token. A wrong password and an
    /// unknown login get the same answer, in the same time. With two-factor on, the new
    /// session can only complete the second factor (`second_factor_required: true`) and
    /// lasts 5 minutes. Failed attempts are throttled per account, per device and per
    /// client network; the answer then carries `Retry-After`.
    #[oai(path = "/sessions", method = "post", operation_id = "logIn")]
    async fn login(
        &self,
        req: &Request,
        body: Json<LoginRequest>,
    ) -> Result<LoginResponse, ApiError> {
        let LoginRequest {
            login,
            password,
            device_token,
        } = body.0;
        let device_token = device_token
            .or_else(|| read_device_cookie(req))
            .map(|token| SecretToken::from_client(&token));
        let password = Password::new(password);
        let attempt = LoginAttempt {
            login: &login,
            password: &password,
            device_token: device_token.as_ref(),
        };
        let outcome = self.services.login.login(attempt, client_info(req)).await;
        self.services.metrics.record_login(login_outcome(&outcome));
        let opened = outcome?;
        let policy = self.services.sessions.policy();
        let cookie = opened
            .device_token
            .as_ref()
            .map(|token| device_cookie(token, self.services.cookies_secure()));
        Ok(LoginResponse::Created(
            Json(SessionCreated::new(&opened, &policy)),
            cookie,
        ))
    }

    /// Renew the session's proof of the password.
    ///
    /// Sensitive changes answer 403 `reauthentication-required` once the session's last
    /// proof of the password (and second factor) is older than
    /// `PORTICO_STEP_UP_MINUTES`. Send the password, and a code when two-factor is on,
    /// to allow them again. Wrong passwords are throttled like logins; wrong codes draw
    /// on the account's second-factor budget.
    #[oai(
        path = "/sessions/current/reauthenticate",
        method = "post",
        operation_id = "reauthenticate"
    )]
    async fn reauthenticate(
        &self,
        req: &Request,
        auth: SessionAuth,
        body: Json<ReauthenticateRequest>,
    ) -> Result<ReauthenticateResponse, ApiError> {
        let (password, code) = body.0.into_domain();
        self.services
            .step_up
            .renew(&auth.0, &password, code.as_ref(), &client_info(req))
            .await?;
        Ok(ReauthenticateResponse::Renewed)
    }

    /// Complete a login with its second factor.
    ///
    /// Send a code from the authenticator app, or one of the recovery codes, with the
    /// pending session's token. The answer is a new, complete session; the pending
    /// token stops working. Each code works once. The fifth wrong code ends the pending
    /// login.
    #[oai(
        path = "/sessions/current/second-factor",
        method = "post",
        operation_id = "completeSecondFactor"
    )]
    async fn second_factor(
        &self,
        req: &Request,
        auth: PendingSessionAuth,
        body: Json<SecondFactorRequest>,
    ) -> Result<SecondFactorResponse, ApiError> {
        let SecondFactorRequest { code, device_token } = body.0;
        let device = device_token
            .or_else(|| read_device_cookie(req))
            .map(|token| SecretToken::from_client(&token));
        let opened = self
            .services
            .second_factor
            .complete(
                &auth.0,
                &SecondFactorCode::read(&code),
                device.as_ref(),
                &client_info(req),
            )
            .await?;
        let policy = self.services.sessions.policy();
        let cookie = opened
            .device_token
            .as_ref()
            .map(|token| device_cookie(token, self.services.cookies_secure()));
        Ok(SecondFactorResponse::Completed(
            Json(SessionCreated::new(&opened, &policy)),
            cookie,
        ))
    }

    /// List my sessions.
    ///
    /// Every live session of my account, newest first, with the device and address it
    /// was last used from; the one making the request is marked `current`.
    #[oai(path = "/sessions", method = "get", operation_id = "listSessions")]
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

    /// Log out.
    ///
    /// Ends the session making the request. Other sessions stay.
    #[oai(path = "/sessions/current", method = "delete", operation_id = "logOut")]
    async fn logout(&self, req: &Request, auth: SessionAuth) -> Result<LoggedOut, ApiError> {
        let session = auth.0;
        self.services
            .sessions
            .revoke(&session, session.id, &client_info(req))
            .await?;
        Ok(LoggedOut::Answer)
    }

    /// End one of my sessions.
    ///
    /// Ending the session making the request is the same as logging out. Ending another
    /// one needs a recent proof of the password (see `reauthenticate`).
    #[oai(
        path = "/sessions/:id",
        method = "delete",
        operation_id = "revokeSession"
    )]
    async fn revoke(
        &self,
        req: &Request,
        auth: SessionAuth,
        id: Path<String>,
    ) -> Result<SessionRevoked, ApiError> {
        revoke_session(&self.services, &auth.0, &client_info(req), &id.0).await?;
        Ok(SessionRevoked::Answer)
    }
}

/// Ends the session `id` of the caller's account; ending another than the caller's
/// own needs a recent proof. Shared by the API and the client-area pages.
pub(crate) async fn revoke_session(
    services: &Services,
    caller: &Session,
    client: &ClientInfo,
    id: &str,
) -> Result<(), ApiError> {
    let id = SessionId::parse(id).map_err(|_| ApiError::not_found("session"))?;
    if id != caller.id {
        services.step_up.require(caller, client).await?;
    }
    Ok(services.sessions.revoke(caller, id, client).await?)
}

/// How a login is counted in the metrics.
pub(crate) fn login_outcome(outcome: &Result<NewSession, LoginError>) -> LoginOutcome {
    match outcome {
        Ok(opened) if opened.session.second_factor_pending => LoginOutcome::SecondFactorRequired,
        Ok(_) => LoginOutcome::Succeeded,
        Err(LoginError::InvalidCredentials | LoginError::AddressNotAllowed) => {
            LoginOutcome::Refused
        }
        Err(LoginError::Throttled { .. }) => LoginOutcome::Throttled,
        Err(LoginError::Unexpected(_)) => LoginOutcome::Error,
    }
}
