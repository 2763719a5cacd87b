//! What delegation tells a person by mail. The application renders each notice
//! with the templates of the same name; the values below are what those templates
//! read.

use std::net::IpAddr;

use portico_kernel::{EmailAddress, Notice, NoticeValue, OneTimeLink, Username};

/// What happened to one of the owner's delegates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DelegateChange {
    /// An address was invited.
    Invited,
    /// The products a delegate reaches changed.
    ScopeChanged,
    /// A delegate was revoked or an invitation withdrawn.
    Revoked,
}

impl DelegateChange {
    /// The word the templates tell the cases apart by.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::ScopeChanged => "scope_changed",
            Self::Revoked => "revoked",
        }
    }
}

/// Every mail delegation sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DelegationNotice {
    /// To an invited address: the link to accept.
    Invitation {
        /// The inviting account's username.
        owner: Username,
        /// The acceptance link.
        link: OneTimeLink,
    },
    /// To the owner: a delegate accepted.
    Accepted {
        /// The owner's username.
        owner: Username,
        /// The address the invitation went to.
        delegate_email: EmailAddress,
    },
    /// To the owner: a delegate was invited, rescoped or removed.
    Changed {
        /// The owner's username.
        owner: Username,
        /// The delegate's address.
        delegate_email: EmailAddress,
        /// What happened.
        change: DelegateChange,
        /// Where the change came from, if known.
        ip: Option<IpAddr>,
    },
    /// To a delegate: the owner revoked the access.
    Revoked {
        /// The owner's username.
        owner: Username,
    },
}

impl Notice for DelegationNotice {
    fn name(&self) -> &'static str {
        match self {
            Self::Invitation { .. } => "delegate_invitation",
            Self::Accepted { .. } => "delegate_accepted",
            Self::Changed { .. } => "delegates_changed",
            Self::Revoked { .. } => "delegate_revoked",
        }
    }

    fn values(&self) -> Vec<(&'static str, NoticeValue)> {
        let text = |value: &dyn ToString| NoticeValue::Text(value.to_string());
        match self {
            Self::Invitation { owner, .. } | Self::Revoked { owner } => {
                vec![("owner", text(owner))]
            }
            Self::Accepted {
                owner,
                delegate_email,
            } => vec![
                ("username", text(owner)),
                ("delegate_email", text(delegate_email)),
            ],
            Self::Changed {
                owner,
                delegate_email,
                change,
                ip,
            } => vec![
                ("username", text(owner)),
                ("delegate_email", text(delegate_email)),
                ("change", text(&change.as_str())),
                ("ip", ip.map(|ip| ip.to_string()).into()),
            ],
        }
    }

    fn link(&self) -> Option<&OneTimeLink> {
        match self {
            Self::Invitation { link, .. } => Some(link),
            _ => None,
        }
    }
}
