//! What the affiliate program tells a person by mail. The application renders each
//! notice with the templates of the same name; the values below are what those
//! templates read.

use std::net::IpAddr;

use portico_kernel::{Notice, NoticeValue, Username};

/// Every mail the affiliate program sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AffiliateNotice {
    /// A payout destination was added or removed.
    PayoutDestinationChanged {
        /// The affiliate's username.
        username: Username,
        /// A public description of the destination (never a whole IBAN).
        destination: String,
        /// Added (`true`) or removed.
        added: bool,
        /// Where the change came from, if known.
        ip: Option<IpAddr>,
    },
}

impl Notice for AffiliateNotice {
    fn name(&self) -> &'static str {
        match self {
            Self::PayoutDestinationChanged { .. } => "payout_destination_changed",
        }
    }

    fn values(&self) -> Vec<(&'static str, NoticeValue)> {
        match self {
            Self::PayoutDestinationChanged {
                username,
                destination,
                added,
                ip,
            } => vec![
                ("username", NoticeValue::Text(username.to_string())),
                ("destination", NoticeValue::Text(destination.clone())),
                ("added", NoticeValue::Flag(*added)),
                ("ip", ip.map(|ip| ip.to_string()).into()),
            ],
        }
    }
}
