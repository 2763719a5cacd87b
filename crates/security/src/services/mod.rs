//! The security services.

mod factor_check;
pub mod ip_whitelist;
pub mod login;
mod notices;
pub mod password_change;
pub mod password_reset;
pub mod passwords;
pub mod rate_limits;
pub mod reauth;
pub mod second_factor_login;
pub mod security_log;
pub mod sessions;
pub mod step_up;
#[cfg(test)]
mod test_support;
pub mod two_factor_enrolments;
pub mod username_change;

pub use ip_whitelist::{IpWhitelistPorts, IpWhitelists, WhitelistError};
pub use login::{LoginAttempt, LoginError, LoginPorts, Logins, NewSession};
pub use password_change::{PasswordChangeError, PasswordChangePorts, PasswordChanges};
pub use password_reset::{
    PasswordResetPorts, PasswordResets, RESET_GUESS_BUDGET, RESET_LIFETIME, RESET_MAIL_INTERVAL,
    ResetError,
};
pub use passwords::{PasswordError, Passwords};
pub use rate_limits::{RateLimitError, RateLimitPolicies, RateLimits};
pub use reauth::{
    Caller, GuardedAction, ReauthError, ReauthPorts, Reauthenticated, Reauthentication,
};
pub use second_factor_login::{SecondFactorError, SecondFactorLogin, SecondFactorLoginPorts};
pub use security_log::SecurityLog;
pub use sessions::{AuthError, SessionError, Sessions};
pub use step_up::{ReauthenticationRequired, StepUp, StepUpPorts};
pub use two_factor_enrolments::{
    Enrolment, TwoFactorEnrolmentPorts, TwoFactorEnrolments, TwoFactorError, TwoFactorStatus,
};
pub use username_change::{UsernameChangeError, UsernameChangePorts, UsernameChanges};
