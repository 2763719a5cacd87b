//! [`TwoFactorRepository`] on SeaORM: the `two_factor` and `recovery_codes` tables,
//! and the guarded writes that use up second-factor proofs.

use async_trait::async_trait;
use portico_kernel::{AccountId, AuditEntry, StorageError, TokenDigest};
use portico_security::two_factor::{
    Enablement, FactorGuardedChange, GuardedWriteError, SecondFactorCompletion,
};
use portico_security::{SealedSeed, SecondFactorProof, TwoFactorRecord, TwoFactorRepository};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Value,
};
use time::OffsetDateTime;

use crate::entities::{recovery_code, session, two_factor};
use crate::errors::storage;
use crate::mapping::{instant, micros};
use crate::outbox::insert_message;
use crate::raw::portable;
use crate::security_events::insert_event;
use crate::transactions::begin_write;

/// Two-factor state in the `two_factor` and `recovery_codes` tables.
#[derive(Debug, Clone)]
pub struct SeaTwoFactor {
    db: DatabaseConnection,
}

impl SeaTwoFactor {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn step_value(step: u64) -> Result<i64, StorageError> {
    i64::try_from(step).map_err(StorageError::new)
}

/// Uses up a second-factor proof on `conn` with one conditional statement: the TOTP
/// step is stored only if it is later than the stored one (and two-factor is on), a
/// recovery code is deleted only if it is there. `false` when the proof was already
/// used; of two transactions racing with one proof, exactly one gets `true`.
pub(crate) async fn use_up_proof(
    conn: &impl ConnectionTrait,
    account: AccountId,
    proof: &SecondFactorProof,
) -> Result<bool, StorageError> {
    let rows = match proof {
        SecondFactorProof::Totp { step } => {
            let step = step_value(*step)?;
            two_factor::Entity::update_many()
                .col_expr(two_factor::Column::LastUsedStep, Expr::value(step))
                .filter(two_factor::Column::AccountId.eq(account.to_string()))
                .filter(two_factor::Column::EnabledAt.is_not_null())
                .filter(
                    two_factor::Column::LastUsedStep
                        .is_null()
                        .or(two_factor::Column::LastUsedStep.lt(step)),
                )
                .exec(conn)
                .await
                .map_err(storage)?
                .rows_affected
        }
        SecondFactorProof::RecoveryCode(digest) => {
            recovery_code::Entity::delete_many()
                .filter(recovery_code::Column::AccountId.eq(account.to_string()))
                .filter(recovery_code::Column::Digest.eq(digest.as_str()))
                .exec(conn)
                .await
                .map_err(storage)?
                .rows_affected
        }
    };
    Ok(rows == 1)
}

async fn insert_codes(
    conn: &impl ConnectionTrait,
    account: AccountId,
    codes: &[TokenDigest],
) -> Result<(), StorageError> {
    if codes.is_empty() {
        return Ok(());
    }
    recovery_code::Entity::insert_many(codes.iter().map(|digest| recovery_code::ActiveModel {
        account_id: sea_orm::Set(account.to_string()),
        digest: sea_orm::Set(digest.as_str().to_owned()),
    }))
    .exec(conn)
    .await
    .map_err(storage)?;
    Ok(())
}

async fn delete_codes(conn: &impl ConnectionTrait, account: AccountId) -> Result<(), StorageError> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::AccountId.eq(account.to_string()))
        .exec(conn)
        .await
        .map_err(storage)?;
    Ok(())
}

#[async_trait]
impl TwoFactorRepository for SeaTwoFactor {
    #[tracing::instrument(level = "debug", name = "SeaTwoFactor::find", skip_all, fields(account = %account))]
    async fn find(&self, account: AccountId) -> Result<Option<TwoFactorRecord>, StorageError> {
        let Some(row) = two_factor::Entity::find_by_id(account.to_string())
            .one(&self.db)
            .await
            .map_err(storage)?
        else {
            return Ok(None);
        };
        Ok(Some(TwoFactorRecord {
            account,
            sealed_seed: SealedSeed::from_stored(row.sealed_seed),
            enabled_at: row.enabled_at.map(instant).transpose()?,
            last_used_step: row
                .last_used_step
                .map(|step| u64::try_from(step).map_err(StorageError::new))
                .transpose()?,
        }))
    }

    #[tracing::instrument(level = "debug", name = "SeaTwoFactor::recovery_codes_left", skip_all, fields(account = %account))]
    async fn recovery_codes_left(&self, account: AccountId) -> Result<u32, StorageError> {
        let count = recovery_code::Entity::find()
            .filter(recovery_code::Column::AccountId.eq(account.to_string()))
            .count(&self.db)
            .await
            .map_err(storage)?;
        u32::try_from(count).map_err(StorageError::new)
    }

