//! [`PasswordResetRepository`] on SeaORM: the `password_resets` table.

use async_trait::async_trait;
use portico_kernel::{AccountId, AuditEntry, StorageError, TokenDigest};
use portico_security::ports::{PasswordResetRepository, PendingReset, ResetCompletion, ResetIssue};
use portico_security::two_factor::GuardedWriteError;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::devices::forget_all;
use crate::entities::{credential, password_reset, session};
use crate::errors::storage;
use crate::mapping::{instant, micros, stored};
use crate::outbox::insert_message;
use crate::security_events::insert_event;
use crate::transactions::begin_write;
use crate::two_factor::use_up_proof;

/// Reset tokens (as digests) in the `password_resets` table, one per account.
#[derive(Debug, Clone)]
pub struct SeaPasswordResets {
    db: DatabaseConnection,
}

impl SeaPasswordResets {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl PasswordResetRepository for SeaPasswordResets {
    #[tracing::instrument(level = "debug", name = "SeaPasswordResets::issue", skip_all)]
    async fn issue(&self, issue: &ResetIssue) -> Result<(), StorageError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        // The account's older link dies with its row; the unique account column keeps
        // two racing requests from both leaving a live link.
        password_reset::Entity::delete_many()
            .filter(password_reset::Column::AccountId.eq(issue.account.to_string()))
            .exec(&txn)
            .await
            .map_err(storage)?;
        password_reset::ActiveModel {
            digest: Set(issue.digest.as_str().to_owned()),
            account_id: Set(issue.account.to_string()),
            created_at: Set(micros(issue.created_at)),
            expires_at: Set(micros(issue.expires_at)),
        }
        .insert(&txn)
        .await
        .map_err(storage)?;
        insert_event(&txn, &AuditEntry::from(&issue.event)).await?;
        insert_message(&txn, &issue.mail).await?;
        txn.commit().await.map_err(storage)
    }

    #[tracing::instrument(level = "debug", name = "SeaPasswordResets::find", skip_all)]
    async fn find(&self, digest: &TokenDigest) -> Result<Option<PendingReset>, StorageError> {
        password_reset::Entity::find_by_id(digest.as_str().to_owned())
            .one(&self.db)
            .await
            .map_err(storage)?
            .map(|row| {
                Ok(PendingReset {
                    account: stored(&row.account_id, AccountId::parse, "account id")?,
                    expires_at: instant(row.expires_at)?,
                })
            })
            .transpose()
    }

    #[tracing::instrument(level = "debug", name = "SeaPasswordResets::void", skip_all)]
    async fn void(&self, digest: &TokenDigest) -> Result<(), StorageError> {
        password_reset::Entity::delete_by_id(digest.as_str().to_owned())
            .exec(&self.db)
            .await
            .map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaPasswordResets::complete", skip_all)]
    async fn complete(&self, completion: &ResetCompletion) -> Result<(), GuardedWriteError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        let account = completion.account.to_string();
        // Using the token up is the guard: of two confirmations, one deletes the row.
        let used = password_reset::Entity::delete_many()
            .filter(password_reset::Column::Digest.eq(completion.digest.as_str()))
            .filter(password_reset::Column::AccountId.eq(account.clone()))
            .filter(password_reset::Column::ExpiresAt.gt(micros(completion.event.at)))
            .exec(&txn)
            .await
            .map_err(storage)?
            .rows_affected;
        if used != 1 {
            return Err(GuardedWriteError::Stale);
        }
        if let Some(proof) = &completion.proof
            && !use_up_proof(&txn, completion.account, proof).await?
        {
            return Err(GuardedWriteError::FactorUsed);
        }
        credential::Entity::update_many()
            .col_expr(
                credential::Column::PasswordHash,
                Expr::value(completion.hash.as_phc().to_owned()),
            )
            .col_expr(
                credential::Column::UpdatedAt,
                Expr::value(micros(completion.event.at)),
            )
            .filter(credential::Column::AccountId.eq(account.clone()))
            .exec(&txn)
            .await
            .map_err(storage)?;
        session::Entity::delete_many()
            .filter(session::Column::AccountId.eq(account))
            .exec(&txn)
            .await
            .map_err(storage)?;
        forget_all(&txn, completion.account).await?;
        insert_event(&txn, &AuditEntry::from(&completion.event)).await?;
        for notice in &completion.notices {
            insert_message(&txn, notice).await?;
        }
        txn.commit().await.map_err(storage)?;
        Ok(())
    }
}
