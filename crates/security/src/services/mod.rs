//! The security services.

pub mod login;
pub mod passwords;
pub mod sessions;

pub use login::{LoginError, LoginService, NewSession};
pub use passwords::{PasswordError, Passwords};
pub use sessions::{AuthError, SessionError, Sessions};
