//! Letting a login or request through, or not, by its client address.

use std::sync::Arc;

use portico_kernel::{AccountId, Clock, StorageError};
use time::Duration;

use crate::events::{SecurityEvent, SecurityEventKind, SecurityEventRepository, record_refusal};
use crate::session::ClientInfo;
use crate::throttle::ThrottleRepository;
use crate::whitelist::{IpWhitelistRepository, admits};

/// A use of an entry is written back at most this often.
const TOUCH_INTERVAL: Duration = Duration::minutes(1);

/// Why the gate did not open.
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    /// The account's whitelist does not hold the client's address; the refusal was
    /// recorded in the account's audit trail.
    #[error("requests from this address are not allowed for this account")]
    Refused,
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StorageError),
}

/// Checks client addresses against accounts' IP whitelists, on every login and
/// every authenticated request (so a change applies to sessions already open).
#[derive(Clone)]
pub struct AddressGate {
    whitelist: Arc<dyn IpWhitelistRepository>,
    events: Arc<dyn SecurityEventRepository>,
    throttle: Arc<dyn ThrottleRepository>,
    clock: Arc<dyn Clock>,
}

impl AddressGate {
    /// Wires the gate.
    pub fn new(
        whitelist: Arc<dyn IpWhitelistRepository>,
        events: Arc<dyn SecurityEventRepository>,
        throttle: Arc<dyn ThrottleRepository>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            whitelist,
            events,
            throttle,
            clock,
        }
    }

    /// Lets `client` act for `account`, or refuses and records the refused address
    /// with what was attempted ("login", "request"; at most once a minute per
    /// address and attempt).
    pub async fn admit(
        &self,
        account: AccountId,
        client: &ClientInfo,
        what: &str,
    ) -> Result<(), GateError> {
        let entries = self.whitelist.list(account).await?;
        self.admit_listed(account, &entries, client, what).await
    }

    /// [`Self::admit`] against entries already read with the request's session, so
    /// that an authenticated request needs no second read for the whitelist.
    pub async fn admit_listed(
        &self,
        account: AccountId,
        entries: &[crate::whitelist::WhitelistEntry],
        client: &ClientInfo,
        what: &str,
    ) -> Result<(), GateError> {
        let now = self.clock.now();
        if admits(entries, client.ip) {
            self.mark_used(account, entries, client, now).await;
            return Ok(());
        }
        let address = client
            .ip
            .map_or_else(|| "an unknown address".to_owned(), |ip| ip.to_string());
        let event = SecurityEvent::new(
            account,
            SecurityEventKind::AddressRefused,
            now,
            client,
            Some(format!("{what} from {address}")),
        );
        record_refusal(self.events.as_ref(), self.throttle.as_ref(), &event, what).await?;
        tracing::info!(%account, %address, what, "address outside the IP whitelist refused");
        Err(GateError::Refused)
    }

    /// Notes the use of every entry that let the client in (at most once a minute
    /// each). A failure is logged, never turned into a refusal of a valid request.
    async fn mark_used(
        &self,
        account: AccountId,
        entries: &[crate::whitelist::WhitelistEntry],
        client: &ClientInfo,
        now: time::OffsetDateTime,
    ) {
        let Some(address) = client.ip else {
            return;
        };
        for entry in entries.iter().filter(|entry| {
            entry.cidr.contains(address)
                && entry
                    .last_used_at
                    .is_none_or(|last| now - last >= TOUCH_INTERVAL)
        }) {
            if let Err(error) = self.whitelist.touch(account, entry.id, now).await {
                tracing::warn!(%account, error = %error, "could not record a whitelist entry's use");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::MockSecurityEventRepository;
    use crate::throttle::MockThrottleRepository;
    use crate::whitelist::{Cidr, MockIpWhitelistRepository, WhitelistEntry};
    use portico_kernel::{FixedClock, WhitelistEntryId};
    use time::OffsetDateTime;

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap()
    }

    fn gate(
        whitelist: MockIpWhitelistRepository,
        events: MockSecurityEventRepository,
    ) -> AddressGate {
        let mut throttle = MockThrottleRepository::new();
        throttle.expect_claim().returning(|_, _| Ok(None));
        with_throttle(whitelist, events, throttle)
    }

    fn with_throttle(
        whitelist: MockIpWhitelistRepository,
        events: MockSecurityEventRepository,
        throttle: MockThrottleRepository,
    ) -> AddressGate {
        AddressGate::new(
            Arc::new(whitelist),
            Arc::new(events),
            Arc::new(throttle),
            Arc::new(FixedClock::at(now())),
        )
    }

    fn list(last_used_at: Option<OffsetDateTime>) -> Vec<WhitelistEntry> {
        vec![WhitelistEntry {
            id: WhitelistEntryId::generate(),
            account: AccountId::generate(),
            cidr: Cidr::parse("192.0.2.0/24").unwrap(),
            label: None,
            created_at: now(),
            last_used_at,
        }]
    }

    fn from(ip: &str) -> ClientInfo {
        ClientInfo::new(ip.parse().ok(), None)
    }

    #[tokio::test]
    async fn an_address_outside_the_list_is_refused_and_recorded() {
        let mut whitelist = MockIpWhitelistRepository::new();
        whitelist.expect_list().returning(|_| Ok(list(None)));
        whitelist.expect_touch().times(0);
        let mut events = MockSecurityEventRepository::new();
        events
            .expect_record()
            .withf(|e| {
                e.kind == SecurityEventKind::AddressRefused
                    && e.detail.as_deref() == Some("login from 198.51.100.4")
            })
            .times(1)
            .returning(|_| Ok(()));

        let result = gate(whitelist, events)
            .admit(AccountId::generate(), &from("198.51.100.4"), "login")
            .await;

        assert!(matches!(result, Err(GateError::Refused)));
    }

    #[tokio::test]
    async fn an_address_inside_is_let_in_and_the_entry_marked_used_once_a_minute() {
        for (last_used, touches) in [
            (None, 1),
            (Some(now() - Duration::seconds(30)), 0),
            (Some(now() - Duration::minutes(2)), 1),
        ] {
            let mut whitelist = MockIpWhitelistRepository::new();
            whitelist
                .expect_list()
                .returning(move |_| Ok(list(last_used)));
            whitelist
                .expect_touch()
                .times(touches)
                .returning(|_, _, _| Ok(()));
            let mut events = MockSecurityEventRepository::new();
            events.expect_record().times(0);

            gate(whitelist, events)
                .admit(AccountId::generate(), &from("::ffff:192.0.2.9"), "request")
                .await
                .unwrap();
        }
    }

    #[tokio::test]
    async fn repeated_refusals_are_recorded_once_a_minute() {
        let mut whitelist = MockIpWhitelistRepository::new();
        whitelist.expect_list().returning(|_| Ok(list(None)));
        let mut events = MockSecurityEventRepository::new();
        events.expect_record().times(0);
        let mut throttle = MockThrottleRepository::new();
        let until = now() + Duration::seconds(30);
        throttle
            .expect_claim()
            .returning(move |_, _| Ok(Some(until)));

        let result = with_throttle(whitelist, events, throttle)
            .admit(AccountId::generate(), &from("198.51.100.4"), "request")
            .await;

        assert!(matches!(result, Err(GateError::Refused)));
    }

    #[tokio::test]
    async fn a_failed_use_record_does_not_refuse_a_valid_request() {
        let mut whitelist = MockIpWhitelistRepository::new();
        whitelist.expect_list().returning(|_| Ok(list(None)));
        whitelist
            .expect_touch()
            .returning(|_, _, _| Err(StorageError::corrupt("disk full")));

        let result = gate(whitelist, MockSecurityEventRepository::new())
            .admit(AccountId::generate(), &from("192.0.2.9"), "request")
            .await;

        assert!(result.is_ok());
    }

    #[tokio::test]
    async fn an_empty_list_lets_everyone_in() {
        let mut whitelist = MockIpWhitelistRepository::new();
        whitelist.expect_list().returning(|_| Ok(vec![]));
        let result = gate(whitelist, MockSecurityEventRepository::new())
            .admit(AccountId::generate(), &ClientInfo::default(), "request")
            .await;
        assert!(result.is_ok());
    }
}
