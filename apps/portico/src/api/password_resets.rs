//! `/v1/password-resets`: asking for a reset link and using it.

use std::sync::Arc;

use poem::Request;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_kernel::{Password, SecretToken};

use portico_security::SecondFactorCode;

use crate::api::ApiTags;
use crate::contract::operation_problems::OperationProblems;
use crate::http::client::client_info;
use crate::http::problem::ApiError;
use crate::wiring::Services;

/// The problem types this module's operations answer beyond those their shape implies
/// (see `crate::contract`).
pub const PROBLEMS: &[OperationProblems] = &[OperationProblems {
    operation: "confirmPasswordReset",
    slugs: &["invalid-token", "too-many-attempts"],
}];

/// A reset request.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct ResetRequest {
    /// A username, the primary email address or another verified address.
    login: String,
}

/// The one answer to every reset request.
#[derive(Debug, Object)]
pub struct ResetAccepted {
    /// What happens next.
    message: String,
}

/// A reset confirmation.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct ResetConfirmation {
    /// The `token` parameter of the mailed link.
    token: String,
    /// The new password (same policy as at registration).
    new_password: String,
    /// With two-factor on: a current code from the app, or an unused recovery code.
    #[oai(nullable)]
    totp_code: Option<String>,
}

impl ResetConfirmation {
    /// The mailed token, the new password and, with two-factor on, the code.
    fn into_domain(self) -> (SecretToken, Password, Option<SecondFactorCode>) {
        (
            SecretToken::from_client(&self.token),
            Password::new(self.new_password),
            self.totp_code.as_deref().map(SecondFactorCode::read),
        )
    }
}

/// Answers of `POST /v1/password-resets`.
#[derive(ApiResponse)]
pub enum ResetRequested {
    /// Accepted. The same answer whether or not the login names an account.
    #[oai(status = 202)]
    Accepted(Json<ResetAccepted>),
}

/// Answers of `POST /v1/password-resets/confirm`.
#[derive(ApiResponse)]
pub enum ResetConfirmed {
    /// The password is reset; every session ended, nobody is logged in.
    #[oai(status = 204)]
    Reset,
}

/// Password resets.
pub struct PasswordResetsApi {
    services: Arc<Services>,
}

impl PasswordResetsApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

#[OpenApi(prefix_path = "/v1/password-resets", tag = "ApiTags::Security")]
impl PasswordResetsApi {
    /// Ask for a password reset link.
    ///
    /// The answer, and its timing, are the same whether or not the login names an
    /// account. The link is mailed to the account's primary address and works once, for
    /// 30 minutes; a newer request voids the older link.
    #[oai(path = "/", method = "post", operation_id = "requestPasswordReset")]
    async fn request(&self, req: &Request, body: Json<ResetRequest>) -> ResetRequested {
        self.services
            .resets
            .request(&body.0.login, client_info(req));
        ResetRequested::Accepted(Json(ResetAccepted {
            message: "If this login belongs to an account, a reset link is on its way to \
                      the account's primary email address."
                .into(),
        }))
    }

    /// Set a new password with a reset link.
    ///
    /// Send the `token` of the mailed link, the new password and, with two-factor on, a
    /// code. Every session of the account ends: log in again with the new password.
    #[oai(
        path = "/confirm",
        method = "post",
        operation_id = "confirmPasswordReset"
    )]
    async fn confirm(
        &self,
        req: &Request,
        body: Json<ResetConfirmation>,
    ) -> Result<ResetConfirmed, ApiError> {
        let (token, new_password, code) = body.0.into_domain();
        self.services
            .resets
            .confirm(&token, &new_password, code.as_ref(), &client_info(req))
            .await?;
        Ok(ResetConfirmed::Reset)
    }
}
