//! Identity's email changes in security's audit trail: identity declares the
//! [`EmailAuditTrail`] port, security keeps the log, and this bridge, here where the
//! two domains meet, turns one into the other.

use std::sync::Arc;

use async_trait::async_trait;
use portico_identity::ports::{EmailAuditTrail, EmailChange};
use portico_kernel::{AccountId, ClientInfo, StorageError};
use portico_security::{SecurityEvent, SecurityEventKind, SecurityEventRepository};
use time::OffsetDateTime;

/// Records identity's email changes as security events.
#[derive(Clone)]
pub struct EmailChangesInSecurityLog {
    events: Arc<dyn SecurityEventRepository>,
}

impl EmailChangesInSecurityLog {
    /// Writes to security's audit trail `events`.
    pub fn new(events: Arc<dyn SecurityEventRepository>) -> Self {
        Self { events }
    }
}

/// The security event kind of an email change.
fn kind_of(change: EmailChange) -> SecurityEventKind {
    match change {
        EmailChange::Added => SecurityEventKind::EmailAdded,
        EmailChange::Changed => SecurityEventKind::EmailChanged,
        EmailChange::Verified => SecurityEventKind::EmailVerified,
        EmailChange::MadePrimary => SecurityEventKind::PrimaryEmailChanged,
        EmailChange::Removed => SecurityEventKind::EmailRemoved,
    }
}

#[async_trait]
impl EmailAuditTrail for EmailChangesInSecurityLog {
    async fn record(
        &self,
        account: AccountId,
        change: EmailChange,
        detail: String,
        at: OffsetDateTime,
        client: &ClientInfo,
    ) -> Result<(), StorageError> {
        let event = SecurityEvent::new(account, kind_of(change), at, client, Some(detail));
        self.events.record(&event).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_security::mocks::MockSecurityEventRepository;

    #[tokio::test]
    async fn an_email_change_is_one_security_event_with_its_detail() {
        let account = AccountId::generate();
        let mut events = MockSecurityEventRepository::new();
        events
            .expect_record()
            .withf(move |event| {
                event.account == account
                    && event.kind == SecurityEventKind::PrimaryEmailChanged
                    && event.detail.as_deref() == Some("work@example.com")
                    && event.at == OffsetDateTime::UNIX_EPOCH
            })
            .times(1)
            .returning(|_| Ok(()));
        let bridge = EmailChangesInSecurityLog::new(Arc::new(events));

        bridge
            .record(
                account,
                EmailChange::MadePrimary,
                "work@example.com".into(),
                OffsetDateTime::UNIX_EPOCH,
                &ClientInfo::default(),
            )
            .await
            .unwrap();
    }

    #[test]
    fn every_email_change_has_its_own_kind() {
        let kinds = [
            EmailChange::Added,
            EmailChange::Changed,
            EmailChange::Verified,
            EmailChange::MadePrimary,
            EmailChange::Removed,
        ]
        .map(kind_of);
        for (index, kind) in kinds.iter().enumerate() {
            assert!(!kinds[index + 1..].contains(kind), "{kind:?}");
        }
    }
}
