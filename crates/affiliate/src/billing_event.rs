//! [`BillingEventId`]: how the billing system names a payment or a refund.

use std::fmt;

/// The billing system's id of a payment or refund event. The ledger keys on it, so
/// the same event delivered twice changes nothing; it is kept exactly as sent.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BillingEventId(String);

/// An event id is blank, too long, or holds control characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an event id has 1 to 100 characters")]
pub struct InvalidBillingEventId;

impl BillingEventId {
    /// The longest id, in characters (the column's width on every engine).
    pub const MAX_LEN: usize = 100;

    /// Reads an id as the billing system sent it: not blank, at most
    /// [`Self::MAX_LEN`] characters, no control characters. It is not trimmed: `pay-1` and
    /// ` pay-1` are two events to the ledger, as they are to the billing system.
    pub fn parse(text: &str) -> Result<Self, InvalidBillingEventId> {
        let valid = !text.trim().is_empty()
            && text.chars().count() <= Self::MAX_LEN
            && !text.chars().any(char::is_control);
        if valid {
            Ok(Self(text.to_owned()))
        } else {
            Err(InvalidBillingEventId)
        }
    }

    /// The id as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BillingEventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_id_is_kept_as_sent_within_its_bounds() {
        assert_eq!(BillingEventId::parse(" pay-1").unwrap().as_str(), " pay-1");
        assert!(BillingEventId::parse(&"x".repeat(100)).is_ok());
        // Characters count, not bytes: the column holds 100 of any kind.
        assert!(BillingEventId::parse(&"é".repeat(100)).is_ok());
        for refused in ["", "   ", "pay\n1", "pay\u{0}"] {
            assert_eq!(BillingEventId::parse(refused), Err(InvalidBillingEventId));
        }
        assert_eq!(
            BillingEventId::parse(&"x".repeat(101)),
            Err(InvalidBillingEventId)
        );
    }
}
