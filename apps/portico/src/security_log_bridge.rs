//! Delegation's and the affiliate program's events as lines of security's audit
//! trail. Each of those domains declares an audit port in its own words
//! ([`DelegateAudit`], [`AffiliateAudit`]); security owns the trail and the names of
//! its kinds; this bridge, here where the domains meet, turns one into the other. The
//! line it returns is a kernel [`AuditEntry`], which the change's storage writes in
//! the change's own transaction.

use portico_affiliate::ports::{AffiliateAudit, AffiliateEvent};
use portico_delegation::ports::{DelegateAudit, DelegateEvent, DelegateEventKind};
use portico_kernel::{AccountId, AuditEntry, ClientInfo};
use portico_security::{SecurityEvent, SecurityEventKind};
use time::OffsetDateTime;

/// Names other domains' events with security's event kinds.
#[derive(Debug, Clone, Copy, Default)]
pub struct SecurityLogEntries;

/// The security event kind of a change to a delegate.
fn delegate_kind(kind: DelegateEventKind) -> SecurityEventKind {
    match kind {
        DelegateEventKind::Invited => SecurityEventKind::DelegateInvited,
        DelegateEventKind::Accepted => SecurityEventKind::DelegateAccepted,
        DelegateEventKind::ScopeChanged => SecurityEventKind::DelegateScopeChanged,
        DelegateEventKind::Revoked => SecurityEventKind::DelegateRevoked,
    }
}

/// The line security's own code would write for an event of `kind`.
fn security_entry(
    account: AccountId,
    kind: SecurityEventKind,
    at: OffsetDateTime,
    client: &ClientInfo,
    detail: &str,
) -> AuditEntry {
    AuditEntry::from(&SecurityEvent::new(
        account,
        kind,
        at,
        client,
        Some(detail.to_owned()),
    ))
}

impl DelegateAudit for SecurityLogEntries {
    fn entry(&self, event: &DelegateEvent) -> AuditEntry {
        let kind = delegate_kind(event.kind);
        security_entry(event.owner, kind, event.at, &event.client, &event.detail)
    }
}

impl AffiliateAudit for SecurityLogEntries {
    fn entry(&self, event: &AffiliateEvent) -> AuditEntry {
        let kind = if event.added {
            SecurityEventKind::PayoutDestinationAdded
        } else {
            SecurityEventKind::PayoutDestinationRemoved
        };
        security_entry(event.account, kind, event.at, &event.client, &event.detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delegate_event_keeps_its_owner_time_client_and_detail() {
        let owner = AccountId::generate();
        let client = ClientInfo::new(Some([203, 0, 113, 7].into()), Some("browser"));
        let event = DelegateEvent {
            owner,
            kind: DelegateEventKind::ScopeChanged,
            at: OffsetDateTime::UNIX_EPOCH,
            client: client.clone(),
            detail: "bo@example.com: all products".into(),
        };

        let entry = DelegateAudit::entry(&SecurityLogEntries, &event);

        assert_eq!(entry.account, owner);
        assert_eq!(entry.kind, "delegate_scope_changed");
        assert_eq!(entry.at, OffsetDateTime::UNIX_EPOCH);
        assert_eq!(entry.client, client);
        assert_eq!(
            entry.detail.as_deref(),
            Some("bo@example.com: all products")
        );
    }

    #[test]
    fn every_delegate_change_has_its_own_kind_that_the_log_reads_back() {
        let kinds = [
            DelegateEventKind::Invited,
            DelegateEventKind::Accepted,
            DelegateEventKind::ScopeChanged,
            DelegateEventKind::Revoked,
        ]
        .map(delegate_kind);
        for (index, kind) in kinds.iter().enumerate() {
            assert!(!kinds[index + 1..].contains(kind), "{kind:?}");
            assert_eq!(SecurityEventKind::parse(kind.as_str()).ok(), Some(*kind));
        }
    }

    #[test]
    fn a_destination_is_added_or_removed_in_the_log() {
        let event = |added| AffiliateEvent {
            account: AccountId::generate(),
            added,
            at: OffsetDateTime::UNIX_EPOCH,
            client: ClientInfo::default(),
            detail: "account credit".into(),
        };

        let added = AffiliateAudit::entry(&SecurityLogEntries, &event(true));
        let removed = AffiliateAudit::entry(&SecurityLogEntries, &event(false));

        assert_eq!(added.kind, "payout_destination_added");
        assert_eq!(removed.kind, "payout_destination_removed");
        assert_eq!(added.detail.as_deref(), Some("account credit"));
    }
}
