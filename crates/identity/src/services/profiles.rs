//! Reading and editing the profile.

use std::sync::Arc;

use portico_kernel::{AccountId, StorageError};

use crate::account::{Profile, ProfileChange};
use crate::ports::AccountRepository;

/// Why a profile operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The account does not exist (any more).
    #[error("no such account")]
    NotFound,
    /// An update that names no field.
    #[error("the update changes nothing")]
    NothingToChange,
    /// Storage failed.
    #[error("profile storage failed")]
    Unexpected(#[from] StorageError),
}

/// The profile of an account.
#[derive(Clone)]
pub struct Profiles {
    accounts: Arc<dyn AccountRepository>,
}

impl Profiles {
    /// Wires the service to its ports.
    pub fn new(accounts: Arc<dyn AccountRepository>) -> Self {
        Self { accounts }
    }

    /// The account's profile.
    #[tracing::instrument(name = "Profiles::profile", skip_all, fields(account = %account))]
    pub async fn profile(&self, account: AccountId) -> Result<Profile, ProfileError> {
        self.accounts
            .profile(account)
            .await?
            .ok_or(ProfileError::NotFound)
    }

    /// Applies a partial change. An empty change is refused rather than silently
    /// accepted, so a client that misspells every field learns about it.
    #[tracing::instrument(name = "Profiles::update", skip_all, fields(account = %account))]
    pub async fn update(
        &self,
        account: AccountId,
        change: ProfileChange,
    ) -> Result<Profile, ProfileError> {
        if change.is_empty() {
            return Err(ProfileError::NothingToChange);
        }
        self.accounts
            .update_profile(account, &change)
            .await?
            .ok_or(ProfileError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PersonName;
    use crate::ports::MockAccountRepository;
    use crate::test_support::profile;

    #[tokio::test]
    async fn an_empty_change_is_refused_without_touching_storage() {
        let mut accounts = MockAccountRepository::new();
        accounts.expect_update_profile().times(0);
        let service = Profiles::new(Arc::new(accounts));

        let result = service
            .update(AccountId::generate(), ProfileChange::default())
            .await;

        assert!(matches!(result, Err(ProfileError::NothingToChange)));
    }

    #[tokio::test]
    async fn a_change_is_applied_to_the_callers_account_only() {
        let caller = AccountId::generate();
        let mut accounts = MockAccountRepository::new();
        accounts
            .expect_update_profile()
            .withf(move |account, change| {
                *account == caller
                    && change.first_name.as_ref().map(PersonName::as_str) == Some("Grace")
            })
            .times(1)
            .returning(move |_, _| Ok(Some(profile(caller))));
        let service = Profiles::new(Arc::new(accounts));
        let change = ProfileChange {
            first_name: Some(PersonName::parse("Grace").unwrap()),
            ..ProfileChange::default()
        };

        assert!(service.update(caller, change).await.is_ok());
    }

    #[tokio::test]
    async fn a_missing_account_is_not_found() {
        let mut accounts = MockAccountRepository::new();
        accounts.expect_profile().returning(|_| Ok(None));
        let service = Profiles::new(Arc::new(accounts));

        let result = service.profile(AccountId::generate()).await;

        assert!(matches!(result, Err(ProfileError::NotFound)));
    }
}
