//! Portico's security domain: proving who a client is.
//!
//! This crate holds the password policy, argon2id hashing, login, sessions, password
//! changes and the security audit trail; later parts (TOTP, recovery codes, resets,
//! throttling, IP whitelists) join it.
//!
//! Layout:
//! - [`password_policy`]: length, commonness and context rules for new passwords;
//! - [`hasher`]: the [`PasswordHasher`] port and its argon2id implementation, which
//!   runs the hashing on the blocking thread pool;
//! - [`session`]: sessions and their idle and absolute expiry;
//! - [`events`]: the audit trail ([`SecurityEvent`]) and its port;
//! - [`throttle`]: growing delays after failed attempts, per login name and address;
//! - [`ports`]: the storage ports;
//! - [`services`]: [`Passwords`], [`LoginService`], [`Sessions`], [`PasswordChanges`].
//!
//! ```no_run
//! use std::sync::Arc;
//! use portico_kernel::{Password, SystemClock};
//! use portico_security::ports::{CredentialRepository, SessionRepository};
//! use portico_security::{
//!     Argon2Hasher, ClientInfo, LoginPorts, LoginService, SecurityEventRepository,
//!     SessionPolicy, ThrottlePolicy, ThrottleRepository,
//! };
//!
//! async fn log_in(
//!     credentials: Arc<dyn CredentialRepository>,
//!     sessions: Arc<dyn SessionRepository>,
//!     events: Arc<dyn SecurityEventRepository>,
//!     throttle: Arc<dyn ThrottleRepository>,
//! ) -> Result<(), Box<dyn std::error::Error>> {
//!     let ports = LoginPorts {
//!         credentials,
//!         sessions,
//!         hasher: Arc::new(Argon2Hasher::new()?),
//!         events,
//!         throttle,
//!         clock: Arc::new(SystemClock),
//!     };
//!     let login = LoginService::new(ports, SessionPolicy::default(), ThrottlePolicy::default());
//!     let opened = login
//!         .login("ada", &Password::new("violet tractor sings".into()), ClientInfo::default())
//!         .await?;
//!     println!("session {} until {}", opened.session.id, opened.session.absolute_expires_at);
//!     Ok(())
//! }
//! ```

pub mod events;
pub mod hasher;
pub mod password_policy;
pub mod ports;
pub mod services;
pub mod session;
pub mod throttle;

pub use events::{SecurityEvent, SecurityEventKind, SecurityEventRepository};
pub use hasher::{Argon2Hasher, PasswordHasher, Verification};
pub use password_policy::{PasswordContext, PasswordPolicy};
pub use portico_kernel::{SecretToken, TokenDigest};
pub use services::{
    AuthError, LoginError, LoginPorts, LoginService, NewSession, PasswordChangeError,
    PasswordChangePorts, PasswordChanges, PasswordError, Passwords, SessionError, Sessions,
};
pub use session::{ClientInfo, Session, SessionPolicy};
pub use throttle::{ThrottleKey, ThrottlePolicy, ThrottleRepository};
