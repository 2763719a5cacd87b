//! [`EmailRepository`] on SeaORM.

use async_trait::async_trait;
use portico_identity::AccountEmail;
use portico_identity::EmailVerification;
use portico_identity::email_rules::check_removal;
use portico_identity::ports::{EmailRepository, EmailWriteError, RemoveEmailError, VerifyOutcome};
use portico_kernel::{
    AccountId, EmailAddress, EmailId, Page, PageRequest, StorageError, TokenDigest,
};
use portico_mail_log::NewMessage;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};
use time::OffsetDateTime;

use crate::entities::{account_email, email_verification};
use crate::errors::{is_unique_violation, storage};
use crate::keyset::{Direction, into_page, page_query};
use crate::locks::lock_account;
use crate::mapping::{instant, micros, stored};
use crate::outbox::insert_message;
use crate::transactions::begin_write;

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

/// Stores a pending verification, replacing (and so voiding) any earlier one for the
/// same address.
pub(crate) async fn save_verification(
    conn: &impl ConnectionTrait,
    verification: &EmailVerification,
) -> Result<(), StorageError> {
    email_verification::Entity::delete_by_id(verification.email_id.to_string())
        .exec(conn)
        .await
        .map_err(storage)?;
    email_verification::ActiveModel {
        email_id: Set(verification.email_id.to_string()),
        token_digest: Set(verification.digest.as_str().to_owned()),
        expires_at: Set(micros(verification.expires_at)),
    }
    .insert(conn)
    .await
    .map_err(storage)?;
    Ok(())
}

fn classify(error: DbErr) -> EmailWriteError {
    if is_unique_violation(&error, "address_key") {
        EmailWriteError::Taken
    } else {
        EmailWriteError::Unexpected(storage(error))
    }
}

async fn find_owned(
    conn: &impl ConnectionTrait,
    account: AccountId,
    id: EmailId,
) -> Result<Option<account_email::Model>, StorageError> {
    account_email::Entity::find()
        .filter(account_email::Column::Id.eq(id.to_string()))
        .filter(account_email::Column::AccountId.eq(account.to_string()))
        .one(conn)
        .await
        .map_err(storage)
}

#[async_trait]
impl EmailRepository for SeaEmails {
    #[tracing::instrument(level = "debug", name = "SeaEmails::list", skip_all, fields(account = %account))]
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

    #[tracing::instrument(level = "debug", name = "SeaEmails::count", skip_all, fields(account = %account))]
    async fn count(&self, account: AccountId) -> Result<u64, StorageError> {
        account_email::Entity::find()
            .filter(account_email::Column::AccountId.eq(account.to_string()))
            .count(&self.db)
            .await
            .map_err(storage)
    }

