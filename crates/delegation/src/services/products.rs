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
    pub async fn list(&self, account: AccountId) -> Result<Vec<Product>, ProductError> {
        Ok(self.products.list(account).await?)
    }

    /// Creates or renames a product (from the billing system). Delegates whose scope
    /// is `all` may act on it from now on.
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
    pub async fn remove(&self, account: AccountId, id: &ProductId) -> Result<(), ProductError> {
        if self.products.remove(account, id).await? {
            Ok(())
        } else {
            Err(ProductError::NotFound)
        }
    }
}
