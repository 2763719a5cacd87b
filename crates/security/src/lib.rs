//! Portico's security domain: proving who a client is.
//!
//! This crate holds the password policy, argon2id hashing, login, sessions, password
//! changes, TOTP two-factor authentication with recovery codes, username changes,
//! password resets, IP whitelists, throttling and the security audit trail. It depends
//! on the kernel alone: usernames are the kernel's [`portico_kernel::Username`],
//! account names and addresses come through the kernel's `AccountContacts` port, and
//! its mail is a [`SecurityNotice`] handed to the kernel's `NoticeComposer` port;
//! storage is behind the ports in [`ports`] and [`two_factor`].
//!
//! Layout:
//! - [`password_policy`]: length, commonness and context rules for new passwords;
//! - [`hasher`]: the [`PasswordHasher`] port and its argon2id implementation, which
//!   runs the hashing on the blocking thread pool;
//! - [`session`]: sessions and their idle and absolute expiry;
//! - [`events`]: the audit trail ([`SecurityEvent`]) and its port;
//! - [`throttle`]: growing delays after failed attempts, per account, account and
//!   address, address, known device, and one second-factor budget per account;
//! - [`devices`]: known-device credentials, so that strangers' guesses never block
//!   the owner's device;
//! - [`totp`], [`seed_vault`], [`recovery`], [`qr`]: TOTP codes, seeds sealed at rest,
//!   recovery codes, and the enrolment QR code;
//! - [`two_factor`]: two-factor state, second-factor proofs and their port;
//! - [`whitelist`]: IP whitelist ranges, the lock-out rule, the address gate and the
//!   port;
//! - [`ports`]: the other storage ports;
//! - [`services`]: [`Passwords`], [`Logins`], [`SecondFactorLogin`], [`Sessions`],
//!   [`StepUp`], [`PasswordChanges`], [`TwoFactorEnrolments`], [`UsernameChanges`],
//!   [`PasswordResets`].
//!
//! Embedding: implement the ports with `#[portico_kernel::async_trait]`, call the
//! [`Argon2Hasher`] from within a Tokio runtime (it hashes on the blocking pool and
//! panics without a reactor), and copy the `[profile.dev.package]` lines of
//! `docs/embedding.md` so argon2 is optimised in debug builds.
//!
//! ```no_run
//! use std::sync::Arc;
//! use portico_kernel::{Password, SystemClock};
//! use portico_security::ports::{CredentialRepository, SessionRepository};
//! use portico_security::{
//!     Argon2Hasher, ClientInfo, DeviceRepository, LoginAttempt, LoginPorts, Logins,
//!     SecurityEventRepository, IpWhitelistRepository, SessionPolicy, ThrottlePolicies,
//!     ThrottleRepository, TwoFactorRepository,
//! };
//!
//! async fn log_in(
//!     credentials: Arc<dyn CredentialRepository>,
//!     sessions: Arc<dyn SessionRepository>,
//!     devices: Arc<dyn DeviceRepository>,
//!     events: Arc<dyn SecurityEventRepository>,
//!     throttle: Arc<dyn ThrottleRepository>,
//!     two_factor: Arc<dyn TwoFactorRepository>,
//!     whitelist: Arc<dyn IpWhitelistRepository>,
//! ) -> Result<(), Box<dyn std::error::Error>> {
//!     let ports = LoginPorts {
//!         credentials,
//!         sessions,
//!         devices,
//!         hasher: Arc::new(Argon2Hasher::new()?),
//!         events,
//!         throttle,
//!         two_factor,
//!         whitelist,
//!         clock: Arc::new(SystemClock),
//!     };
//!     let login = Logins::new(ports, SessionPolicy::default(), ThrottlePolicies::default());
//!     let password = Password::new("violet tractor sings".into());
//!     let attempt = LoginAttempt { login: "ada", password: &password, device_token: None };
//!     let opened = login.login(attempt, ClientInfo::default()).await?;
//!     if opened.session.second_factor_pending {
//!         println!("now send a TOTP or recovery code to complete the login");
//!     }
//!     Ok(())
//! }
//! ```

pub mod devices;
pub mod events;
pub mod hasher;
pub mod notice;
pub mod password_policy;
pub mod ports;
pub mod qr;
pub mod recovery;
pub mod second_factor_code;
pub mod seed_vault;
pub mod services;
pub mod session;
pub mod throttle;
pub mod totp;
pub mod two_factor;
pub mod whitelist;

pub use devices::{DeviceRepository, KnownDevice};
pub use events::{SecurityEvent, SecurityEventKind, SecurityEventRepository};
pub use hasher::{Argon2Hasher, PasswordHasher, Verification};
pub use notice::{SecurityNotice, SettingChange};
pub use password_policy::{PasswordContext, PasswordPolicy};
pub use portico_kernel::{SecretToken, TokenDigest};
pub use recovery::RecoveryCode;
pub use second_factor_code::SecondFactorCode;
pub use seed_vault::{InvalidSeedKey, SealedSeed, SeedVault};
pub use services::{
    AuthError, Caller, Enrolment, GuardedAction, IpWhitelistPorts, IpWhitelists, LoginAttempt,
    LoginError, LoginPorts, Logins, NewSession, PasswordChangeError, PasswordChangePorts,
    PasswordChanges, PasswordError, PasswordResetPorts, PasswordResets, Passwords, RateLimitError,
    RateLimitPolicies, RateLimits, ReauthError, ReauthPorts, Reauthentication,
    ReauthenticationRequired, ResetError, SecondFactorError, SecondFactorLogin,
    SecondFactorLoginPorts, SecurityLog, SessionError, Sessions, StepUp, StepUpPorts,
    TwoFactorEnrolmentPorts, TwoFactorEnrolments, TwoFactorError, TwoFactorStatus,
    UsernameChangeError, UsernameChangePorts, UsernameChanges, WhitelistError,
};
pub use session::{ClientInfo, Session, SessionPolicy};
pub use throttle::{Claim, ThrottleKey, ThrottlePolicies, ThrottlePolicy, ThrottleRepository};
pub use totp::{TotpCode, TotpSeed};
pub use two_factor::{GuardedWriteError, SecondFactorProof, TwoFactorRecord, TwoFactorRepository};
pub use whitelist::{
    AddressGate, Cidr, InvalidCidr, IpWhitelistRepository, WhitelistEntry, WhitelistLabel,
};

/// mockall doubles of security's ports, for an embedder's unit tests (feature `mocks`).
#[cfg(any(test, feature = "mocks"))]
pub mod mocks {
    pub use crate::devices::MockDeviceRepository;
    pub use crate::events::MockSecurityEventRepository;
    pub use crate::hasher::MockPasswordHasher;
    pub use crate::ports::{
        MockCredentialRepository, MockPasswordResetRepository, MockSessionRepository,
        MockUsernameRepository,
    };
    pub use crate::throttle::MockThrottleRepository;
    pub use crate::two_factor::MockTwoFactorRepository;
    pub use crate::whitelist::MockIpWhitelistRepository;
}
