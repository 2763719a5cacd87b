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
//!   hashes on threads of its own, one per core;
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
//! Features: `full` (the default) is everything above. Without it, `hasher` gives
//! the [`password_policy`], the argon2id [`hasher`] and [`Passwords`] (which is the
//! kernel's `CredentialPreparer`) and nothing of TOTP, seed sealing, QR codes or
//! address ranges; with neither, the password policy alone
//! (`default-features = false`).
//!
//! Embedding: implement the ports with `#[portico_kernel::async_trait]` and copy the
//! `[profile.dev.package]` lines of `docs/embedding.md` so argon2 is optimised in
//! debug builds. The [`Argon2Hasher`] hashes on its own threads, so any executor
//! can await it; `examples/policy_and_hasher.rs` uses none but a plain loop. The
//! services of `full` are meant for a Tokio runtime: [`PasswordResets::request`]
//! answers at once and looks the account up in a task it spawns.
//!

// The example needs every service, so it is shown (and compiled as a doctest) only
// with `full`.
#![cfg_attr(
    feature = "full",
    doc = r#"
```no_run
use std::sync::Arc;
use portico_kernel::{Password, SystemClock};
use portico_security::ports::{CredentialRepository, SessionRepository};
use portico_security::{
    Argon2Hasher, ClientInfo, DeviceRepository, LoginAttempt, LoginPorts, Logins,
    SecurityEventRepository, IpWhitelistRepository, SessionPolicy, ThrottlePolicies,
    ThrottleRepository, TwoFactorRepository,
};

async fn log_in(
    credentials: Arc<dyn CredentialRepository>,
    sessions: Arc<dyn SessionRepository>,
    devices: Arc<dyn DeviceRepository>,
    events: Arc<dyn SecurityEventRepository>,
    throttle: Arc<dyn ThrottleRepository>,
    two_factor: Arc<dyn TwoFactorRepository>,
    whitelist: Arc<dyn IpWhitelistRepository>,
) -> Result<(), Box<dyn std::error::Error>> {
    let ports = LoginPorts {
        credentials,
        sessions,
        devices,
        hasher: Arc::new(Argon2Hasher::new()?),
        events,
        throttle,
        two_factor,
        whitelist,
        clock: Arc::new(SystemClock),
    };
    let login = Logins::new(ports, SessionPolicy::default(), ThrottlePolicies::default());
    let password = Password::new("violet tractor sings".into());
    let attempt = LoginAttempt { login: "ada", password: &password, device_token: None };
    let opened = login.login(attempt, ClientInfo::default()).await?;
    if opened.session.second_factor_pending {
        println!("now send a TOTP or recovery code to complete the login");
    }
    Ok(())
}
```
"#
)]

#[cfg(feature = "full")]
pub mod devices;
#[cfg(feature = "full")]
pub mod events;
#[cfg(feature = "hasher")]
pub mod hasher;
#[cfg(feature = "full")]
pub mod notice;
pub mod password_policy;
#[cfg(feature = "full")]
pub mod ports;
#[cfg(feature = "full")]
pub mod qr;
#[cfg(feature = "full")]
pub mod recovery;
#[cfg(feature = "full")]
pub mod second_factor_code;
#[cfg(feature = "full")]
pub mod seed_vault;
#[cfg(feature = "hasher")]
pub mod services;
#[cfg(feature = "full")]
pub mod session;
#[cfg(feature = "full")]
pub mod throttle;
#[cfg(feature = "full")]
pub mod totp;
#[cfg(feature = "full")]
pub mod two_factor;
#[cfg(feature = "full")]
pub mod whitelist;

#[cfg(feature = "full")]
pub use devices::{DeviceRepository, KnownDevice};
#[cfg(feature = "full")]
pub use events::{SecurityEvent, SecurityEventKind, SecurityEventRepository};
#[cfg(feature = "hasher")]
pub use hasher::{Argon2Hasher, PasswordHasher, Verification};
#[cfg(feature = "full")]
pub use notice::{SecurityNotice, SettingChange};
pub use password_policy::{PasswordContext, PasswordPolicy};
pub use portico_kernel::{SecretToken, TokenDigest};
#[cfg(feature = "full")]
pub use recovery::RecoveryCode;
#[cfg(feature = "full")]
pub use second_factor_code::SecondFactorCode;
#[cfg(feature = "full")]
pub use seed_vault::{InvalidSeedKey, SealedSeed, SeedVault};
#[cfg(feature = "full")]
pub use services::{
    AuthError, Caller, Enrolment, GuardedAction, IpWhitelistPorts, IpWhitelists, LoginAttempt,
    LoginError, LoginPorts, Logins, NewSession, PasswordChangeError, PasswordChangePorts,
    PasswordChanges, PasswordResetPorts, PasswordResets, RateLimitError, RateLimitPolicies,
    RateLimits, ReauthError, ReauthPorts, Reauthentication, ReauthenticationRequired, ResetError,
    SecondFactorError, SecondFactorLogin, SecondFactorLoginPorts, SecurityLog, SessionError,
    Sessions, StepUp, StepUpPorts, TwoFactorEnrolmentPorts, TwoFactorEnrolments, TwoFactorError,
    TwoFactorStatus, UsernameChangeError, UsernameChangePorts, UsernameChanges, WhitelistError,
};
#[cfg(feature = "hasher")]
pub use services::{PasswordError, Passwords};
#[cfg(feature = "full")]
pub use session::{ClientInfo, Session, SessionPolicy};
#[cfg(feature = "full")]
pub use throttle::{Claim, ThrottleKey, ThrottlePolicies, ThrottlePolicy, ThrottleRepository};
#[cfg(feature = "full")]
pub use totp::{TotpCode, TotpSeed};
#[cfg(feature = "full")]
pub use two_factor::{GuardedWriteError, SecondFactorProof, TwoFactorRecord, TwoFactorRepository};
#[cfg(feature = "full")]
pub use whitelist::{
    AddressGate, Cidr, InvalidCidr, IpWhitelistRepository, WhitelistEntry, WhitelistLabel,
};

/// mockall doubles of security's ports, for an embedder's unit tests (feature `mocks`).
#[cfg(any(test, feature = "mocks"))]
pub mod mocks {
    #[cfg(feature = "hasher")]
    pub use crate::hasher::MockPasswordHasher;
    #[cfg(feature = "full")]
    pub use crate::ports::{
        MockCredentialRepository, MockPasswordResetRepository, MockSessionRepository,
        MockUsernameRepository,
    };
    #[cfg(feature = "full")]
    pub use crate::{
        devices::MockDeviceRepository, events::MockSecurityEventRepository,
        throttle::MockThrottleRepository, two_factor::MockTwoFactorRepository,
        whitelist::MockIpWhitelistRepository,
    };
}
