//! [`CredentialRepository`] on SeaORM.

use async_trait::async_trait;
use portico_kernel::{AccountId, AuditEntry, PasswordHash, StorageError};
use portico_security::ports::{CredentialRepository, LoginKey, PasswordChange, StoredCredential};
use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};
use time::OffsetDateTime;

use crate::entities::{account, account_email, credential, session};
use crate::errors::storage;
use crate::mapping::{micros, stored};
use crate::outbox::insert_message;
use crate::security_events::insert_event;
use crate::transactions::begin_write;

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

    /// The ids of the accounts a login names, as a sub-query, so that finding the
    /// credential is a single statement whether or not the login exists (two queries
    /// for known logins and one for unknown ones would be a timing signal).
    fn account_ids_for(login: &LoginKey) -> SelectStatement {
        match login {
            LoginKey::Username(key) => Query::select()
                .column(account::Column::Id)
                .from(account::Entity)
                .and_where(account::Column::UsernameKey.eq(key.as_str()))
                .to_owned(),
            LoginKey::Email(key) => Query::select()
                .column(account_email::Column::AccountId)
                .from(account_email::Entity)
                .and_where(account_email::Column::AddressKey.eq(key.as_str()))
                .cond_where(
                    Condition::any()
                        .add(account_email::Column::IsPrimary.eq(true))
                        .add(account_email::Column::Verified.eq(true)),
                )
                .to_owned(),
        }
    }
}

#[async_trait]
impl CredentialRepository for SeaCredentials {
    #[tracing::instrument(level = "debug", name = "SeaCredentials::find_by_login", skip_all)]
    async fn find_by_login(
        &self,
        login: &LoginKey,
    ) -> Result<Option<StoredCredential>, StorageError> {
        let Some(row) = credential::Entity::find()
            .filter(credential::Column::AccountId.in_subquery(Self::account_ids_for(login)))
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

    #[tracing::instrument(level = "debug", name = "SeaCredentials::find_by_account", skip_all, fields(account = %account))]
    async fn find_by_account(
        &self,
        account: AccountId,
    ) -> Result<Option<StoredCredential>, StorageError> {
        let Some(row) = credential::Entity::find_by_id(account.to_string())
            .one(&self.db)
            .await
            .map_err(storage)?
        else {
            return Ok(None);
        };
        Ok(Some(StoredCredential {
            account,
            password_hash: PasswordHash::from_phc(row.password_hash),
        }))
    }

    #[tracing::instrument(level = "debug", name = "SeaCredentials::change_password", skip_all)]
    async fn change_password(&self, change: &PasswordChange) -> Result<(), StorageError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        credential::Entity::update_many()
            .col_expr(
                credential::Column::PasswordHash,
                Expr::value(change.hash.as_phc().to_owned()),
            )
            .col_expr(
                credential::Column::UpdatedAt,
                Expr::value(micros(change.event.at)),
            )
            .filter(credential::Column::AccountId.eq(change.account.to_string()))
            .exec(&txn)
            .await
            .map_err(storage)?;
        session::Entity::delete_many()
            .filter(session::Column::AccountId.eq(change.account.to_string()))
            .filter(session::Column::Id.ne(change.keep_session.to_string()))
            .exec(&txn)
            .await
            .map_err(storage)?;
        insert_event(&txn, &AuditEntry::from(&change.event)).await?;
        for notice in &change.notices {
            insert_message(&txn, notice).await?;
        }
        txn.commit().await.map_err(storage)
    }

    #[tracing::instrument(level = "debug", name = "SeaCredentials::replace_hash", skip_all, fields(account = %account))]
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
            .col_expr(credential::Column::UpdatedAt, Expr::value(micros(at)))
            .filter(credential::Column::AccountId.eq(account.to_string()))
            .exec(&self.db)
            .await
            .map_err(storage)?;
        Ok(())
    }
}