    #[tracing::instrument(level = "debug", name = "SeaTwoFactor::start_enrolment", skip_all, fields(account = %account))]
    async fn start_enrolment(
        &self,
        account: AccountId,
        sealed_seed: &SealedSeed,
        at: OffsetDateTime,
    ) -> Result<bool, StorageError> {
        // One statement: insert, or replace a pending seed, but never an enabled one.
        let result = self
            .db
            .execute_raw(portable(
                &self.db,
                "INSERT INTO two_factor (account_id, sealed_seed, created_at) \
                 VALUES ($1, $2, $3) \
                 ON CONFLICT (account_id) DO UPDATE \
                 SET sealed_seed = excluded.sealed_seed, created_at = excluded.created_at, \
                     last_used_step = NULL \
                 WHERE two_factor.enabled_at IS NULL",
                vec![
                    Value::from(account.to_string()),
                    Value::from(sealed_seed.as_bytes().to_vec()),
                    Value::from(micros(at)),
                ],
            ))
            .await
            .map_err(storage)?;
        Ok(result.rows_affected() == 1)
    }

    #[tracing::instrument(level = "debug", name = "SeaTwoFactor::enable", skip_all)]
    async fn enable(&self, enablement: &Enablement) -> Result<(), GuardedWriteError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        let account = enablement.account;
        let enabled = two_factor::Entity::update_many()
            .col_expr(
                two_factor::Column::EnabledAt,
                Expr::value(micros(enablement.event.at)),
            )
            .col_expr(
                two_factor::Column::LastUsedStep,
                Expr::value(step_value(enablement.step)?),
            )
            .filter(two_factor::Column::AccountId.eq(account.to_string()))
            .filter(two_factor::Column::EnabledAt.is_null())
            .filter(two_factor::Column::SealedSeed.eq(enablement.sealed_seed.as_bytes().to_vec()))
            .exec(&txn)
            .await
            .map_err(storage)?
            .rows_affected;
        if enabled != 1 {
            return Err(GuardedWriteError::Stale);
        }
        delete_codes(&txn, account).await?;
        insert_codes(&txn, account, &enablement.recovery_codes).await?;
        insert_event(&txn, &AuditEntry::from(&enablement.event)).await?;
        for notice in &enablement.notices {
            insert_message(&txn, notice).await?;
        }
        txn.commit().await.map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaTwoFactor::renew_recovery_codes", skip_all)]
    async fn renew_recovery_codes(
        &self,
        change: &FactorGuardedChange,
        codes: &[TokenDigest],
    ) -> Result<(), GuardedWriteError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        if !use_up_proof(&txn, change.account, &change.proof).await? {
            return Err(GuardedWriteError::FactorUsed);
        }
        delete_codes(&txn, change.account).await?;
        insert_codes(&txn, change.account, codes).await?;
        insert_event(&txn, &AuditEntry::from(&change.event)).await?;
        for notice in &change.notices {
            insert_message(&txn, notice).await?;
        }
        txn.commit().await.map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaTwoFactor::disable", skip_all)]
    async fn disable(&self, change: &FactorGuardedChange) -> Result<(), GuardedWriteError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        if !use_up_proof(&txn, change.account, &change.proof).await? {
            return Err(GuardedWriteError::FactorUsed);
        }
        delete_codes(&txn, change.account).await?;
        two_factor::Entity::delete_many()
            .filter(two_factor::Column::AccountId.eq(change.account.to_string()))
            .exec(&txn)
            .await
            .map_err(storage)?;
        insert_event(&txn, &AuditEntry::from(&change.event)).await?;
        for notice in &change.notices {
            insert_message(&txn, notice).await?;
        }
        txn.commit().await.map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaTwoFactor::complete_login", skip_all)]
    async fn complete_login(
        &self,
        completion: &SecondFactorCompletion,
    ) -> Result<(), GuardedWriteError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        // The proof first, then the session: every transaction here takes the
        // two-factor row before session rows (a reset does too), so two of them
        // never wait on each other. A failure below rolls the proof back.
        if !use_up_proof(&txn, completion.account, &completion.proof).await? {
            return Err(GuardedWriteError::FactorUsed);
        }
        let rotated = session::Entity::update_many()
            .col_expr(
                session::Column::TokenDigest,
                Expr::value(completion.new_digest.as_str().to_owned()),
            )
            .col_expr(session::Column::SecondFactorPending, Expr::value(false))
            .col_expr(
                session::Column::LastSeenAt,
                Expr::value(micros(completion.at)),
            )
            .col_expr(
                session::Column::AuthenticatedAt,
                Expr::value(micros(completion.at)),
            )
            .col_expr(
                session::Column::AbsoluteExpiresAt,
                Expr::value(micros(completion.absolute_expires_at)),
            )
            .filter(session::Column::Id.eq(completion.session.to_string()))
            .filter(session::Column::AccountId.eq(completion.account.to_string()))
            .filter(session::Column::TokenDigest.eq(completion.old_digest.as_str()))
            .filter(session::Column::SecondFactorPending.eq(true))
            .exec(&txn)
            .await
            .map_err(storage)?
            .rows_affected;
        if rotated != 1 {
            return Err(GuardedWriteError::Stale);
        }
        insert_event(&txn, &AuditEntry::from(&completion.event)).await?;
        txn.commit().await.map_err(storage)?;
        Ok(())
    }
}
