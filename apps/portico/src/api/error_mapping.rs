//! The one exhaustive mapping from domain errors to problem+json answers. Every slug
//! used here is listed in `docs/error-codes.md`.

use portico_identity::email_rules::RemovalRefused;
use portico_identity::ports::RemoveEmailError;
use portico_identity::{AddressError, CompanyError, PhoneError, ProfileError, RegisterError};
use portico_security::{LoginError, SessionError};

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

impl From<RemoveEmailError> for ApiError {
    fn from(error: RemoveEmailError) -> Self {
        match error {
            RemoveEmailError::Refused(RemovalRefused::NotFound) => {
                ApiError::not_found("email address")
            }
            RemoveEmailError::Refused(rule @ RemovalRefused::Primary) => ApiError::conflict(
                "primary-email",
                "The primary address stays",
                rule.to_string(),
            ),
            RemoveEmailError::Refused(rule @ RemovalRefused::LastVerified) => ApiError::conflict(
                "last-verified-email",
                "The last verified address stays",
                rule.to_string(),
            ),
            RemoveEmailError::Unexpected(source) => ApiError::internal(&source),
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
            LoginError::Unexpected(source) => ApiError::internal(&source),
        }
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
