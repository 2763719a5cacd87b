//! What security tells a person by mail. The application renders each notice with
//! the templates of the same name; the values below are what those templates read.

use std::net::IpAddr;

use portico_kernel::{Notice, NoticeValue, OneTimeLink, Username};

use crate::whitelist::Cidr;

/// A security setting that changed, told to the account with the same facts (who,
/// from where), one template each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingChange {
    /// The password was changed (other sessions were logged out).
    PasswordChanged,
    /// The password was reset (every session was logged out).
    PasswordResetDone,
    /// Two-factor authentication was turned on.
    TwoFactorEnabled,
    /// Two-factor authentication was turned off.
    TwoFactorDisabled,
    /// A new set of recovery codes replaced the old one.
    RecoveryCodesRenewed,
}

impl SettingChange {
    fn name(self) -> &'static str {
        match self {
            Self::PasswordChanged => "password_changed",
            Self::PasswordResetDone => "password_reset_done",
            Self::TwoFactorEnabled => "two_factor_enabled",
            Self::TwoFactorDisabled => "two_factor_disabled",
            Self::RecoveryCodesRenewed => "recovery_codes_renewed",
        }
    }
}

/// Every mail security sends. `ip` is the client address the change came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityNotice {
    /// A security setting changed.
    SettingChanged {
        /// Which one.
        change: SettingChange,
        /// The account's username.
        username: Username,
        /// Where the change came from, if known.
        ip: Option<IpAddr>,
    },
    /// The username changed, naming the old and the new one.
    UsernameChanged {
        /// The username before.
        old_username: Username,
        /// The username now.
        new_username: Username,
        /// Where the change came from, if known.
        ip: Option<IpAddr>,
    },
    /// A range was added to or removed from the IP whitelist.
    IpWhitelistChanged {
        /// The account's username.
        username: Username,
        /// The range.
        cidr: Cidr,
        /// Added (`true`) or removed.
        added: bool,
        /// Where the change came from, if known.
        ip: Option<IpAddr>,
    },
    /// A password reset was asked for: the link to choose a new password.
    PasswordReset {
        /// The account's username.
        username: Username,
        /// The reset link.
        link: OneTimeLink,
        /// Whether the reset will also ask for a second factor.
        two_factor: bool,
    },
}

impl Notice for SecurityNotice {
    fn name(&self) -> &'static str {
        match self {
            Self::SettingChanged { change, .. } => change.name(),
            Self::UsernameChanged { .. } => "username_changed",
            Self::IpWhitelistChanged { .. } => "ip_whitelist_changed",
            Self::PasswordReset { .. } => "password_reset",
        }
    }

    fn values(&self) -> Vec<(&'static str, NoticeValue)> {
        let text = |value: &dyn ToString| NoticeValue::Text(value.to_string());
        let ip = |ip: &Option<IpAddr>| NoticeValue::from(ip.map(|ip| ip.to_string()));
        match self {
            Self::SettingChanged {
                username, ip: at, ..
            } => {
                vec![("username", text(username)), ("ip", ip(at))]
            }
            Self::UsernameChanged {
                old_username,
                new_username,
                ip: at,
            } => vec![
                ("old_username", text(old_username)),
                ("new_username", text(new_username)),
                ("ip", ip(at)),
            ],
            Self::IpWhitelistChanged {
                username,
                cidr,
                added,
                ip: at,
            } => vec![
                ("username", text(username)),
                ("cidr", text(cidr)),
                ("added", NoticeValue::Flag(*added)),
                ("ip", ip(at)),
            ],
            Self::PasswordReset {
                username,
                two_factor,
                ..
            } => vec![
                ("username", text(username)),
                ("two_factor", NoticeValue::Flag(*two_factor)),
            ],
        }
    }

    fn link(&self) -> Option<&OneTimeLink> {
        match self {
            Self::PasswordReset { link, .. } => Some(link),
            _ => None,
        }
    }
}
