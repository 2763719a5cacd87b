//! [`ProductRepository`] on SeaORM: the `products` table.

use std::collections::BTreeSet;

use async_trait::async_trait;
use portico_delegation::ports::ProductRepository;
use portico_delegation::{Product, ProductId, ProductName};
use portico_kernel::{AccountId, StorageError};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entities::{delegate, delegate_product, product};
use crate::errors::{is_foreign_key_violation, storage};
use crate::mapping::{instant, micros, stored};
use crate::transactions::begin_write;

/// Contract products in the `products` table.
#[derive(Debug, Clone)]
pub struct SeaProducts {
    db: DatabaseConnection,
}

impl SeaProducts {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn to_product(row: product::Model) -> Result<Product, StorageError> {
    Ok(Product {
        account: stored(&row.account_id, AccountId::parse, "account id")?,
        id: stored(&row.product_id, ProductId::parse, "product id")?,
        name: row
            .name
            .as_deref()
            .map(|name| stored(name, ProductName::parse, "product name"))
            .transpose()?,
        updated_at: instant(row.updated_at)?,
    })
}

#[async_trait]
impl ProductRepository for SeaProducts {
    #[tracing::instrument(level = "debug", name = "SeaProducts::list", skip_all, fields(account = %account))]
    async fn list(&self, account: AccountId) -> Result<Vec<Product>, StorageError> {
        product::Entity::find()
            .filter(product::Column::AccountId.eq(account.to_string()))
            .order_by_asc(product::Column::ProductId)
            .all(&self.db)
            .await
            .map_err(storage)?
            .into_iter()
            .map(to_product)
            .collect()
    }

    #[tracing::instrument(level = "debug", name = "SeaProducts::owned", skip_all, fields(account = %account))]
    async fn owned(
        &self,
        account: AccountId,
        ids: &[ProductId],
    ) -> Result<BTreeSet<ProductId>, StorageError> {
        if ids.is_empty() {
            return Ok(BTreeSet::new());
        }
        product::Entity::find()
            .filter(product::Column::AccountId.eq(account.to_string()))
            .filter(product::Column::ProductId.is_in(ids.iter().map(ProductId::as_str)))
            .all(&self.db)
            .await
            .map_err(storage)?
            .into_iter()
            .map(|row| stored(&row.product_id, ProductId::parse, "product id"))
            .collect()
    }

    #[tracing::instrument(level = "debug", name = "SeaProducts::upsert", skip_all)]
    async fn upsert(&self, new: &Product) -> Result<bool, StorageError> {
        // No look-up first: the foreign key on the account decides, also when the
        // account goes away at the same moment.
        let written = product::Entity::insert(product::ActiveModel {
            account_id: Set(new.account.to_string()),
            product_id: Set(new.id.as_str().to_owned()),
            name: Set(new.name.as_ref().map(|n| n.as_str().to_owned())),
            updated_at: Set(micros(new.updated_at)),
        })
        .on_conflict(
            OnConflict::columns([product::Column::AccountId, product::Column::ProductId])
                .update_columns([product::Column::Name, product::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(&self.db)
        .await;
        match written {
            Ok(_) => Ok(true),
            Err(error) if is_foreign_key_violation(&error) => Ok(false),
            Err(error) => Err(storage(error)),
        }
    }

    #[tracing::instrument(level = "debug", name = "SeaProducts::remove", skip_all, fields(account = %account, id = %id))]
    async fn remove(&self, account: AccountId, id: &ProductId) -> Result<bool, StorageError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        let removed = product::Entity::delete_many()
            .filter(product::Column::AccountId.eq(account.to_string()))
            .filter(product::Column::ProductId.eq(id.as_str()))
            .exec(&txn)
            .await
            .map_err(storage)?
            .rows_affected;
        if removed == 0 {
            return Ok(false);
        }
        // Scopes of this owner's delegates stop naming it.
        let owners_delegates = sea_orm::sea_query::Query::select()
            .column(delegate::Column::Id)
            .from(delegate::Entity)
            .and_where(delegate::Column::OwnerId.eq(account.to_string()))
            .to_owned();
        delegate_product::Entity::delete_many()
            .filter(delegate_product::Column::ProductId.eq(id.as_str()))
            .filter(delegate_product::Column::DelegateId.in_subquery(owners_delegates))
            .exec(&txn)
            .await
            .map_err(storage)?;
        txn.commit().await.map_err(storage)?;
        Ok(true)
    }
}
