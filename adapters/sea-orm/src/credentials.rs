//! [`CredentialRepository`] on SeaORM.

use async_trait::async_trait;
use portico_kernel::{AccountId, PasswordHash, StorageError};
use portico_security::ports::{CredentialRepository, LoginKey, StoredCredential};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use time::OffsetDateTime;

use crate::entities::{account, account_email, credential};
use crate::errors::storage;
use crate::mapping::stored;

/// Password hashes in the `credentials` table, found through `accounts` and
/// `account_emails`.
#[derive(Debug, Clone)]
pub struct SeaCredentials {
    db: DatabaseConnection,
}

impl SeaCredentials {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn account_id_for(&self, login: &LoginKey) -> Result<Option<String>, StorageError> {
        match login {
            LoginKey::Username(key) => account::Entity::find()
                .select_only()
                .column(account::Column::Id)
                .filter(account::Column::UsernameKey.eq(key.as_str()))
                .into_tuple::<String>()
                .one(&self.db)
                .await
                .map_err(storage),
            LoginKey::Email(key) => account_email::Entity::find()
                .select_only()
                .column(account_email::Column::AccountId)
                .filter(account_email::Column::AddressKey.eq(key.as_str()))
                .filter(
                    Condition::any()
                        .add(account_email::Column::IsPrimary.eq(true))
                        .add(account_email::Column::Verified.eq(true)),
                )
                .into_tuple::<String>()
                .one(&self.db)
                .await
                .map_err(storage),
        }
    }
}

#[async_trait]
impl CredentialRepository for SeaCredentials {
    async fn find_by_login(
        &self,
        login: &LoginKey,
    ) -> Result<Option<StoredCredential>, StorageError> {
        let Some(account_id) = self.account_id_for(login).await? else {
            return Ok(None);
        };
        let Some(row) = credential::Entity::find_by_id(account_id)
            .one(&self.db)
            .await
            .map_err(storage)?
        else {
            return Ok(None);
        };
        Ok(Some(StoredCredential {
            account: stored(&row.account_id, AccountId::parse, "account id")?,
            password_hash: PasswordHash::from_phc(row.password_hash),
        }))
    }

    async fn replace_hash(
        &self,
        account: AccountId,
        hash: &PasswordHash,
        at: OffsetDateTime,
    ) -> Result<(), StorageError> {
        credential::Entity::update_many()
            .col_expr(
                credential::Column::PasswordHash,
                Expr::value(hash.as_phc().to_owned()),
            )
            .col_expr(credential::Column::UpdatedAt, Expr::value(at))
            .filter(credential::Column::AccountId.eq(account.to_string()))
            .exec(&self.db)
            .await
            .map_err(storage)?;
        Ok(())
    }
}
