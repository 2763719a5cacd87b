//! [`EmailRepository`] on SeaORM.

use async_trait::async_trait;
use portico_identity::AccountEmail;
use portico_identity::email_rules::check_removal;
use portico_identity::ports::{EmailRepository, RemoveEmailError};
use portico_kernel::{AccountId, EmailAddress, EmailId, Page, PageRequest, StorageError};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};

use crate::entities::account_email;
use crate::errors::storage;
use crate::keyset::{Direction, into_page, page_query};
use crate::locks::lock_account;
use crate::mapping::{instant, stored};

/// Email addresses in the `account_emails` table.
#[derive(Debug, Clone)]
pub struct SeaEmails {
    db: DatabaseConnection,
}

impl SeaEmails {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn to_email(row: account_email::Model) -> Result<AccountEmail, StorageError> {
    Ok(AccountEmail {
        id: stored(&row.id, EmailId::parse, "email id")?,
        address: stored(&row.address, EmailAddress::parse, "email address")?,
        verified: row.verified,
        primary: row.is_primary,
        created_at: instant(row.created_at)?,
    })
}

#[async_trait]
impl EmailRepository for SeaEmails {
    async fn list(
        &self,
        account: AccountId,
        page: &PageRequest,
    ) -> Result<Page<AccountEmail>, StorageError> {
        let select = account_email::Entity::find()
            .filter(account_email::Column::AccountId.eq(account.to_string()));
        let rows = page_query(
            select,
            account_email::Column::CreatedAt,
            account_email::Column::Id,
            page,
            Direction::Ascending,
        )
        .all(&self.db)
        .await
        .map_err(storage)?;
        into_page(rows, page, to_email, |item| {
            (item.created_at, item.id.to_string())
        })
    }

    async fn remove(&self, account: AccountId, id: EmailId) -> Result<(), RemoveEmailError> {
        let txn = self.db.begin().await.map_err(storage)?;
        lock_account(&txn, account).await?;
        let emails = account_email::Entity::find()
            .filter(account_email::Column::AccountId.eq(account.to_string()))
            .all(&txn)
            .await
            .map_err(storage)?
            .into_iter()
            .map(to_email)
            .collect::<Result<Vec<_>, _>>()?;
        check_removal(&emails, id)?;
        account_email::Entity::delete_by_id(id.to_string())
            .exec(&txn)
            .await
            .map_err(storage)?;
        txn.commit().await.map_err(storage)?;
        Ok(())
    }
}
