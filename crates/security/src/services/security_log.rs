//! Reading an account's security log: every security-relevant change, with when,
//! from where and what.

use std::sync::Arc;

use portico_kernel::{AccountId, Page, PageRequest, StorageError};

use crate::events::{SecurityEvent, SecurityEventRepository};

/// The account's security log, newest first.
#[derive(Clone)]
pub struct SecurityLog {
    events: Arc<dyn SecurityEventRepository>,
}

impl SecurityLog {
    /// Wires the service.
    pub fn new(events: Arc<dyn SecurityEventRepository>) -> Self {
        Self { events }
    }

    /// One page of the account's events, newest first.
    #[tracing::instrument(name = "SecurityLog::page", skip_all, fields(account = %account))]
    pub async fn page(
        &self,
        account: AccountId,
        page: &PageRequest,
    ) -> Result<Page<SecurityEvent>, StorageError> {
        self.events.list(account, page).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::MockSecurityEventRepository;

    #[tokio::test]
    async fn a_page_is_read_for_the_account_asked_about_only() {
        let account = AccountId::generate();
        let mut events = MockSecurityEventRepository::new();
        events
            .expect_list()
            .withf(move |asked, page| *asked == account && page.limit() == 20)
            .times(1)
            .returning(|_, _| {
                Ok(Page {
                    items: Vec::new(),
                    next_cursor: None,
                })
            });

        let page = SecurityLog::new(Arc::new(events))
            .page(account, &PageRequest::new(Some(20), None).unwrap())
            .await
            .unwrap();

        assert!(page.items.is_empty());
    }
}
