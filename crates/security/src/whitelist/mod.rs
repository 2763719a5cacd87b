//! IP whitelists: an account may restrict where its logins and requests come from.
//!
//! An empty list restricts nothing. A non-empty one admits only client addresses
//! inside one of its ranges, at login and on every authenticated request, sessions
//! opened before a change included. The rule that keeps a client from locking itself
//! out lives here ([`check_lockout`]) and is applied by storage inside the locked
//! transaction of each change, so two concurrent changes cannot together shut the
//! caller out.

mod cidr;
mod gate;

use std::net::IpAddr;

use async_trait::async_trait;
use portico_kernel::NewMessage;
use portico_kernel::{AccountId, StorageError, WhitelistEntryId};
use time::OffsetDateTime;

use crate::events::SecurityEvent;

pub use cidr::{Cidr, InvalidCidr};
pub use gate::{AddressGate, GateError};

/// Most entries one account may have.
pub const MAX_ENTRIES: usize = 50;

/// The label is too long or holds control characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a label has at most 60 characters and no control characters")]
pub struct InvalidLabel;

/// A short name for an entry ("office", "VPN").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhitelistLabel(String);

impl WhitelistLabel {
    /// Longest label, in characters.
    pub const MAX_CHARS: usize = 60;

    /// Reads a label, trimmed; an empty one is no label.
    pub fn parse(input: &str) -> Result<Option<Self>, InvalidLabel> {
        let label = input.trim();
        if label.chars().count() > Self::MAX_CHARS || label.chars().any(char::is_control) {
            return Err(InvalidLabel);
        }
        Ok((!label.is_empty()).then(|| Self(label.to_owned())))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One whitelisted range of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhitelistEntry {
    /// Its id.
    pub id: WhitelistEntryId,
    /// Whose list.
    pub account: AccountId,
    /// The range.
    pub cidr: Cidr,
    /// Its label.
    pub label: Option<WhitelistLabel>,
    /// When it was added.
    pub created_at: OffsetDateTime,
    /// When it last let a login or request in (to within a minute).
    pub last_used_at: Option<OffsetDateTime>,
}

/// Whether a list lets `address` in: an empty list lets everyone in, a non-empty one
/// only addresses inside one of its ranges (an unknown address is not inside any).
pub fn admits(entries: &[WhitelistEntry], address: Option<IpAddr>) -> bool {
    entries.is_empty() || matching(entries, address).is_some()
}

/// The first entry whose range holds `address`.
pub fn matching(entries: &[WhitelistEntry], address: Option<IpAddr>) -> Option<&WhitelistEntry> {
    let address = address?;
    entries.iter().find(|entry| entry.cidr.contains(address))
}

/// The change would shut its author out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("your address {caller} would be outside the list")]
pub struct LockOut {
    /// The caller's address ("unknown" when the server could not tell).
    pub caller: CallerAddress,
}

/// The caller's address, as shown in a [`LockOut`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallerAddress(pub Option<IpAddr>);

impl std::fmt::Display for CallerAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(ip) => ip.fmt(f),
            None => f.write_str("(unknown)"),
        }
    }
}

/// The lock-out rule: after a change, a list that is not empty must still hold the
/// caller's address. So adding the first entry must cover the caller, and the entry
/// that covers the caller can go only with the others (removing the last entry lifts
/// the restriction and is always allowed).
pub fn check_lockout(after: &[Cidr], caller: Option<IpAddr>) -> Result<(), LockOut> {
    let admitted = after.is_empty()
        || caller.is_some_and(|address| after.iter().any(|cidr| cidr.contains(address)));
    if admitted {
        Ok(())
    } else {
        Err(LockOut {
            caller: CallerAddress(caller),
        })
    }
}

/// A new entry with its event and notices.
#[derive(Debug, Clone)]
pub struct WhitelistAddition {
    /// The entry.
    pub entry: WhitelistEntry,
    /// The address of the client making the change, for the lock-out rule.
    pub caller: Option<IpAddr>,
    /// The audit event.
    pub event: SecurityEvent,
    /// The notices to the primary and every other verified address.
    pub notices: Vec<NewMessage>,
}

