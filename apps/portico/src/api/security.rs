//! `PUT /v1/me/password`, `PUT /v1/me/username` and `GET /v1/me/security-events`.

use std::sync::Arc;

use poem::Request;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_kernel::{Password, Username};
use portico_security::{Caller, SecondFactorCode, SecurityEvent};

use crate::api::ApiTags;
use crate::contract::operation_problems::OperationProblems;
use crate::http::auth::SessionAuth;
use crate::http::client::client_info;
use crate::http::pagination::{next_cursor, page_request};
use crate::http::problem::ApiError;
use crate::http::timestamps::rfc3339;
use crate::wiring::Services;

/// The problem types this module's operations answer beyond those their shape implies
/// (see `crate::contract`).
pub const PROBLEMS: &[OperationProblems] = &[
    OperationProblems {
        operation: "changePassword",
        slugs: &["too-many-attempts"],
    },
    OperationProblems {
        operation: "changeUsername",
        slugs: &["username-taken", "too-many-attempts"],
    },
];

/// A password change.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct PasswordChangeRequest {
    /// The password in use now.
    current_password: String,
    /// The new password (same policy as at registration).
    new_password: String,
}

/// A username change.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct UsernameChangeRequest {
    /// The new username (same rules as at registration).
    new_username: String,
    /// The account's password.
    password: String,
    /// With two-factor on: a current code from the app, or an unused recovery code.
    #[oai(nullable)]
    totp_code: Option<String>,
}

/// The new username a change asks for, as the domain's value; shared by the API and
/// the Security page, so both refuse a malformed name the same way.
pub(crate) fn requested_username(text: &str) -> Result<Username, ApiError> {
    Username::parse(text).map_err(|error| ApiError::invalid_field("new_username", error))
}

impl PasswordChangeRequest {
    /// The current and the new password; the policy judges the new one later, with
    /// the account's names in hand.
    fn into_domain(self) -> (Password, Password) {
        (
            Password::new(self.current_password),
            Password::new(self.new_password),
        )
    }
}

impl UsernameChangeRequest {
    /// The new username, the password and the code: a malformed username is refused
    /// here, before the password is judged, so a typo counts against nothing.
    fn try_into_domain(self) -> Result<(Username, Password, Option<SecondFactorCode>), ApiError> {
        Ok((
            requested_username(&self.new_username)?,
            Password::new(self.password),
            self.totp_code.as_deref().map(SecondFactorCode::read),
        ))
    }
}

/// The username after a change.
#[derive(Debug, Object)]
pub struct UsernameBody {
    /// The new username.
    username: String,
}

/// Answers of `PUT /v1/me/username`.
#[derive(ApiResponse)]
pub enum UsernameChanged {
    /// Changed; a notice was mailed to the primary address.
    #[oai(status = 200)]
    Changed(Json<UsernameBody>),
}

/// One entry of my account's security audit trail.
#[derive(Debug, Object)]
pub struct SecurityEventItem {
    /// Its id.
    id: String,
    /// What happened: `login_succeeded`, `login_failed`, `second_factor_requested`,
    /// `logged_out`, `session_revoked`, `password_changed`, `password_change_failed`,
    /// `reauthentication_failed`, `two_factor_enabled`, `two_factor_disabled`,
    /// `recovery_codes_renewed`, `username_changed`, `password_reset_requested`,
    /// `password_reset`, `password_reset_failed`, `ip_whitelist_added`,
    /// `ip_whitelist_removed`, `address_refused`, `delegate_invited`,
    /// `delegate_accepted`, `delegate_scope_changed`, `delegate_revoked`,
    /// `payout_destination_added`, `payout_destination_removed`, `email_added`,
    /// `email_changed`, `email_verified`, `primary_email_changed`, `email_removed`,
    /// `attempt_throttled`, `reauthenticated`, `reauthentication_required`,
    /// `device_forgotten`.
    kind: String,
    /// When.
    at: String,
    /// The client address of the request.
    #[oai(skip_serializing_if_is_none)]
    ip_address: Option<String>,
    /// The user agent of the request.
    #[oai(skip_serializing_if_is_none)]
    user_agent: Option<String>,
    /// A public detail, such as the factor used or the session ended.
    #[oai(skip_serializing_if_is_none)]
    detail: Option<String>,
}

