//! Products, as the billing system keeps them in sync.

use std::sync::Arc;

use portico_kernel::{AccountId, Clock, StorageError};

use crate::ports::ProductRepository;
use crate::product::{Product, ProductId, ProductName};

/// Why a product sync changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum ProductError {
    /// No such account.
    #[error("no such account")]
    UnknownAccount,
    /// The account has no such product.
    #[error("no such product")]
    NotFound,
    /// Storage failed.
    #[error("the product sync failed unexpectedly")]
    Unexpected(#[from] StorageError),
}

/// An account's contract products.
#[derive(Clone)]
pub struct Products {
    products: Arc<dyn ProductRepository>,
    clock: Arc<dyn Clock>,
}

impl Products {
    /// Wires the service.
    pub fn new(products: Arc<dyn ProductRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { products, clock }
    }

    /// The account's products.
    #[tracing::instrument(name = "Products::list", skip_all, fields(account = %account))]
    pub async fn list(&self, account: AccountId) -> Result<Vec<Product>, ProductError> {
        Ok(self.products.list(account).await?)
    }

    /// Creates or renames a product (from the billing system). Delegates whose scope
    /// is `all` may act on it from now on.
    #[tracing::instrument(name = "Products::put", skip_all, fields(account = %account, id = %id))]
    pub async fn put(
        &self,
        account: AccountId,
        id: ProductId,
        name: Option<ProductName>,
    ) -> Result<(), ProductError> {
        let product = Product {
            account,
            id,
            name,
            updated_at: self.clock.now(),
        };
        if self.products.upsert(&product).await? {
            Ok(())
        } else {
            Err(ProductError::UnknownAccount)
        }
    }

    /// Removes a product (from the billing system); no delegate may act on it any more.
    #[tracing::instrument(name = "Products::remove", skip_all, fields(account = %account, id = %id))]
    pub async fn remove(&self, account: AccountId, id: &ProductId) -> Result<(), ProductError> {
        if self.products.remove(account, id).await? {
            Ok(())
        } else {
            Err(ProductError::NotFound)
        }
    }
}

#[cfg(test)]
mod tests {
    use portico_kernel::FixedClock;
    use time::OffsetDateTime;

    use super::*;
    use crate::ports::MockProductRepository;

    fn at() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap()
    }

    fn products(repository: MockProductRepository) -> Products {
        Products::new(Arc::new(repository), Arc::new(FixedClock::at(at())))
    }

    #[tokio::test]
    async fn a_synced_product_is_stamped_with_the_time_of_the_sync() {
        let account = AccountId::generate();
        let mut repository = MockProductRepository::new();
        repository
            .expect_upsert()
            .withf(move |product| {
                product.account == account
                    && product.id.as_str() == "vps-1"
                    && product.name.as_ref().map(ProductName::as_str) == Some("VPS")
                    && product.updated_at == at()
            })
            .times(1)
            .returning(|_| Ok(true));

        products(repository)
            .put(
                account,
                ProductId::parse("vps-1").unwrap(),
                Some(ProductName::parse("VPS").unwrap()),
            )
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn an_unknown_account_or_product_is_reported_not_ignored() {
        let mut repository = MockProductRepository::new();
        repository.expect_upsert().returning(|_| Ok(false));
        repository.expect_remove().returning(|_, _| Ok(false));
        let service = products(repository);
        let id = ProductId::parse("vps-1").unwrap();

        let put = service.put(AccountId::generate(), id.clone(), None).await;
        let removed = service.remove(AccountId::generate(), &id).await;

        assert!(matches!(put, Err(ProductError::UnknownAccount)));
        assert!(matches!(removed, Err(ProductError::NotFound)));
    }
}
