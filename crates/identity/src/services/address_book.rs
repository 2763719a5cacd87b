//! The postal addresses of an account and its default billing address.

use std::sync::Arc;

use portico_kernel::{AccountId, AddressId, Clock, Page, PageRequest, StorageError};

use crate::country::CountryCode;
use crate::ports::AddressRepository;
use crate::postal_address::{AddressLine, PostalAddress, PostalAddressFields, PostalCode};

/// Why an address operation failed; nothing changed in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum AddressError {
    /// The account has no address with this id (including another account's address).
    #[error("no such address")]
    NotFound,
    /// The account already has [`AddressBook::MAX_ADDRESSES`] addresses.
    #[error("an account has at most {max} addresses")]
    LimitReached {
        /// The limit.
        max: u64,
    },
    /// An attempt to leave the account without a default billing address.
    #[error("make another address the default billing address instead")]
    DefaultRequired,
    /// An update that names no field.
    #[error("the update changes nothing")]
    NothingToChange,
    /// Storage failed.
    #[error("address storage failed")]
    Unexpected(#[from] StorageError),
}

/// A partial address update. For the optional lines, `Some(None)` clears them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressChange {
    /// Street and number.
    pub line1: Option<AddressLine>,
    /// Second line, or `Some(None)` to remove it.
    pub line2: Option<Option<AddressLine>>,
    /// City.
    pub city: Option<AddressLine>,
    /// Region, or `Some(None)` to remove it.
    pub region: Option<Option<AddressLine>>,
    /// Postal code.
    pub postal_code: Option<PostalCode>,
    /// Country.
    pub country: Option<CountryCode>,
    /// `Some(true)` makes this the default billing address.
    pub default_billing: Option<bool>,
}

impl AddressChange {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    fn apply_to(self, fields: &mut PostalAddressFields) {
        if let Some(line1) = self.line1 {
            fields.line1 = line1;
        }
        if let Some(line2) = self.line2 {
            fields.line2 = line2;
        }
        if let Some(city) = self.city {
            fields.city = city;
        }
        if let Some(region) = self.region {
            fields.region = region;
        }
        if let Some(postal_code) = self.postal_code {
            fields.postal_code = postal_code;
        }
        if let Some(country) = self.country {
            fields.country = country;
        }
    }
}

/// Adds, edits and removes an account's postal addresses, keeping exactly one of them
/// the default billing address whenever there is at least one.
#[derive(Clone)]
pub struct AddressBook {
    addresses: Arc<dyn AddressRepository>,
    clock: Arc<dyn Clock>,
}

impl AddressBook {
    /// How many addresses one account may have.
    pub const MAX_ADDRESSES: u64 = 20;

    /// Wires the service to its ports.
    pub fn new(addresses: Arc<dyn AddressRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { addresses, clock }
    }

    /// One page of the account's addresses.
    #[tracing::instrument(name = "AddressBook::list", skip_all, fields(account = %account))]
    pub async fn list(
        &self,
        account: AccountId,
        page: &PageRequest,
    ) -> Result<Page<PostalAddress>, AddressError> {
        Ok(self.addresses.list(account, page).await?)
    }

    /// Adds an address. The first address is always the default billing address;
    /// a later one becomes it when asked to.
    #[tracing::instrument(name = "AddressBook::add", skip_all, fields(account = %account))]
    pub async fn add(
        &self,
        account: AccountId,
        fields: PostalAddressFields,
        default_billing: bool,
    ) -> Result<PostalAddress, AddressError> {
        let existing = self.addresses.count(account).await?;
        if existing >= Self::MAX_ADDRESSES {
            return Err(AddressError::LimitReached {
                max: Self::MAX_ADDRESSES,
            });
        }
        let address = PostalAddress {
            id: AddressId::generate(),
            fields,
            default_billing: default_billing || existing == 0,
            created_at: self.clock.now(),
        };
        self.addresses.insert(account, &address).await?;
        Ok(address)
    }

    /// Edits an address. Making it the default moves the default here; turning off
    /// the default of the default address is refused, since that would leave none.
    #[tracing::instrument(name = "AddressBook::change", skip_all, fields(account = %account, id = %id))]
    pub async fn change(
        &self,
        account: AccountId,
        id: AddressId,
        change: AddressChange,
    ) -> Result<PostalAddress, AddressError> {
        if change.is_empty() {
            return Err(AddressError::NothingToChange);
        }
        let mut address = self
            .addresses
            .find(account, id)
            .await?
            .ok_or(AddressError::NotFound)?;
        if change.default_billing == Some(false) && address.default_billing {
            return Err(AddressError::DefaultRequired);
        }
        let make_default = change.default_billing == Some(true);
        change.apply_to(&mut address.fields);
        self.addresses
            .update(account, id, &address.fields, make_default)
            .await?
            .ok_or(AddressError::NotFound)
    }

