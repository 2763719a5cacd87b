//! [`AddressRepository`] on SeaORM.

use async_trait::async_trait;
use portico_identity::ports::AddressRepository;
use portico_identity::{AddressLine, CountryCode, PostalAddress, PostalAddressFields, PostalCode};
use portico_kernel::{AccountId, AddressId, Page, PageRequest, StorageError};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use crate::entities::postal_address;
use crate::errors::storage;
use crate::keyset::{Direction, into_page, page_query};
use crate::locks::lock_account;
use crate::mapping::{instant, micros, stored, stored_opt};
use crate::transactions::begin_write;

/// Postal addresses in the `postal_addresses` table. A partial unique index allows at
/// most one default billing address per account; moving the default happens in one
/// transaction so it is never briefly doubled or lost.
#[derive(Debug, Clone)]
pub struct SeaAddresses {
    db: DatabaseConnection,
}

impl SeaAddresses {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn to_address(row: postal_address::Model) -> Result<PostalAddress, StorageError> {
    Ok(PostalAddress {
        id: stored(&row.id, AddressId::parse, "address id")?,
        fields: PostalAddressFields {
            line1: stored(&row.line1, AddressLine::parse, "address line")?,
            line2: stored_opt(row.line2.as_deref(), AddressLine::parse, "address line")?,
            city: stored(&row.city, AddressLine::parse, "city")?,
            region: stored_opt(row.region.as_deref(), AddressLine::parse, "region")?,
            postal_code: stored(&row.postal_code, PostalCode::parse, "postal code")?,
            country: stored(&row.country, CountryCode::parse, "country")?,
        },
        default_billing: row.default_billing,
        created_at: instant(row.created_at)?,
    })
}

fn owned_by(account: AccountId, id: AddressId) -> Condition {
    Condition::all()
        .add(postal_address::Column::Id.eq(id.to_string()))
        .add(postal_address::Column::AccountId.eq(account.to_string()))
}

/// Clears the default flag on every address of the account except `keep`.
async fn clear_default_except(
    conn: &impl ConnectionTrait,
    account: AccountId,
    keep: AddressId,
) -> Result<(), StorageError> {
    postal_address::Entity::update_many()
        .col_expr(postal_address::Column::DefaultBilling, Expr::value(false))
        .filter(postal_address::Column::AccountId.eq(account.to_string()))
        .filter(postal_address::Column::Id.ne(keep.to_string()))
        .filter(postal_address::Column::DefaultBilling.eq(true))
        .exec(conn)
        .await
        .map_err(storage)?;
    Ok(())
}

fn text(line: &Option<AddressLine>) -> Option<String> {
    line.as_ref().map(|l| l.as_str().to_owned())
}

#[async_trait]
impl AddressRepository for SeaAddresses {
    #[tracing::instrument(level = "debug", name = "SeaAddresses::list", skip_all, fields(account = %account))]
    async fn list(
        &self,
        account: AccountId,
        page: &PageRequest,
    ) -> Result<Page<PostalAddress>, StorageError> {
        let select = postal_address::Entity::find()
            .filter(postal_address::Column::AccountId.eq(account.to_string()));
        let rows = page_query(
            select,
            postal_address::Column::CreatedAt,
            postal_address::Column::Id,
            page,
            Direction::Ascending,
        )
        .all(&self.db)
        .await
        .map_err(storage)?;
        into_page(rows, page, to_address, |item| {
            (item.created_at, item.id.to_string())
        })
    }

    #[tracing::instrument(level = "debug", name = "SeaAddresses::count", skip_all, fields(account = %account))]
    async fn count(&self, account: AccountId) -> Result<u64, StorageError> {
        postal_address::Entity::find()
            .filter(postal_address::Column::AccountId.eq(account.to_string()))
            .count(&self.db)
            .await
            .map_err(storage)
    }

    #[tracing::instrument(level = "debug", name = "SeaAddresses::find", skip_all, fields(account = %account, id = %id))]
    async fn find(
        &self,
        account: AccountId,
        id: AddressId,
    ) -> Result<Option<PostalAddress>, StorageError> {
        postal_address::Entity::find()
            .filter(owned_by(account, id))
            .one(&self.db)
            .await
            .map_err(storage)?
            .map(to_address)
            .transpose()
    }