impl From<SecurityEvent> for SecurityEventItem {
    fn from(event: SecurityEvent) -> Self {
        Self {
            id: event.id.to_string(),
            kind: event.kind.to_string(),
            at: rfc3339(event.at),
            ip_address: event.client.ip.map(|ip| ip.to_string()),
            user_agent: event.client.user_agent,
            detail: event.detail,
        }
    }
}

/// A page of my security events, newest first.
#[derive(Debug, Object)]
pub struct SecurityEventList {
    /// The events.
    items: Vec<SecurityEventItem>,
    /// Pass as `cursor` to read the next page; `null` on the last page.
    #[oai(nullable)]
    next_cursor: Option<String>,
}

/// Answers of `PUT /v1/me/password`.
#[derive(ApiResponse)]
pub enum PasswordChanged {
    /// Changed; every other session was ended and a notice was mailed.
    #[oai(status = 204)]
    Changed,
}

/// Answers of `GET /v1/me/security-events`.
#[derive(ApiResponse)]
pub enum SecurityEventListResponse {
    /// My events.
    #[oai(status = 200)]
    Ok(Json<SecurityEventList>),
}

/// Account security.
pub struct SecurityApi {
    services: Arc<Services>,
}

impl SecurityApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

#[OpenApi(prefix_path = "/v1/me", tag = "ApiTags::Security")]
impl SecurityApi {
    /// Change my password.
    ///
    /// The current password is required, and the new one must meet the password policy.
    /// Every other session ends, and a notice is mailed to my primary address. Wrong
    /// current passwords are throttled like logins.
    #[oai(path = "/password", method = "put", operation_id = "changePassword")]
    async fn change_password(
        &self,
        req: &Request,
        auth: SessionAuth,
        body: Json<PasswordChangeRequest>,
    ) -> Result<PasswordChanged, ApiError> {
        let (current, new) = body.0.into_domain();
        self.services
            .password_changes
            .change(&auth.0, &current, &new, &client_info(req))
            .await?;
        Ok(PasswordChanged::Changed)
    }

    /// Change my username.
    ///
    /// The password, and with two-factor on a code, are required. The new username must
    /// be free (compared without case). A notice is mailed to my primary address.
    #[oai(path = "/username", method = "put", operation_id = "changeUsername")]
    async fn change_username(
        &self,
        req: &Request,
        auth: SessionAuth,
        body: Json<UsernameChangeRequest>,
    ) -> Result<UsernameChanged, ApiError> {
        let (username, password, code) = body.0.try_into_domain()?;
        let username = self
            .services
            .usernames
            .change(
                Caller::from(&auth.0),
                username,
                &password,
                code.as_ref(),
                &client_info(req),
            )
            .await?;
        Ok(UsernameChanged::Changed(Json(UsernameBody {
            username: username.as_str().to_owned(),
        })))
    }

    /// List my account's security events.
    ///
    /// The audit trail of my account, newest first: logins, failed attempts, changes of
    /// password, username, addresses, two-factor and whitelist, with the address and
    /// device each came from.
    #[oai(
        path = "/security-events",
        method = "get",
        operation_id = "listSecurityEvents"
    )]
    async fn events(
        &self,
        auth: SessionAuth,
        /// Items per page (default 50, at most 200).
        limit: Query<Option<u64>>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<SecurityEventListResponse, ApiError> {
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let found = self
            .services
            .security_log
            .page(auth.0.account, &page)
            .await?;
        Ok(SecurityEventListResponse::Ok(Json(SecurityEventList {
            items: found
                .items
                .into_iter()
                .map(SecurityEventItem::from)
                .collect(),
            next_cursor: next_cursor(found.next_cursor),
        })))
    }
}
