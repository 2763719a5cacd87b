//! `/v1/me/two-factor`: TOTP enrolment, status, recovery codes, turning it off.

use std::sync::Arc;

use poem::Request;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_kernel::Password;
use portico_security::{Caller, RecoveryCode, SecondFactorCode, TwoFactorStatus};

use crate::api::{ApiTags, one_answer};
use crate::contract::operation_problems::OperationProblems;
use crate::http::auth::SessionAuth;
use crate::http::client::client_info;
use crate::http::problem::ApiError;
use crate::http::timestamps::rfc3339;
use crate::wiring::Services;

/// The problem types this module's operations answer beyond those their shape implies
/// (see `crate::contract`).
pub const PROBLEMS: &[OperationProblems] = &[
    OperationProblems {
        operation: "startTotpEnrolment",
        slugs: &["reauthentication-required", "two-factor-enabled"],
    },
    OperationProblems {
        operation: "confirmTotpEnrolment",
        slugs: &[
            "reauthentication-required",
            "too-many-attempts",
            "no-enrolment",
            "two-factor-enabled",
        ],
    },
    OperationProblems {
        operation: "renewRecoveryCodes",
        slugs: &["two-factor-not-enabled", "too-many-attempts"],
    },
    OperationProblems {
        operation: "disableTwoFactor",
        slugs: &["two-factor-not-enabled", "too-many-attempts"],
    },
];

/// Two-factor status.
#[derive(Debug, Object)]
pub struct TwoFactorStatusBody {
    /// Whether logins and sensitive changes ask for a second factor.
    enabled: bool,
    /// When it was turned on.
    #[oai(skip_serializing_if_is_none)]
    enabled_at: Option<String>,
    /// Whether an enrolment waits for its confirming code.
    enrolment_pending: bool,
    /// Unused recovery codes.
    recovery_codes_left: u32,
}

impl From<TwoFactorStatus> for TwoFactorStatusBody {
    fn from(status: TwoFactorStatus) -> Self {
        Self {
            enabled: status.enabled,
            enabled_at: status.enabled_at.map(rfc3339),
            enrolment_pending: status.enrolment_pending,
            recovery_codes_left: status.recovery_codes_left,
        }
    }
}

/// A started enrolment.
// Not `Debug`: it holds the seed.
#[derive(Object)]
pub struct EnrolmentBody {
    /// The seed in base32, to type into an app by hand.
    secret: String,
    /// The `otpauth://` URI (issuer "Portico", the username as label).
    otpauth_uri: String,
    /// The URI as a QR code, an SVG image.
    qr_svg: String,
}

/// A code from the authenticator app.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct CodeRequest {
    /// The six digits the app shows now.
    code: String,
}

/// The password and a second factor, for changes to two-factor itself.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct ReauthRequest {
    /// The account's password.
    password: String,
    /// A current code from the app, or an unused recovery code.
    code: String,
}

impl ReauthRequest {
    /// The password and the code, the recent proof of a two-factor change.
    fn into_domain(self) -> (Password, SecondFactorCode) {
        (
            Password::new(self.password),
            SecondFactorCode::read(&self.code),
        )
    }
}

/// Recovery codes, shown this once.
// Not `Debug`: they are secrets.
#[derive(Object)]
pub struct RecoveryCodesBody {
    /// Whether two-factor is on (always true here).
    enabled: bool,
    /// Ten single-use codes; each replaces one app code once. Store them safely.
    recovery_codes: Vec<String>,
}

impl RecoveryCodesBody {
    fn new(codes: Vec<RecoveryCode>) -> Self {
        Self {
            enabled: true,
            recovery_codes: codes.iter().map(|c| c.expose().to_owned()).collect(),
        }
    }
}

/// Answers of `GET /v1/me/two-factor`.
#[derive(ApiResponse)]
pub enum StatusResponse {
    /// The status.
    #[oai(status = 200)]
    Ok(Json<TwoFactorStatusBody>),
}

/// Answers of `POST /v1/me/two-factor/totp`.
#[derive(ApiResponse)]
pub enum EnrolmentResponse {
    /// Enrolment started (any earlier unconfirmed one is replaced); confirm it with a
    /// code from the app.
    #[oai(status = 201)]
    Started(Json<EnrolmentBody>),
}

one_answer!(
    /// Answers of `confirmTotpEnrolment`.
    EnrolmentConfirmed,
    200,
    "Two-factor is on. The ten recovery codes are shown this once: keep them safe.",
    Json<RecoveryCodesBody>
);
one_answer!(
    /// Answers of `renewRecoveryCodes`.
    RecoveryCodesRenewed,
    200,
    "The former codes no longer work. The ten new ones are shown this once.",
    Json<RecoveryCodesBody>
);

