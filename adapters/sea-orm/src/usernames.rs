//! [`UsernameRepository`] on SeaORM: username changes in the `accounts` table.

use async_trait::async_trait;
use portico_kernel::AuditEntry;
use portico_security::ports::{UsernameChange, UsernameRepository, UsernameWriteError};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::entities::account;
use crate::errors::{is_unique_violation, storage};
use crate::outbox::insert_message;
use crate::security_events::insert_event;
use crate::transactions::begin_write;
use crate::two_factor::use_up_proof;

/// Usernames in the `accounts` table.
#[derive(Debug, Clone)]
pub struct SeaUsernames {
    db: DatabaseConnection,
}

impl SeaUsernames {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl UsernameRepository for SeaUsernames {
    #[tracing::instrument(level = "debug", name = "SeaUsernames::change_username", skip_all)]
    async fn change_username(&self, change: &UsernameChange) -> Result<(), UsernameWriteError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        if let Some(proof) = &change.proof
            && !use_up_proof(&txn, change.account, proof).await?
        {
            return Err(UsernameWriteError::FactorUsed);
        }
        // The unique index on the folded username decides between racing changes and
        // registrations; a violation rolls everything back, the used proof included.
        account::Entity::update_many()
            .col_expr(
                account::Column::Username,
                Expr::value(change.username.as_str().to_owned()),
            )
            .col_expr(
                account::Column::UsernameKey,
                Expr::value(change.username.key()),
            )
            .filter(account::Column::Id.eq(change.account.to_string()))
            .exec(&txn)
            .await
            .map_err(|error| {
                if is_unique_violation(&error, "username_key") {
                    UsernameWriteError::Taken
                } else {
                    UsernameWriteError::Storage(storage(error))
                }
            })?;
        insert_event(&txn, &AuditEntry::from(&change.event)).await?;
        for notice in &change.notices {
            insert_message(&txn, notice).await?;
        }
        txn.commit().await.map_err(storage)?;
        Ok(())
    }
}
