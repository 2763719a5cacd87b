//! Typed identifiers.
//!
//! Every id is a UUIDv7 behind a newtype: v7 ids sort by creation time, which keeps
//! index pages warm, and the newtype stops an `AccountId` from being used as a
//! `SessionId`. On the wire and in the database an id is its hyphenated text form;
//! clients must treat it as opaque.

use std::fmt;
use std::str::FromStr;

/// The text given was not an id of the expected kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a valid identifier")]
pub struct InvalidId;

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(uuid::Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn generate() -> Self {
                Self(uuid::Uuid::now_v7())
            }

            /// Reads an id from its text form; anything but a hyphenated UUID is refused.
            pub fn parse(text: &str) -> Result<Self, InvalidId> {
                if text.len() != 36 {
                    return Err(InvalidId);
                }
                uuid::Uuid::try_parse(text).map(Self).map_err(|_| InvalidId)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }
    };
}

typed_id!(
    /// Identifies a client account.
    AccountId
);
typed_id!(
    /// Identifies one login session.
    SessionId
);
typed_id!(
    /// Identifies one email address of an account.
    EmailId
);
typed_id!(
    /// Identifies one phone number of an account.
    PhoneId
);
typed_id!(
    /// Identifies one postal address of an account.
    AddressId
);
typed_id!(
    /// Identifies one email message in the outbox and the email history.
    MessageId
);
typed_id!(
    /// Identifies one entry of an account's security audit trail.
    EventId
);
typed_id!(
    /// Identifies one entry of an account's IP whitelist.
    WhitelistEntryId
);
typed_id!(
    /// Identifies one affiliate link.
    LinkId
);
typed_id!(
    /// Identifies one entry of an affiliate's commission ledger.
    CommissionId
);
typed_id!(
    /// Identifies one payout destination of an affiliate.
    DestinationId
);
typed_id!(
    /// Identifies one payout.
    PayoutId
);
typed_id!(
    /// Identifies one delegate of an account: an invitation, then the grant it
    /// becomes when accepted.
    DelegateId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_survives_its_text_form() {
        let id = AccountId::generate();
        assert_eq!(AccountId::parse(&id.to_string()), Ok(id));
    }

    #[test]
    fn text_that_is_not_a_hyphenated_uuid_is_refused() {
        assert_eq!(AccountId::parse(""), Err(InvalidId));
        assert_eq!(AccountId::parse("42"), Err(InvalidId));
        assert_eq!(
            AccountId::parse("0190c7a2c1a97c3a8a2f5d2e1b0c9d8e"),
            Err(InvalidId)
        );
        assert_eq!(
            AccountId::parse("0190c7a2-c1a9-7c3a-8a2f-5d2e1b0c9d8z"),
            Err(InvalidId)
        );
    }

    #[test]
    fn later_ids_sort_after_earlier_ones() {
        let first = SessionId::generate();
        let second = SessionId::generate();
        assert!(first.to_string() < second.to_string());
    }
}