    #[tracing::instrument(level = "debug", name = "SeaEmails::add", skip_all, fields(account = %account))]
    async fn add(
        &self,
        account: AccountId,
        email: &AccountEmail,
        verification: &EmailVerification,
        message: &NewMessage,
        limit: u64,
    ) -> Result<(), EmailWriteError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        lock_account(&txn, account).await?;
        let count = account_email::Entity::find()
            .filter(account_email::Column::AccountId.eq(account.to_string()))
            .count(&txn)
            .await
            .map_err(storage)?;
        if count >= limit {
            return Err(EmailWriteError::LimitReached);
        }
        account_email::ActiveModel {
            id: Set(email.id.to_string()),
            account_id: Set(account.to_string()),
            address: Set(email.address.as_str().to_owned()),
            address_key: Set(email.address.key()),
            verified: Set(false),
            is_primary: Set(false),
            created_at: Set(micros(email.created_at)),
        }
        .insert(&txn)
        .await
        .map_err(classify)?;
        save_verification(&txn, verification).await?;
        insert_message(&txn, message).await?;
        txn.commit().await.map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaEmails::change_address", skip_all, fields(account = %account, id = %id))]
    async fn change_address(
        &self,
        account: AccountId,
        id: EmailId,
        address: &EmailAddress,
        verification: &EmailVerification,
        message: &NewMessage,
    ) -> Result<(), EmailWriteError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        lock_account(&txn, account).await?;
        let row = find_owned(&txn, account, id)
            .await?
            .ok_or(EmailWriteError::NotFound)?;
        if row.is_primary {
            return Err(EmailWriteError::Primary);
        }
        account_email::Entity::update_many()
            .col_expr(
                account_email::Column::Address,
                Expr::value(address.as_str()),
            )
            .col_expr(
                account_email::Column::AddressKey,
                Expr::value(address.key()),
            )
            .col_expr(account_email::Column::Verified, Expr::value(false))
            .filter(account_email::Column::Id.eq(id.to_string()))
            .exec(&txn)
            .await
            .map_err(classify)?;
        save_verification(&txn, verification).await?;
        insert_message(&txn, message).await?;
        txn.commit().await.map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaEmails::verify", skip_all, fields(account = %account, id = %id))]
    async fn verify(
        &self,
        account: AccountId,
        id: EmailId,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> Result<VerifyOutcome, StorageError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        // The same lock as edits take, so a verification and an edit of one address
        // queue instead of deadlocking on PostgreSQL.
        lock_account(&txn, account).await?;
        let Some(row) = find_owned(&txn, account, id).await? else {
            return Ok(VerifyOutcome::NotFound);
        };
        // Using the token up is the conditional delete: of two concurrent attempts
        // with the same token, only one deletes the row.
        let used = email_verification::Entity::delete_many()
            .filter(email_verification::Column::EmailId.eq(id.to_string()))
            .filter(email_verification::Column::TokenDigest.eq(digest.as_str()))
            .filter(email_verification::Column::ExpiresAt.gt(micros(now)))
            .exec(&txn)
            .await
            .map_err(storage)?
            .rows_affected
            > 0;
        if !used {
            return Ok(if row.verified {
                VerifyOutcome::AlreadyVerified
            } else {
                VerifyOutcome::InvalidToken
            });
        }
        account_email::Entity::update_many()
            .col_expr(account_email::Column::Verified, Expr::value(true))
            .filter(account_email::Column::Id.eq(id.to_string()))
            .exec(&txn)
            .await
            .map_err(storage)?;
        txn.commit().await.map_err(storage)?;
        Ok(VerifyOutcome::Verified)
    }

    #[tracing::instrument(level = "debug", name = "SeaEmails::make_primary", skip_all, fields(account = %account, id = %id, former = %former))]
    async fn make_primary(
        &self,
        account: AccountId,
        id: EmailId,
        former: EmailId,
        notice: Option<NewMessage>,
    ) -> Result<(), EmailWriteError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        lock_account(&txn, account).await?;
        let row = find_owned(&txn, account, id)
            .await?
            .ok_or(EmailWriteError::NotFound)?;
        if !row.verified {
            return Err(EmailWriteError::NotVerified);
        }
        let still_primary = find_owned(&txn, account, former)
            .await?
            .is_some_and(|former| former.is_primary);
        if !still_primary {
            return Err(EmailWriteError::Changed);
        }
        account_email::Entity::update_many()
            .col_expr(account_email::Column::IsPrimary, Expr::value(false))
            .filter(account_email::Column::AccountId.eq(account.to_string()))
            .exec(&txn)
            .await
            .map_err(storage)?;
        account_email::Entity::update_many()
            .col_expr(account_email::Column::IsPrimary, Expr::value(true))
            .filter(account_email::Column::Id.eq(id.to_string()))
            .exec(&txn)
            .await
            .map_err(storage)?;
        if let Some(notice) = &notice {
            insert_message(&txn, notice).await?;
        }
        txn.commit().await.map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaEmails::remove", skip_all, fields(account = %account, id = %id))]
    async fn remove(&self, account: AccountId, id: EmailId) -> Result<(), RemoveEmailError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
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