/// The removal of an entry with its event and notices.
#[derive(Debug, Clone)]
pub struct WhitelistRemoval {
    /// Whose list.
    pub account: AccountId,
    /// The entry.
    pub id: WhitelistEntryId,
    /// The address of the client making the change, for the lock-out rule.
    pub caller: Option<IpAddr>,
    /// The audit event.
    pub event: SecurityEvent,
    /// The notices to the primary and every other verified address.
    pub notices: Vec<NewMessage>,
}

/// Why a whitelist change wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum WhitelistWriteError {
    /// MUST mean: the account has no entry with this id.
    #[error("no such entry")]
    NotFound,
    /// MUST mean: the account's list already holds this range.
    #[error("the range is already listed")]
    Duplicate,
    /// MUST mean: the account already has [`MAX_ENTRIES`] entries.
    #[error("the list is full")]
    LimitReached,
    /// MUST mean: [`check_lockout`] refused the list as it would be after the change,
    /// judged inside the change's locked transaction.
    #[error(transparent)]
    LockOut(#[from] LockOut),
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// IP whitelists.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait IpWhitelistRepository: Send + Sync {
    /// The account's entries, oldest first.
    async fn list(&self, account: AccountId) -> Result<Vec<WhitelistEntry>, StorageError>;

    /// Adds the entry with its event and notices, in one transaction that holds the
    /// account's lock while it checks the limit, duplicates and [`check_lockout`].
    async fn add(&self, addition: &WhitelistAddition) -> Result<(), WhitelistWriteError>;

    /// Removes the entry with its event and notices, in one transaction that holds the
    /// account's lock while it checks [`check_lockout`] on the entries left.
    async fn remove(&self, removal: &WhitelistRemoval) -> Result<(), WhitelistWriteError>;

    /// Records that the entry let a login or request in at `at`.
    async fn touch(
        &self,
        account: AccountId,
        id: WhitelistEntryId,
        at: OffsetDateTime,
    ) -> Result<(), StorageError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(cidr: &str) -> WhitelistEntry {
        WhitelistEntry {
            id: WhitelistEntryId::generate(),
            account: AccountId::generate(),
            cidr: Cidr::parse(cidr).unwrap(),
            label: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            last_used_at: None,
        }
    }

    fn ip(text: &str) -> Option<IpAddr> {
        text.parse().ok()
    }

    #[test]
    fn an_empty_list_admits_everyone_and_a_list_only_its_ranges() {
        assert!(admits(&[], ip("203.0.113.9")));
        assert!(admits(&[], None));
        let list = [entry("192.0.2.0/24"), entry("2001:db8::/32")];
        assert!(admits(&list, ip("192.0.2.200")));
        assert!(admits(&list, ip("::ffff:192.0.2.1")));
        assert!(admits(&list, ip("2001:db8::5")));
        assert!(!admits(&list, ip("198.51.100.1")));
        assert!(!admits(&list, None));
        assert_eq!(matching(&list, ip("2001:db8::5")), Some(&list[1]));
    }

    #[test]
    fn a_change_that_would_shut_the_caller_out_is_refused() {
        let office = Cidr::parse("192.0.2.0/24").unwrap();
        let home = Cidr::parse("198.51.100.7").unwrap();
        let caller = ip("192.0.2.10");
        // The first entry must cover the caller.
        assert!(check_lockout(&[home], caller).is_err());
        assert!(check_lockout(&[office], caller).is_ok());
        // Removing the caller's entry while others remain is refused...
        assert_eq!(
            check_lockout(&[home], caller),
            Err(LockOut {
                caller: CallerAddress(caller)
            })
        );
        // ...removing the last entry lifts the restriction.
        assert!(check_lockout(&[], caller).is_ok());
        assert!(check_lockout(&[office], None).is_err());
    }

    #[test]
    fn labels_are_trimmed_bounded_and_printable() {
        assert_eq!(
            WhitelistLabel::parse("  office ")
                .unwrap()
                .unwrap()
                .as_str(),
            "office"
        );
        assert_eq!(WhitelistLabel::parse("   ").unwrap(), None);
        assert!(WhitelistLabel::parse(&"x".repeat(61)).is_err());
        assert!(WhitelistLabel::parse("a\nb").is_err());
    }
}
