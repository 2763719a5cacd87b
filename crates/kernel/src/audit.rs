//! [`AuditEntry`]: a line of an account's audit trail, as a change hands it to its
//! storage so the line is written in the change's own transaction.
//!
//! Each domain describes its own events in its own words (delegation's
//! `DelegateEvent`, affiliate's `AffiliateEvent`); the security domain keeps the trail
//! and owns the names of its kinds. The app, where the two meet, turns one into the
//! other through each domain's audit port, and the storage writes the resulting entry
//! without knowing either domain.

use time::OffsetDateTime;

use crate::{AccountId, ClientInfo, EventId};

/// One line of an account's audit trail, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Its id.
    pub id: EventId,
    /// Whose account.
    pub account: AccountId,
    /// The stored name of what happened (`delegate_invited`, ...), as the audit trail's
    /// owner names it.
    pub kind: &'static str,
    /// When.
    pub at: OffsetDateTime,
    /// Where the request came from.
    pub client: ClientInfo,
    /// A public detail (an address, a scope, a destination), never a secret.
    pub detail: Option<String>,
}

impl AuditEntry {
    /// A new line with a fresh id.
    pub fn new(
        account: AccountId,
        kind: &'static str,
        at: OffsetDateTime,
        client: &ClientInfo,
        detail: Option<String>,
    ) -> Self {
        Self {
            id: EventId::generate(),
            account,
            kind,
            at,
            client: client.clone(),
            detail,
        }
    }
}
