//! The one exhaustive mapping from domain errors to problem+json answers. Every slug
//! used here is listed in `docs/error-codes.md`.

use poem_openapi::payload::Json;
use portico_affiliate::{LedgerError, PayoutError, ProgramError};
use portico_delegation::{DelegateError, ProductError};
use portico_identity::{
    AddressError, CompanyError, EmailError, PhoneError, ProfileError, RegisterError,
};
use portico_kernel::StorageError;
use portico_mail_log::{BounceError, HistoryError};
use portico_security::{
    LoginError, PasswordChangeError, RateLimitError, ReauthError, ReauthenticationRequired,
    ResetError, SecondFactorError, SessionError, TwoFactorError, UsernameChangeError,
    WhitelistError,
};

use crate::http::problem::{ApiError, problem};

impl From<RegisterError> for ApiError {
    fn from(error: RegisterError) -> Self {
        match error {
            RegisterError::PasswordRejected(rule) => ApiError::invalid_field("password", rule),
            RegisterError::UsernameTaken => ApiError::conflict(
                "username-taken",
                "Username taken",
                "Another account already uses this username.",
            ),
            RegisterError::EmailTaken => ApiError::conflict(
                "email-taken",
                "Email address taken",
                "Another account already uses this email address.",
            ),
            RegisterError::Unexpected(source) => ApiError::internal(&source),
            RegisterError::Compose(source) => ApiError::internal(&source),
        }
    }
}

fn empty_update() -> ApiError {
    ApiError::Unprocessable(poem_openapi::payload::Json(problem(
        422,
        "empty-update",
        "Nothing to change",
        "The request names no field to change.",
    )))
}

/// 429 with `Retry-After` in whole seconds, rounded up: retrying a fraction of a
/// second early would be refused again.
fn too_many_attempts(retry_after: time::Duration) -> ApiError {
    retry_later(
        "too-many-attempts",
        "Too many failed attempts",
        "Too many failed attempts",
        retry_after,
    )
}

/// A 429 problem with `Retry-After`, for `slug`.
fn retry_later(slug: &str, title: &str, what: &str, retry_after: time::Duration) -> ApiError {
    let millis = u64::try_from(retry_after.whole_milliseconds()).unwrap_or(0);
    let seconds = millis.div_ceil(1_000).max(1);
    ApiError::TooManyRequests(
        Json(problem(
            429,
            slug,
            title,
            format!("{what}; try again in {seconds} s."),
        )),
        seconds,
    )
}

/// 429 for a request past a limit on what costs mail or hashing.
fn too_many_requests(retry_after: time::Duration) -> ApiError {
    retry_later(
        "too-many-requests",
        "Too many requests",
        "This was asked for too often",
        retry_after,
    )
}

