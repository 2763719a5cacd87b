//! What identity tells a person by mail. The application renders each notice with
//! the templates of the same name; the values below are what those templates read.

use portico_kernel::{EmailAddress, Notice, NoticeValue, OneTimeLink, Username};

use crate::PersonName;

/// Every mail identity sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityNotice {
    /// After registration: welcome, and confirm the registration address.
    Welcome {
        /// The new username.
        username: Username,
        /// Given name, for the greeting.
        first_name: PersonName,
        /// The verification link.
        link: OneTimeLink,
    },
    /// An address was added (or edited): confirm it.
    VerifyEmail {
        /// The account's username.
        username: Username,
        /// The verification link.
        link: OneTimeLink,
    },
    /// To the former primary address: the primary address changed.
    PrimaryEmailChanged {
        /// The account's username.
        username: Username,
        /// The new primary address.
        new_address: EmailAddress,
    },
}

impl Notice for IdentityNotice {
    fn name(&self) -> &'static str {
        match self {
            Self::Welcome { .. } => "welcome",
            Self::VerifyEmail { .. } => "verify_email",
            Self::PrimaryEmailChanged { .. } => "primary_email_changed",
        }
    }

    fn values(&self) -> Vec<(&'static str, NoticeValue)> {
        let text = |value: &dyn ToString| NoticeValue::Text(value.to_string());
        match self {
            Self::Welcome {
                username,
                first_name,
                ..
            } => vec![
                ("username", text(username)),
                ("first_name", text(first_name)),
            ],
            Self::VerifyEmail { username, .. } => vec![("username", text(username))],
            Self::PrimaryEmailChanged {
                username,
                new_address,
            } => vec![
                ("username", text(username)),
                ("new_address", text(new_address)),
            ],
        }
    }

    fn link(&self) -> Option<&OneTimeLink> {
        match self {
            Self::Welcome { link, .. } | Self::VerifyEmail { link, .. } => Some(link),
            Self::PrimaryEmailChanged { .. } => None,
        }
    }
}