    #[tracing::instrument(level = "debug", name = "SeaAddresses::insert", skip_all, fields(account = %account))]
    async fn insert(
        &self,
        account: AccountId,
        address: &PostalAddress,
    ) -> Result<(), StorageError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        lock_account(&txn, account).await?;
        if address.default_billing {
            clear_default_except(&txn, account, address.id).await?;
        }
        let fields = &address.fields;
        postal_address::ActiveModel {
            id: Set(address.id.to_string()),
            account_id: Set(account.to_string()),
            line1: Set(fields.line1.as_str().to_owned()),
            line2: Set(text(&fields.line2)),
            city: Set(fields.city.as_str().to_owned()),
            region: Set(text(&fields.region)),
            postal_code: Set(fields.postal_code.as_str().to_owned()),
            country: Set(fields.country.as_str().to_owned()),
            default_billing: Set(address.default_billing),
            created_at: Set(micros(address.created_at)),
        }
        .insert(&txn)
        .await
        .map_err(storage)?;
        txn.commit().await.map_err(storage)
    }

    #[tracing::instrument(level = "debug", name = "SeaAddresses::update", skip_all, fields(account = %account, id = %id))]
    async fn update(
        &self,
        account: AccountId,
        id: AddressId,
        fields: &PostalAddressFields,
        make_default: bool,
    ) -> Result<Option<PostalAddress>, StorageError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        lock_account(&txn, account).await?;
        let mut update = postal_address::Entity::update_many()
            .col_expr(
                postal_address::Column::Line1,
                Expr::value(fields.line1.as_str()),
            )
            .col_expr(
                postal_address::Column::Line2,
                Expr::value(text(&fields.line2)),
            )
            .col_expr(
                postal_address::Column::City,
                Expr::value(fields.city.as_str()),
            )
            .col_expr(
                postal_address::Column::Region,
                Expr::value(text(&fields.region)),
            )
            .col_expr(
                postal_address::Column::PostalCode,
                Expr::value(fields.postal_code.as_str()),
            )
            .col_expr(
                postal_address::Column::Country,
                Expr::value(fields.country.as_str()),
            )
            .filter(owned_by(account, id));
        if make_default {
            clear_default_except(&txn, account, id).await?;
            update = update.col_expr(postal_address::Column::DefaultBilling, Expr::value(true));
        }
        let result = update.exec(&txn).await.map_err(storage)?;
        if result.rows_affected == 0 {
            // Not this account's address; dropping the transaction rolls back.
            return Ok(None);
        }
        let stored = postal_address::Entity::find()
            .filter(owned_by(account, id))
            .one(&txn)
            .await
            .map_err(storage)?;
        txn.commit().await.map_err(storage)?;
        stored.map(to_address).transpose()
    }

    #[tracing::instrument(level = "debug", name = "SeaAddresses::delete", skip_all, fields(account = %account, id = %id))]
    async fn delete(&self, account: AccountId, id: AddressId) -> Result<bool, StorageError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        lock_account(&txn, account).await?;
        let Some(row) = postal_address::Entity::find()
            .filter(owned_by(account, id))
            .one(&txn)
            .await
            .map_err(storage)?
        else {
            return Ok(false);
        };
        postal_address::Entity::delete_by_id(row.id.clone())
            .exec(&txn)
            .await
            .map_err(storage)?;
        if row.default_billing {
            let oldest = postal_address::Entity::find()
                .filter(postal_address::Column::AccountId.eq(account.to_string()))
                .order_by_asc(postal_address::Column::CreatedAt)
                .order_by_asc(postal_address::Column::Id)
                .one(&txn)
                .await
                .map_err(storage)?;
            if let Some(oldest) = oldest {
                postal_address::Entity::update_many()
                    .col_expr(postal_address::Column::DefaultBilling, Expr::value(true))
                    .filter(postal_address::Column::Id.eq(oldest.id))
                    .exec(&txn)
                    .await
                    .map_err(storage)?;
            }
        }
        txn.commit().await.map_err(storage)?;
        Ok(true)
    }
}
