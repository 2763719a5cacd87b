//! [`PhoneRepository`] on SeaORM.

use async_trait::async_trait;
use portico_identity::ports::{PhoneRepository, PhoneWriteError};
use portico_identity::{E164Phone, Phone, PhoneLabel};
use portico_kernel::{AccountId, Page, PageRequest, PhoneId, StorageError};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};

use crate::entities::phone;
use crate::errors::{is_unique_violation, storage};
use crate::keyset::{Direction, into_page, page_query};
use crate::mapping::{instant, micros, stored, stored_opt};

/// Phone numbers in the `phones` table; `(account_id, number)` is unique.
#[derive(Debug, Clone)]
pub struct SeaPhones {
    db: DatabaseConnection,
}

impl SeaPhones {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn classify(error: DbErr) -> PhoneWriteError {
    if is_unique_violation(&error, "number") {
        PhoneWriteError::Duplicate
    } else {
        PhoneWriteError::Unexpected(storage(error))
    }
}

fn to_phone(row: phone::Model) -> Result<Phone, StorageError> {
    Ok(Phone {
        id: stored(&row.id, PhoneId::parse, "phone id")?,
        number: stored(&row.number, E164Phone::from_stored, "phone number")?,
        label: stored_opt(row.label.as_deref(), PhoneLabel::parse, "phone label")?,
        created_at: instant(row.created_at)?,
    })
}

fn owned_by(account: AccountId, id: PhoneId) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(phone::Column::Id.eq(id.to_string()))
        .add(phone::Column::AccountId.eq(account.to_string()))
}

#[async_trait]
impl PhoneRepository for SeaPhones {
    #[tracing::instrument(level = "debug", name = "SeaPhones::list", skip_all, fields(account = %account))]
    async fn list(
        &self,
        account: AccountId,
        page: &PageRequest,
    ) -> Result<Page<Phone>, StorageError> {
        let select = phone::Entity::find().filter(phone::Column::AccountId.eq(account.to_string()));
        let rows = page_query(
            select,
            phone::Column::CreatedAt,
            phone::Column::Id,
            page,
            Direction::Ascending,
        )
        .all(&self.db)
        .await
        .map_err(storage)?;
        into_page(rows, page, to_phone, |item| {
            (item.created_at, item.id.to_string())
        })
    }

    #[tracing::instrument(level = "debug", name = "SeaPhones::count", skip_all, fields(account = %account))]
    async fn count(&self, account: AccountId) -> Result<u64, StorageError> {
        phone::Entity::find()
            .filter(phone::Column::AccountId.eq(account.to_string()))
            .count(&self.db)
            .await
            .map_err(storage)
    }

    #[tracing::instrument(level = "debug", name = "SeaPhones::find", skip_all, fields(account = %account, id = %id))]
    async fn find(&self, account: AccountId, id: PhoneId) -> Result<Option<Phone>, StorageError> {
        phone::Entity::find()
            .filter(owned_by(account, id))
            .one(&self.db)
            .await
            .map_err(storage)?
            .map(to_phone)
            .transpose()
    }

    #[tracing::instrument(level = "debug", name = "SeaPhones::insert", skip_all, fields(account = %account))]
    async fn insert(&self, account: AccountId, phone: &Phone) -> Result<(), PhoneWriteError> {
        phone::ActiveModel {
            id: Set(phone.id.to_string()),
            account_id: Set(account.to_string()),
            number: Set(phone.number.as_str().to_owned()),
            label: Set(phone.label.as_ref().map(|l| l.as_str().to_owned())),
            created_at: Set(micros(phone.created_at)),
        }
        .insert(&self.db)
        .await
        .map_err(classify)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaPhones::update", skip_all, fields(account = %account))]
    async fn update(&self, account: AccountId, phone: &Phone) -> Result<bool, PhoneWriteError> {
        let result = phone::Entity::update_many()
            .col_expr(phone::Column::Number, Expr::value(phone.number.as_str()))
            .col_expr(
                phone::Column::Label,
                Expr::value(phone.label.as_ref().map(|l| l.as_str().to_owned())),
            )
            .filter(owned_by(account, phone.id))
            .exec(&self.db)
            .await
            .map_err(classify)?;
        Ok(result.rows_affected > 0)
    }

    #[tracing::instrument(level = "debug", name = "SeaPhones::delete", skip_all, fields(account = %account, id = %id))]
    async fn delete(&self, account: AccountId, id: PhoneId) -> Result<bool, StorageError> {
        let result = phone::Entity::delete_many()
            .filter(owned_by(account, id))
            .exec(&self.db)
            .await
            .map_err(storage)?;
        Ok(result.rows_affected > 0)
    }
}
