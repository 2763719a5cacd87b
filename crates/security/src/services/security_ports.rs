//! Every port the second-factor, username and reset services work with, in one
//! bundle so that wiring them stays one struct literal.

use std::sync::Arc;

use portico_kernel::{AccountContacts, Clock, NoticeComposer};

use crate::devices::DeviceRepository;
use crate::events::SecurityEventRepository;
use crate::hasher::PasswordHasher;
use crate::ports::{
    CredentialRepository, PasswordResetRepository, SessionRepository, UsernameRepository,
};
use crate::throttle::ThrottleRepository;
use crate::two_factor::TwoFactorRepository;
use crate::whitelist::IpWhitelistRepository;

/// The ports of the security services beyond login and password change.
#[derive(Clone)]
pub struct SecurityPorts {
    /// Password credentials.
    pub credentials: Arc<dyn CredentialRepository>,
    /// Sessions.
    pub sessions: Arc<dyn SessionRepository>,
    /// Known-device credentials.
    pub devices: Arc<dyn DeviceRepository>,
    /// Two-factor state and recovery codes.
    pub two_factor: Arc<dyn TwoFactorRepository>,
    /// Usernames.
    pub usernames: Arc<dyn UsernameRepository>,
    /// Reset tokens.
    pub resets: Arc<dyn PasswordResetRepository>,
    /// Account facts (username, emails, language).
    pub directory: Arc<dyn AccountContacts>,
    /// The audit trail.
    pub events: Arc<dyn SecurityEventRepository>,
    /// The password hasher.
    pub hasher: Arc<dyn PasswordHasher>,
    /// The failure counters.
    pub throttle: Arc<dyn ThrottleRepository>,
    /// IP whitelists.
    pub whitelist: Arc<dyn IpWhitelistRepository>,
    /// The notification composer.
    pub composer: Arc<dyn NoticeComposer>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}
