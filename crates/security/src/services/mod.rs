//! The security services. [`Passwords`] (policy and hasher together) needs only the
//! `hasher` feature; every other service needs `full`, the default.

#[cfg(feature = "full")]
mod factor_check;
#[cfg(feature = "full")]
pub mod ip_whitelist;
#[cfg(feature = "full")]
pub mod login;
#[cfg(feature = "full")]
mod notices;
#[cfg(feature = "full")]
pub mod password_change;
#[cfg(feature = "full")]
pub mod password_reset;
#[cfg(feature = "hasher")]
pub mod passwords;
#[cfg(feature = "full")]
pub mod rate_limits;
#[cfg(feature = "full")]
pub mod reauth;
#[cfg(feature = "full")]
pub mod second_factor_login;
#[cfg(feature = "full")]
pub mod security_log;
#[cfg(feature = "full")]
pub mod sessions;
#[cfg(feature = "full")]
pub mod step_up;
#[cfg(test)]
#[cfg(feature = "full")]
mod test_support;
#[cfg(feature = "full")]
pub mod two_factor_enrolments;
#[cfg(feature = "full")]
pub mod username_change;

#[cfg(feature = "full")]
pub use ip_whitelist::{IpWhitelistPorts, IpWhitelists, WhitelistError};
#[cfg(feature = "full")]
pub use login::{LoginAttempt, LoginError, LoginPorts, Logins, NewSession};
#[cfg(feature = "full")]
pub use password_change::{PasswordChangeError, PasswordChangePorts, PasswordChanges};
#[cfg(feature = "full")]
pub use password_reset::{
    PasswordResetPorts, PasswordResets, RESET_GUESS_BUDGET, RESET_LIFETIME, RESET_MAIL_INTERVAL,
    ResetError,
};
#[cfg(feature = "hasher")]
pub use passwords::{PasswordError, Passwords};
#[cfg(feature = "full")]
pub use rate_limits::{RateLimitError, RateLimitPolicies, RateLimits};
#[cfg(feature = "full")]
pub use reauth::{
    Caller, GuardedAction, ReauthError, ReauthPorts, Reauthenticated, Reauthentication,
};
#[cfg(feature = "full")]
pub use second_factor_login::{SecondFactorError, SecondFactorLogin, SecondFactorLoginPorts};
#[cfg(feature = "full")]
pub use security_log::SecurityLog;
#[cfg(feature = "full")]
pub use sessions::{AuthError, SessionError, Sessions};
#[cfg(feature = "full")]
pub use step_up::{ReauthenticationRequired, StepUp, StepUpPorts};
#[cfg(feature = "full")]
pub use two_factor_enrolments::{
    Enrolment, TwoFactorEnrolmentPorts, TwoFactorEnrolments, TwoFactorError, TwoFactorStatus,
};
#[cfg(feature = "full")]
pub use username_change::{UsernameChangeError, UsernameChangePorts, UsernameChanges};
