//! The phone numbers of an account.

use std::sync::Arc;

use portico_kernel::{AccountId, Clock, Page, PageRequest, PhoneId, StorageError};

use crate::account::{Phone, PhoneLabel};
use crate::phone::E164Phone;
use crate::ports::{PhoneRepository, PhoneWriteError};

/// Why a phone operation failed; nothing changed in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum PhoneError {
    /// The account has no phone with this id (including another account's phone).
    #[error("no such phone number")]
    NotFound,
    /// The number is already listed on this account.
    #[error("this number is already listed")]
    Duplicate,
    /// The account already lists [`PhoneBook::MAX_PHONES`] numbers.
    #[error("an account lists at most {max} phone numbers")]
    LimitReached {
        /// The limit.
        max: u64,
    },
    /// An update that names no field.
    #[error("the update changes nothing")]
    NothingToChange,
    /// Storage failed.
    #[error("phone storage failed")]
    Unexpected(#[from] StorageError),
}

impl From<PhoneWriteError> for PhoneError {
    fn from(error: PhoneWriteError) -> Self {
        match error {
            PhoneWriteError::Duplicate => Self::Duplicate,
            PhoneWriteError::Unexpected(source) => Self::Unexpected(source),
        }
    }
}

/// A partial phone update; `label: Some(None)` clears the label.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhoneChange {
    /// New number.
    pub number: Option<E164Phone>,
    /// New label, or `Some(None)` to remove it.
    pub label: Option<Option<PhoneLabel>>,
}

/// Adds, edits and removes an account's phone numbers.
#[derive(Clone)]
pub struct PhoneBook {
    phones: Arc<dyn PhoneRepository>,
    clock: Arc<dyn Clock>,
}

impl PhoneBook {
    /// How many numbers one account may list; a bound keeps a runaway client from
    /// filling the database.
    pub const MAX_PHONES: u64 = 20;

    /// Wires the service to its ports.
    pub fn new(phones: Arc<dyn PhoneRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { phones, clock }
    }

    /// One page of the account's numbers.
    #[tracing::instrument(name = "PhoneBook::list", skip_all, fields(account = %account))]
    pub async fn list(
        &self,
        account: AccountId,
        page: &PageRequest,
    ) -> Result<Page<Phone>, PhoneError> {
        Ok(self.phones.list(account, page).await?)
    }

    /// Adds a number, unless the account already has it or is at the limit.
    #[tracing::instrument(name = "PhoneBook::add", skip_all, fields(account = %account))]
    pub async fn add(
        &self,
        account: AccountId,
        number: E164Phone,
        label: Option<PhoneLabel>,
    ) -> Result<Phone, PhoneError> {
        if self.phones.count(account).await? >= Self::MAX_PHONES {
            return Err(PhoneError::LimitReached {
                max: Self::MAX_PHONES,
            });
        }
        let phone = Phone {
            id: PhoneId::generate(),
            number,
            label,
            created_at: self.clock.now(),
        };
        self.phones.insert(account, &phone).await?;
        Ok(phone)
    }

    /// Edits a number of the account.
    #[tracing::instrument(name = "PhoneBook::change", skip_all, fields(account = %account, id = %id))]
    pub async fn change(
        &self,
        account: AccountId,
        id: PhoneId,
        change: PhoneChange,
    ) -> Result<Phone, PhoneError> {
        if change.number.is_none() && change.label.is_none() {
            return Err(PhoneError::NothingToChange);
        }
        let mut phone = self
            .phones
            .find(account, id)
            .await?
            .ok_or(PhoneError::NotFound)?;
        if let Some(number) = change.number {
            phone.number = number;
        }
        if let Some(label) = change.label {
            phone.label = label;
        }
        if !self.phones.update(account, &phone).await? {
            return Err(PhoneError::NotFound);
        }
        Ok(phone)
    }

    /// Removes a number of the account.
    #[tracing::instrument(name = "PhoneBook::remove", skip_all, fields(account = %account, id = %id))]
    pub async fn remove(&self, account: AccountId, id: PhoneId) -> Result<(), PhoneError> {
        if self.phones.delete(account, id).await? {
            Ok(())
        } else {
            Err(PhoneError::NotFound)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MockPhoneRepository;
    use crate::test_support::fixed_clock;

    fn number() -> E164Phone {
        E164Phone::parse("+41446681800").unwrap()
    }

    #[tokio::test]
    async fn a_number_is_added_with_the_clock_time() {
        let mut phones = MockPhoneRepository::new();
        phones.expect_count().returning(|_| Ok(0));
        phones
            .expect_insert()
            .withf(|_, phone| {
                phone.number.as_str() == "+41446681800" && phone.created_at == fixed_clock().now()
            })
            .times(1)
            .returning(|_, _| Ok(()));
        let book = PhoneBook::new(Arc::new(phones), Arc::new(fixed_clock()));

        let phone = book
            .add(AccountId::generate(), number(), None)
            .await
            .unwrap();

        assert_eq!(phone.number, number());
    }

    #[tokio::test]
    async fn no_number_is_added_past_the_limit() {
        let mut phones = MockPhoneRepository::new();
        phones
            .expect_count()
            .returning(|_| Ok(PhoneBook::MAX_PHONES));
        phones.expect_insert().times(0);
        let book = PhoneBook::new(Arc::new(phones), Arc::new(fixed_clock()));

        let result = book.add(AccountId::generate(), number(), None).await;

        assert!(matches!(result, Err(PhoneError::LimitReached { max: 20 })));
    }

    #[tokio::test]
    async fn a_duplicate_number_is_reported() {
        let mut phones = MockPhoneRepository::new();
        phones.expect_count().returning(|_| Ok(1));
        phones
            .expect_insert()
            .returning(|_, _| Err(PhoneWriteError::Duplicate));
        let book = PhoneBook::new(Arc::new(phones), Arc::new(fixed_clock()));

        let result = book.add(AccountId::generate(), number(), None).await;

        assert!(matches!(result, Err(PhoneError::Duplicate)));
    }

    #[tokio::test]
    async fn another_accounts_number_cannot_be_changed() {
        let mut phones = MockPhoneRepository::new();
        phones.expect_find().returning(|_, _| Ok(None));
        phones.expect_update().times(0);
        let book = PhoneBook::new(Arc::new(phones), Arc::new(fixed_clock()));
        let change = PhoneChange {
            label: Some(None),
            ..PhoneChange::default()
        };

        let result = book
            .change(AccountId::generate(), PhoneId::generate(), change)
            .await;

        assert!(matches!(result, Err(PhoneError::NotFound)));
    }

    #[tokio::test]
    async fn clearing_a_label_keeps_the_number() {
        let existing = Phone {
            id: PhoneId::generate(),
            number: number(),
            label: Some(PhoneLabel::parse("office").unwrap()),
            created_at: fixed_clock().now(),
        };
        let id = existing.id;
        let mut phones = MockPhoneRepository::new();
        phones
            .expect_find()
            .return_once(move |_, _| Ok(Some(existing)));
        phones
            .expect_update()
            .withf(|_, phone| phone.label.is_none() && phone.number.as_str() == "+41446681800")
            .returning(|_, _| Ok(true));
        let book = PhoneBook::new(Arc::new(phones), Arc::new(fixed_clock()));
        let change = PhoneChange {
            label: Some(None),
            ..PhoneChange::default()
        };

        let phone = book
            .change(AccountId::generate(), id, change)
            .await
            .unwrap();

        assert_eq!(phone.label, None);
    }
}