    /// Removes an address; if it was the default, the oldest remaining one takes over.
    #[tracing::instrument(name = "AddressBook::remove", skip_all, fields(account = %account, id = %id))]
    pub async fn remove(&self, account: AccountId, id: AddressId) -> Result<(), AddressError> {
        if self.addresses.delete(account, id).await? {
            Ok(())
        } else {
            Err(AddressError::NotFound)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MockAddressRepository;
    use crate::test_support::{address_fields, fixed_clock};

    fn stored(default_billing: bool) -> PostalAddress {
        PostalAddress {
            id: AddressId::generate(),
            fields: address_fields(),
            default_billing,
            created_at: fixed_clock().now(),
        }
    }

    #[tokio::test]
    async fn the_first_address_becomes_the_default_billing_address() {
        let mut addresses = MockAddressRepository::new();
        addresses.expect_count().returning(|_| Ok(0));
        addresses
            .expect_insert()
            .withf(|_, address| address.default_billing)
            .times(1)
            .returning(|_, _| Ok(()));
        let book = AddressBook::new(Arc::new(addresses), Arc::new(fixed_clock()));

        let address = book
            .add(AccountId::generate(), address_fields(), false)
            .await
            .unwrap();

        assert!(address.default_billing);
    }

    #[tokio::test]
    async fn a_later_address_is_the_default_only_when_asked() {
        let mut addresses = MockAddressRepository::new();
        addresses.expect_count().returning(|_| Ok(1));
        addresses.expect_insert().returning(|_, _| Ok(()));
        let book = AddressBook::new(Arc::new(addresses), Arc::new(fixed_clock()));

        let plain = book
            .add(AccountId::generate(), address_fields(), false)
            .await
            .unwrap();
        let default = book
            .add(AccountId::generate(), address_fields(), true)
            .await
            .unwrap();

        assert!(!plain.default_billing);
        assert!(default.default_billing);
    }

    #[tokio::test]
    async fn the_default_cannot_simply_be_switched_off() {
        let existing = stored(true);
        let id = existing.id;
        let mut addresses = MockAddressRepository::new();
        addresses
            .expect_find()
            .return_once(move |_, _| Ok(Some(existing)));
        addresses.expect_update().times(0);
        let book = AddressBook::new(Arc::new(addresses), Arc::new(fixed_clock()));
        let change = AddressChange {
            default_billing: Some(false),
            ..AddressChange::default()
        };

        let result = book.change(AccountId::generate(), id, change).await;

        assert!(matches!(result, Err(AddressError::DefaultRequired)));
    }

    #[tokio::test]
    async fn asking_for_the_default_moves_it_here() {
        let existing = stored(false);
        let id = existing.id;
        let mut addresses = MockAddressRepository::new();
        addresses
            .expect_find()
            .return_once(move |_, _| Ok(Some(existing)));
        addresses
            .expect_update()
            .withf(|_, _, _, make_default| *make_default)
            .times(1)
            .returning(|_, id, fields, _| {
                Ok(Some(PostalAddress {
                    id,
                    fields: fields.clone(),
                    default_billing: true,
                    created_at: fixed_clock().now(),
                }))
            });
        let book = AddressBook::new(Arc::new(addresses), Arc::new(fixed_clock()));
        let change = AddressChange {
            default_billing: Some(true),
            ..AddressChange::default()
        };

        let address = book
            .change(AccountId::generate(), id, change)
            .await
            .unwrap();

        assert!(address.default_billing);
    }

    #[tokio::test]
    async fn an_edit_keeps_the_fields_it_does_not_name() {
        let existing = stored(false);
        let id = existing.id;
        let mut addresses = MockAddressRepository::new();
        addresses
            .expect_find()
            .return_once(move |_, _| Ok(Some(existing)));
        addresses
            .expect_update()
            .withf(|_, _, fields, make_default| {
                fields.city.as_str() == "Basel"
                    && fields.line1 == address_fields().line1
                    && fields.region.is_none()
                    && !make_default
            })
            .returning(|_, id, fields, _| {
                Ok(Some(PostalAddress {
                    id,
                    fields: fields.clone(),
                    default_billing: false,
                    created_at: fixed_clock().now(),
                }))
            });
        let book = AddressBook::new(Arc::new(addresses), Arc::new(fixed_clock()));
        let change = AddressChange {
            city: Some(AddressLine::parse("Basel").unwrap()),
            region: Some(None),
            ..AddressChange::default()
        };

        let address = book
            .change(AccountId::generate(), id, change)
            .await
            .unwrap();

        assert_eq!(address.fields.city.as_str(), "Basel");
    }

    #[tokio::test]
    async fn removing_another_accounts_address_is_not_found() {
        let mut addresses = MockAddressRepository::new();
        addresses.expect_delete().returning(|_, _| Ok(false));
        let book = AddressBook::new(Arc::new(addresses), Arc::new(fixed_clock()));

        let result = book
            .remove(AccountId::generate(), AddressId::generate())
            .await;

        assert!(matches!(result, Err(AddressError::NotFound)));
    }
}
