//! The security services.

pub mod login;
pub mod password_change;
pub mod passwords;
pub mod sessions;

pub use login::{LoginError, LoginPorts, LoginService, NewSession};
pub use password_change::{PasswordChangeError, PasswordChangePorts, PasswordChanges};
pub use passwords::{PasswordError, Passwords};
pub use sessions::{AuthError, SessionError, Sessions};