/// Answers of `DELETE /v1/me/two-factor`.
#[derive(ApiResponse)]
pub enum DisableResponse {
    /// Two-factor is off; the recovery codes no longer work.
    #[oai(status = 204)]
    Disabled,
}

/// Two-factor authentication.
pub struct TwoFactorApi {
    services: Arc<Services>,
}

impl TwoFactorApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

#[OpenApi(prefix_path = "/v1/me/two-factor", tag = "ApiTags::Security")]
impl TwoFactorApi {
    /// Read my two-factor status.
    ///
    /// Whether two-factor authentication is on, and how many unused recovery codes are
    /// left.
    #[oai(path = "/", method = "get", operation_id = "getTwoFactorStatus")]
    async fn status(&self, auth: SessionAuth) -> Result<StatusResponse, ApiError> {
        let status = self.services.two_factor.status(auth.0.account).await?;
        Ok(StatusResponse::Ok(Json(status.into())))
    }

    /// Start turning on two-factor authentication.
    ///
    /// Answers a new TOTP secret, as text, as an `otpauth://` URI and as a QR code, for
    /// an authenticator app. Nothing changes for logins until `confirmTotpEnrolment`
    /// succeeds; starting again replaces an unconfirmed enrolment. Needs a recent proof
    /// of the password.
    #[oai(path = "/totp", method = "post", operation_id = "startTotpEnrolment")]
    async fn enrol(&self, req: &Request, auth: SessionAuth) -> Result<EnrolmentResponse, ApiError> {
        self.services
            .step_up
            .require(&auth.0, &client_info(req))
            .await?;
        let enrolment = self
            .services
            .two_factor
            .start_enrolment(auth.0.account)
            .await?;
        Ok(EnrolmentResponse::Started(Json(EnrolmentBody {
            secret: enrolment.secret,
            otpauth_uri: enrolment.otpauth_uri,
            qr_svg: enrolment.qr_svg,
        })))
    }

    /// Turn on two-factor authentication.
    ///
    /// Send a code the app shows for the new secret. Two-factor is then on, and ten
    /// recovery codes are answered, this once. A code cannot be used twice, so the next
    /// login needs the app's next code. Needs a recent proof of the password.
    #[oai(
        path = "/totp/confirm",
        method = "post",
        operation_id = "confirmTotpEnrolment"
    )]
    async fn confirm(
        &self,
        req: &Request,
        auth: SessionAuth,
        body: Json<CodeRequest>,
    ) -> Result<EnrolmentConfirmed, ApiError> {
        self.services
            .step_up
            .require(&auth.0, &client_info(req))
            .await?;
        let codes = self
            .services
            .two_factor
            .confirm(
                auth.0.account,
                &SecondFactorCode::read(&body.0.code),
                &client_info(req),
            )
            .await?;
        Ok(EnrolmentConfirmed::Answer(Json(RecoveryCodesBody::new(
            codes,
        ))))
    }

    /// Renew my recovery codes.
    ///
    /// Every former recovery code stops working and ten new ones are answered, this
    /// once. The password and a code in the request are the proof this change needs.
    #[oai(
        path = "/recovery-codes",
        method = "post",
        operation_id = "renewRecoveryCodes"
    )]
    async fn renew(
        &self,
        req: &Request,
        auth: SessionAuth,
        body: Json<ReauthRequest>,
    ) -> Result<RecoveryCodesRenewed, ApiError> {
        let (password, code) = body.0.into_domain();
        let codes = self
            .services
            .two_factor
            .renew_recovery_codes(Caller::from(&auth.0), &password, &code, &client_info(req))
            .await?;
        Ok(RecoveryCodesRenewed::Answer(Json(RecoveryCodesBody::new(
            codes,
        ))))
    }

    /// Turn off two-factor authentication.
    ///
    /// The secret and the recovery codes stop working, and a notice is mailed to my
    /// primary address. The password and a code in the request are the proof this
    /// change needs.
    #[oai(path = "/", method = "delete", operation_id = "disableTwoFactor")]
    async fn disable(
        &self,
        req: &Request,
        auth: SessionAuth,
        body: Json<ReauthRequest>,
    ) -> Result<DisableResponse, ApiError> {
        let (password, code) = body.0.into_domain();
        self.services
            .two_factor
            .disable(Caller::from(&auth.0), &password, &code, &client_info(req))
            .await?;
        Ok(DisableResponse::Disabled)
    }
}
