//! Managing an account's IP whitelist.

use portico_kernel::mail::compose_for_account;
use portico_kernel::{
    AccountContacts, AccountId, Clock, ComposeError, NoticeComposer, StorageError, WhitelistEntryId,
};
use std::sync::Arc;

use crate::events::{SecurityEvent, SecurityEventKind};
use crate::notice::SecurityNotice;
use crate::session::ClientInfo;
use crate::whitelist::{
    Cidr, IpWhitelistRepository, LockOut, MAX_ENTRIES, WhitelistAddition, WhitelistEntry,
    WhitelistLabel, WhitelistRemoval, WhitelistWriteError,
};

/// Why the whitelist was not changed; nothing changed in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum WhitelistError {
    /// The account has no such entry.
    #[error("no such entry")]
    NotFound,
    /// The range is already listed.
    #[error("this range is already on the list")]
    Duplicate,
    /// The list is full.
    #[error("the list already has the most entries allowed ({MAX_ENTRIES})")]
    LimitReached,
    /// The change would shut the caller out.
    #[error(transparent)]
    LockOut(#[from] LockOut),
    /// The account no longer exists.
    #[error("no such account")]
    AccountGone,
    /// The notices could not be rendered.
    #[error("the notices could not be composed")]
    Compose(#[from] ComposeError),
    /// Storage failed.
    #[error("the whitelist change failed unexpectedly")]
    Unexpected(#[from] StorageError),
}

impl From<WhitelistWriteError> for WhitelistError {
    fn from(error: WhitelistWriteError) -> Self {
        match error {
            WhitelistWriteError::NotFound => Self::NotFound,
            WhitelistWriteError::Duplicate => Self::Duplicate,
            WhitelistWriteError::LimitReached => Self::LimitReached,
            WhitelistWriteError::LockOut(lock_out) => Self::LockOut(lock_out),
            WhitelistWriteError::Storage(error) => Self::Unexpected(error),
        }
    }
}

/// The ports [`IpWhitelists`] works with.
#[derive(Clone)]
pub struct IpWhitelistPorts {
    /// IP whitelists.
    pub whitelist: Arc<dyn IpWhitelistRepository>,
    /// Account names and addresses.
    pub contacts: Arc<dyn AccountContacts>,
    /// The notices' composer.
    pub composer: Arc<dyn NoticeComposer>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

/// Lists, adds and removes whitelist entries; each change is recorded and notified.
#[derive(Clone)]
pub struct IpWhitelists {
    ports: IpWhitelistPorts,
}

impl IpWhitelists {
    /// Wires the service.
    pub fn new(ports: IpWhitelistPorts) -> Self {
        Self { ports }
    }

    /// The account's entries, oldest first.
    #[tracing::instrument(name = "IpWhitelists::list", skip_all, fields(account = %account))]
    pub async fn list(&self, account: AccountId) -> Result<Vec<WhitelistEntry>, WhitelistError> {
        Ok(self.ports.whitelist.list(account).await?)
    }

    /// Adds a range. Refused when the list would then not hold the caller's own
    /// address (so the first entry must cover it).
    #[tracing::instrument(name = "IpWhitelists::add", skip_all, fields(account = %account))]
    pub async fn add(
        &self,
        account: AccountId,
        cidr: Cidr,
        label: Option<WhitelistLabel>,
        client: &ClientInfo,
    ) -> Result<WhitelistEntry, WhitelistError> {
        let now = self.ports.clock.now();
        let entry = WhitelistEntry {
            id: WhitelistEntryId::generate(),
            account,
            cidr,
            label,
            created_at: now,
            last_used_at: None,
        };
        let addition = WhitelistAddition {
            caller: client.ip,
            event: SecurityEvent::new(
                account,
                SecurityEventKind::IpWhitelistAdded,
                now,
                client,
                Some(cidr.to_string()),
            ),
            notices: self.notices(account, cidr, true, client).await?,
            entry,
        };
        self.ports.whitelist.add(&addition).await?;
        tracing::info!(%account, %cidr, "IP whitelist entry added");
        Ok(addition.entry)
    }

    /// Removes an entry. Refused when entries would remain and none of them would
    /// hold the caller's address; removing the last entry lifts the restriction.
    #[tracing::instrument(name = "IpWhitelists::remove", skip_all, fields(account = %account, id = %id))]
    pub async fn remove(
        &self,
        account: AccountId,
        id: WhitelistEntryId,
        client: &ClientInfo,
    ) -> Result<(), WhitelistError> {
        let entries = self.ports.whitelist.list(account).await?;
        let entry = entries
            .iter()
            .find(|entry| entry.id == id)
            .ok_or(WhitelistError::NotFound)?;
        let removal = WhitelistRemoval {
            account,
            id,
            caller: client.ip,
            event: SecurityEvent::new(
                account,
                SecurityEventKind::IpWhitelistRemoved,
                self.ports.clock.now(),
                client,
                Some(entry.cidr.to_string()),
            ),
            notices: self.notices(account, entry.cidr, false, client).await?,
        };
        self.ports.whitelist.remove(&removal).await?;
        tracing::info!(%account, cidr = %entry.cidr, "IP whitelist entry removed");
        Ok(())
    }

    async fn notices(
        &self,
        account: AccountId,
        cidr: Cidr,
        added: bool,
        client: &ClientInfo,
    ) -> Result<Vec<portico_kernel::NewMessage>, WhitelistError> {
        let context = self
            .ports
            .contacts
            .contact(account)
            .await?
            .ok_or(WhitelistError::AccountGone)?;
        Ok(compose_for_account(
            self.ports.composer.as_ref(),
            account,
            &context,
            &SecurityNotice::IpWhitelistChanged {
                username: context.username.clone(),
                cidr,
                added,
                ip: client.ip,
            },
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hasher::Verification;
    use crate::services::test_support::{Doubles, client, now};

    fn service(d: Doubles) -> IpWhitelists {
        IpWhitelists::new(d.ports().ip_whitelist())
    }

    fn doubles() -> Doubles {
        Doubles::new(Verification::Mismatch, None)
    }

    #[tokio::test]
    async fn an_addition_is_canonical_recorded_notified_and_judged_with_the_callers_address() {
        let mut d = doubles();
        d.whitelist
            .expect_add()
            .withf(|a| {
                a.entry.cidr.to_string() == "192.0.2.0/24"
                    && a.entry.label.as_ref().map(WhitelistLabel::as_str) == Some("office")
                    && a.caller == "192.0.2.5".parse().ok()
                    && a.event.kind == SecurityEventKind::IpWhitelistAdded
                    && a.event.detail.as_deref() == Some("192.0.2.0/24")
                    && a.notices[0].template == "ip_whitelist_changed"
                    && a.entry.created_at == now()
            })
            .times(1)
            .returning(|_| Ok(()));

        let entry = service(d)
            .add(
                portico_kernel::AccountId::generate(),
                Cidr::parse("192.0.2.77/24").unwrap(),
                WhitelistLabel::parse(" office ").unwrap(),
                &client(),
            )
            .await
            .unwrap();

        assert_eq!(entry.cidr.to_string(), "192.0.2.0/24");
    }

    #[tokio::test]
    async fn removing_an_unknown_entry_is_not_found_and_storage_refusals_pass_through() {
        let account = AccountId::generate();
        let listed = WhitelistEntryId::generate();
        let mut d = doubles();
        d.whitelist.expect_list().returning(move |_| {
            Ok(vec![WhitelistEntry {
                id: listed,
                account,
                cidr: Cidr::parse("192.0.2.0/24").unwrap(),
                label: None,
                created_at: now(),
                last_used_at: None,
            }])
        });
        d.whitelist.expect_remove().returning(|r| {
            Err(WhitelistWriteError::LockOut(LockOut {
                caller: crate::whitelist::CallerAddress(r.caller),
            }))
        });
        let service = service(d);

        let unknown = service
            .remove(account, WhitelistEntryId::generate(), &client())
            .await;
        let locked_out = service.remove(account, listed, &client()).await;

        assert!(matches!(unknown, Err(WhitelistError::NotFound)));
        assert!(matches!(locked_out, Err(WhitelistError::LockOut(_))));
    }
}