impl From<RateLimitError> for ApiError {
    fn from(error: RateLimitError) -> Self {
        match error {
            RateLimitError::Limited { retry_after } => too_many_requests(retry_after),
            RateLimitError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<ReauthenticationRequired> for ApiError {
    fn from(error: ReauthenticationRequired) -> Self {
        match error {
            ReauthenticationRequired::Stale => ApiError::Forbidden(Json(problem(
                403,
                "reauthentication-required",
                "Re-authentication required",
                "This change needs a recent proof of your password (and second factor): \
                 send them to POST /v1/sessions/current/reauthenticate, then try again.",
            ))),
            ReauthenticationRequired::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

fn limit_reached(detail: String) -> ApiError {
    ApiError::conflict("limit-reached", "Limit reached", detail)
}

impl From<ProfileError> for ApiError {
    fn from(error: ProfileError) -> Self {
        match error {
            ProfileError::NotFound => ApiError::not_found("account"),
            ProfileError::NothingToChange => empty_update(),
            ProfileError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<EmailError> for ApiError {
    fn from(error: EmailError) -> Self {
        let detail = error.to_string();
        match error {
            EmailError::NotFound => ApiError::not_found("email address"),
            EmailError::Taken => ApiError::conflict("email-taken", "Email address taken", detail),
            EmailError::LimitReached { .. } => limit_reached(detail),
            EmailError::NotVerified => {
                ApiError::conflict("email-not-verified", "Address not verified", detail)
            }
            EmailError::InvalidToken => ApiError::Unprocessable(Json(problem(
                422,
                "invalid-token",
                "Invalid or expired token",
                detail,
            ))),
            EmailError::Primary => {
                ApiError::conflict("primary-email", "The primary address stays", detail)
            }
            EmailError::Changed => {
                ApiError::conflict("concurrent-change", "Changed meanwhile", detail)
            }
            EmailError::LastVerified => ApiError::conflict(
                "last-verified-email",
                "The last verified address stays",
                detail,
            ),
            EmailError::Compose(source) => ApiError::internal(&source),
            EmailError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<HistoryError> for ApiError {
    fn from(error: HistoryError) -> Self {
        match error {
            HistoryError::NotFound => ApiError::not_found("message"),
            HistoryError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<BounceError> for ApiError {
    fn from(error: BounceError) -> Self {
        let detail = error.to_string();
        match error {
            BounceError::NotFound => ApiError::not_found("message"),
            BounceError::NotSent => {
                ApiError::conflict("message-not-sent", "Message never sent", detail)
            }
            BounceError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<PhoneError> for ApiError {
    fn from(error: PhoneError) -> Self {
        match error {
            PhoneError::NotFound => ApiError::not_found("phone number"),
            PhoneError::Duplicate => ApiError::conflict(
                "phone-exists",
                "Phone number already listed",
                "This number is already listed on your account.",
            ),
            error @ PhoneError::LimitReached { .. } => limit_reached(error.to_string()),
            PhoneError::NothingToChange => empty_update(),
            PhoneError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<AddressError> for ApiError {
    fn from(error: AddressError) -> Self {
        match error {
            AddressError::NotFound => ApiError::not_found("address"),
            error @ AddressError::LimitReached { .. } => limit_reached(error.to_string()),
            AddressError::DefaultRequired => ApiError::conflict(
                "default-address-required",
                "A default billing address is required",
                "Make another address the default billing address instead.",
            ),
            AddressError::NothingToChange => empty_update(),
            AddressError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<CompanyError> for ApiError {
    fn from(error: CompanyError) -> Self {
        match error {
            CompanyError::NotFound => ApiError::not_found("company details"),
            CompanyError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<LoginError> for ApiError {
    fn from(error: LoginError) -> Self {
        match error {
            LoginError::InvalidCredentials => {
                ApiError::Unauthorized(poem_openapi::payload::Json(problem(
                    401,
                    "invalid-credentials",
                    "Invalid credentials",
                    "The login or the password is wrong.",
                )))
            }
            LoginError::AddressNotAllowed => crate::http::auth::address_not_allowed(),
            LoginError::Throttled { retry_after } => too_many_attempts(retry_after),
            LoginError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<PasswordChangeError> for ApiError {
    fn from(error: PasswordChangeError) -> Self {
        match error {
            PasswordChangeError::WrongPassword => {
                ApiError::invalid_field("current_password", "the current password is wrong")
            }
            PasswordChangeError::Throttled { retry_after } => too_many_attempts(retry_after),
            PasswordChangeError::Rejected(rule) => ApiError::invalid_field("new_password", rule),
            PasswordChangeError::NotFound => ApiError::not_found("account"),
            PasswordChangeError::Compose(source) => ApiError::internal(&source),
            PasswordChangeError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<StorageError> for ApiError {
    /// A read that only storage can fail (the security log): a server fault.
    fn from(error: StorageError) -> Self {
        ApiError::internal(&error)
    }
}

impl From<SessionError> for ApiError {
    fn from(error: SessionError) -> Self {
        match error {
            SessionError::NotFound => ApiError::not_found("session"),
            SessionError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<ReauthError> for ApiError {
    /// A failed `POST /v1/sessions/current/reauthenticate`, whose code is `totp_code`.
    fn from(error: ReauthError) -> Self {
        reauth_error(error, "totp_code")
    }
}

/// A re-authentication failure, naming the request field that carries the code.
fn reauth_error(error: ReauthError, code_field: &str) -> ApiError {
    let detail = error.to_string();
    match error {
        ReauthError::WrongPassword => ApiError::invalid_field("password", detail),
        ReauthError::CodeRequired | ReauthError::WrongCode => {
            ApiError::invalid_field(code_field, detail)
        }
        ReauthError::Throttled { retry_after } => too_many_attempts(retry_after),
        ReauthError::NotFound => ApiError::not_found("account"),
        ReauthError::Unexpected(source) => ApiError::internal(&source),
    }
}

impl From<TwoFactorError> for ApiError {
    fn from(error: TwoFactorError) -> Self {
        let detail = error.to_string();
        match error {
            TwoFactorError::AlreadyEnabled => {
                ApiError::conflict("two-factor-enabled", "Two-factor is on", detail)
            }
            TwoFactorError::NotEnabled => {
                ApiError::conflict("two-factor-not-enabled", "Two-factor is off", detail)
            }
            TwoFactorError::NoEnrolment => {
                ApiError::conflict("no-enrolment", "No enrolment to confirm", detail)
            }
            TwoFactorError::Reauth(error) => reauth_error(error, "code"),
            TwoFactorError::Compose(source) => ApiError::internal(&source),
            TwoFactorError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<SecondFactorError> for ApiError {
    fn from(error: SecondFactorError) -> Self {
        let detail = error.to_string();
        match error {
            SecondFactorError::WrongCode => ApiError::invalid_field("code", detail),
            SecondFactorError::BudgetExhausted => ApiError::Unauthorized(Json(problem(
                401,
                "too-many-wrong-codes",
                "Too many wrong codes",
                detail,
            ))),
            SecondFactorError::NotPending => ApiError::unauthenticated(),
            SecondFactorError::Throttled { retry_after } => too_many_attempts(retry_after),
            SecondFactorError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<UsernameChangeError> for ApiError {
    fn from(error: UsernameChangeError) -> Self {
        let detail = error.to_string();
        match error {
            UsernameChangeError::Unchanged => ApiError::invalid_field("new_username", detail),
            UsernameChangeError::Taken => ApiError::conflict(
                "username-taken",
                "Username taken",
                "Another account already uses this username.",
            ),
            UsernameChangeError::Reauth(error) => reauth_error(error, "totp_code"),
            UsernameChangeError::Compose(source) => ApiError::internal(&source),
            UsernameChangeError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<ResetError> for ApiError {
    fn from(error: ResetError) -> Self {
        let detail = error.to_string();
        match error {
            ResetError::InvalidToken => ApiError::Unprocessable(Json(problem(
                422,
                "invalid-token",
                "Invalid or expired token",
                detail,
            ))),
            ResetError::CodeRequired | ResetError::WrongCode => {
                ApiError::invalid_field("totp_code", detail)
            }
            ResetError::Rejected(rule) => ApiError::invalid_field("new_password", rule),
            ResetError::Throttled { retry_after } => too_many_attempts(retry_after),
            ResetError::Compose(source) => ApiError::internal(&source),
            ResetError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<WhitelistError> for ApiError {
    fn from(error: WhitelistError) -> Self {
        let detail = error.to_string();
        match error {
            WhitelistError::NotFound => ApiError::not_found("whitelist entry"),
            WhitelistError::Duplicate => {
                ApiError::conflict("whitelist-entry-exists", "Range already listed", detail)
            }
            WhitelistError::LimitReached => limit_reached(detail),
            WhitelistError::LockOut(_) => {
                ApiError::conflict("whitelist-lockout", "Change would lock you out", detail)
            }
            WhitelistError::AccountGone => ApiError::not_found("account"),
            WhitelistError::Compose(source) => ApiError::internal(&source),
            WhitelistError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<DelegateError> for ApiError {
    fn from(error: DelegateError) -> Self {
        let detail = error.to_string();
        match error {
            DelegateError::InvalidScope(_) => ApiError::invalid_field("scope", detail),
            DelegateError::SelfInvitation => ApiError::invalid_field("email", detail),
            DelegateError::NotFound => ApiError::not_found("delegate"),
            DelegateError::AlreadyDelegate => {
                ApiError::conflict("already-delegate", "Already a delegate", detail)
            }
            DelegateError::ProductGone => {
                ApiError::conflict("concurrent-change", "Changed meanwhile", detail)
            }
            DelegateError::InvalidToken => ApiError::Unprocessable(Json(problem(
                422,
                "invalid-token",
                "Invalid or expired token",
                detail,
            ))),
            DelegateError::WrongAccount | DelegateError::OwnInvitation => {
                ApiError::Forbidden(Json(problem(
                    403,
                    "invitation-not-for-you",
                    "Invitation not for this account",
                    detail,
                )))
            }
            DelegateError::AccountGone => ApiError::not_found("account"),
            DelegateError::Compose(source) => ApiError::internal(&source),
            DelegateError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<ProductError> for ApiError {
    fn from(error: ProductError) -> Self {
        match error {
            ProductError::UnknownAccount => ApiError::not_found("account"),
            ProductError::NotFound => ApiError::not_found("product"),
            ProductError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<ProgramError> for ApiError {
    fn from(error: ProgramError) -> Self {
        let detail = error.to_string();
        match error {
            ProgramError::NotAffiliate => {
                ApiError::conflict("not-affiliate", "Not in the affiliate program", detail)
            }
            ProgramError::NotFound => ApiError::not_found("link"),
            ProgramError::LandingHostNotAllowed => ApiError::invalid_field("landing_url", detail),
            ProgramError::TooManyLinks => limit_reached(detail),
            ProgramError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<LedgerError> for ApiError {
    fn from(error: LedgerError) -> Self {
        let detail = error.to_string();
        match error {
            LedgerError::InvalidAmount => ApiError::invalid_field("amount_minor", detail),
            LedgerError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}

impl From<PayoutError> for ApiError {
    fn from(error: PayoutError) -> Self {
        let detail = error.to_string();
        match error {
            PayoutError::NotAffiliate => {
                ApiError::conflict("not-affiliate", "Not in the affiliate program", detail)
            }
            PayoutError::Invalid { field, message } => ApiError::invalid_field(field, message),
            PayoutError::NotFound(what) => ApiError::not_found(what),
            PayoutError::NoBalance | PayoutError::BelowMinimum { .. } => {
                ApiError::Unprocessable(Json(problem(
                    422,
                    "payout-not-possible",
                    "No payout possible",
                    detail,
                )))
            }
            PayoutError::CurrencyRequired => ApiError::invalid_field("currency", detail),
            PayoutError::Compose(source) => ApiError::internal(&source),
            PayoutError::Unexpected(source) => ApiError::internal(&source),
        }
    }
}
