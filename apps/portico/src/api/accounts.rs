//! `POST /v1/accounts`: registration.

use std::sync::Arc;

use poem::Request;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_affiliate::LinkCode;
use portico_identity::{LanguageTag, PersonName, Profile, Registration, Username};
use portico_kernel::{EmailAddress, Password};
use portico_security::{PasswordContext, PasswordPolicy};

use crate::api::ApiTags;
use crate::api::profile::ProfileBody;
use crate::api::referral_redirect::read_referral_cookie;
use crate::contract::operation_problems::OperationProblems;
use crate::http::client::client_info;
use crate::http::problem::ApiError;
use crate::http::validation::Validator;
use crate::wiring::Services;

/// The problem types this module's operations answer beyond those their shape implies
/// (see `crate::contract`).
pub const PROBLEMS: &[OperationProblems] = &[OperationProblems {
    operation: "registerAccount",
    slugs: &["too-many-requests", "username-taken", "email-taken"],
}];

/// The longest referral code read; a longer one is refused rather than ignored, so
/// that a client sending something else there hears of it.
pub const MAX_REFERRAL_CODE_CHARS: usize = 64;

/// A registration.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct RegisterRequest {
    /// 3 to 32 letters a-z, digits, '.', '_' or '-', starting and ending with a letter
    /// or digit; unique regardless of case.
    pub(crate) username: String,
    /// The first email address; it becomes the primary one.
    pub(crate) email: String,
    /// At least the configured minimum (8 by default) and at most 128 characters; not a
    /// common password, not built from the username, email or the service name.
    pub(crate) password: String,
    /// Given name.
    pub(crate) first_name: String,
    /// Family name.
    pub(crate) last_name: String,
    /// BCP 47 language tag; English when absent.
    #[oai(nullable)]
    pub(crate) language: Option<String>,
    /// Code of the affiliate link that brought the client (honoured once the
    /// affiliate program is available).
    #[oai(nullable)]
    pub(crate) referral_code: Option<String>,
}

impl RegisterRequest {
    /// Every field read. When another field is at fault, the password is judged by
    /// `policy` too, so that one answer names every field at fault; otherwise its
    /// strength is left to registration, which judges it once, after the registration
    /// limit has counted the request (a strength estimate is costly).
    fn try_into_domain(
        self,
        policy: &PasswordPolicy,
    ) -> Result<(Registration, Password), ApiError> {
        let mut v = Validator::default();
        let username = v.check("username", Username::parse(&self.username));
        let email = v.check("email", EmailAddress::parse(&self.email));
        let first_name = v.check("first_name", PersonName::parse(&self.first_name));
        let last_name = v.check("last_name", PersonName::parse(&self.last_name));
        let language = v.check_opt("language", self.language.as_deref().map(LanguageTag::parse));
        let password = Password::new(self.password);
        let addresses = [self.email.trim()];
        let context = PasswordContext {
            username: self.username.trim(),
            emails: &addresses,
        };
        let referral_code = v.check(
            "referral_code",
            match &self.referral_code {
                Some(code) if code.chars().count() > MAX_REFERRAL_CODE_CHARS => Err(format!(
                    "a referral code has at most {MAX_REFERRAL_CODE_CHARS} characters"
                )),
                _ => Ok(()),
            },
        );
        if v.has_errors() {
            v.check("password", policy.check(&password, &context));
        }
        match (
            username,
            email,
            first_name,
            last_name,
            language,
            referral_code,
        ) {
            (
                Some(username),
                Some(email),
                Some(first_name),
                Some(last_name),
                Some(language),
                Some(()),
            ) => Ok((
                Registration {
                    username,
                    email,
                    first_name,
                    last_name,
                    language: language.unwrap_or_else(LanguageTag::english),
                },
                password,
            )),
            _ => Err(v.into_error()),
        }
    }
}

/// Answers of `POST /v1/accounts`.
#[derive(ApiResponse)]
pub enum RegisterResponse {
    /// The account exists; log in with `POST /v1/sessions`.
    #[oai(status = 201)]
    Created(Json<ProfileBody>),
}

/// Opens an account from a registration request: the one path of both
/// `POST /v1/accounts` and the registration page. The request is parsed first (every
/// invalid field at once), then counted against the client address's registration
/// limit (each account costs a hash and a mail), then registered; the referral (the
/// field, or the referral cookie of an earlier click) is credited afterwards.
pub(crate) async fn register_account(
    services: &Services,
    req: &Request,
    request: RegisterRequest,
) -> Result<Profile, ApiError> {
    let referral_code = request.referral_code.clone();
    let (registration, password) = request.try_into_domain(&services.password_policy)?;
    services
        .rate_limits
        .registration(client_info(req).ip)
        .await?;
    let profile = services
        .registration
        .register(registration, &password)
        .await?;
    record_referral(services, req, profile.id, referral_code).await;
    Ok(profile)
}

/// Registration.
pub struct AccountsApi {
    services: Arc<Services>,
}

impl AccountsApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Accounts")]
impl AccountsApi {
    /// Open an account.
    ///
    /// Creates the account with its username, primary email address (unverified, a
    /// verification link is mailed to it) and password, and the optional referral code
    /// of the affiliate link that brought the visitor. Registrations from one client
    /// network are limited per hour. Log in with `logIn` afterwards.
    #[oai(path = "/accounts", method = "post", operation_id = "registerAccount")]
    async fn register(
        &self,
        req: &Request,
        body: Json<RegisterRequest>,
    ) -> Result<RegisterResponse, ApiError> {
        let profile = register_account(&self.services, req, body.0).await?;
        Ok(RegisterResponse::Created(Json(ProfileBody::from(profile))))
    }
}

/// Credits the referrer, from the `referral_code` field or else the referral cookie.
/// The account exists whatever happens here, so a failure is logged.
async fn record_referral(
    services: &Services,
    req: &Request,
    account: portico_kernel::AccountId,
    field: Option<String>,
) {
    if !services.affiliate.enabled {
        return;
    }
    // First touch: a valid cookie from an earlier click wins over the field.
    let mut candidates: Vec<(String, Option<time::OffsetDateTime>)> = Vec::new();
    if let Some((code, at)) = read_referral_cookie(req) {
        candidates.push((code, Some(at)));
    }
    candidates.extend(field.map(|code| (code, None)));
    for (code, clicked_at) in candidates {
        // A malformed code names no link: the next candidate is tried.
        let Ok(code) = LinkCode::parse(&code) else {
            continue;
        };
        match services.tracking.refer(account, &code, clicked_at).await {
            Ok(true) => return,
            Ok(false) => {}
            Err(error) => {
                tracing::warn!(%account, error = %error, "could not record a referral");
                return;
            }
        }
    }
}
