//! [`SessionRepository`] on SeaORM.

use async_trait::async_trait;
use portico_kernel::{AccountId, AuditEntry, Page, PageRequest, SessionId, StorageError};
use portico_security::ports::{FreshProof, SessionRepository, SessionWithWhitelist};
use portico_security::{ClientInfo, GuardedWriteError, SecurityEvent, Session, TokenDigest};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, Set,
};
use time::OffsetDateTime;

use crate::entities::{ip_whitelist_entry as entry, session};
use crate::errors::storage;
use crate::ip_whitelist::to_entry;
use crate::keyset::{Direction, into_page, page_query};
use crate::mapping::{instant, micros, stored, stored_opt};
use crate::raw::portable;
use crate::security_events::insert_event;
use crate::transactions::begin_write;
use crate::two_factor::use_up_proof;

/// Sessions in the `sessions` table, found by the digest of their token.
#[derive(Debug, Clone)]
pub struct SeaSessions {
    db: DatabaseConnection,
    reads: DatabaseConnection,
}

impl SeaSessions {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            reads: db.clone(),
            db,
        }
    }

    /// The same repository, reading what every request reads (its session) from
    /// `reads` (see `Database::read_connection`).
    pub fn reading_from(self, reads: DatabaseConnection) -> Self {
        Self { reads, ..self }
    }
}

fn to_session(row: session::Model) -> Result<Session, StorageError> {
    Ok(Session {
        id: stored(&row.id, SessionId::parse, "session id")?,
        account: stored(&row.account_id, AccountId::parse, "account id")?,
        token_digest: TokenDigest::from_stored(row.token_digest),
        created_at: instant(row.created_at)?,
        last_seen_at: instant(row.last_seen_at)?,
        absolute_expires_at: instant(row.absolute_expires_at)?,
        authenticated_at: instant(row.authenticated_at)?,
        second_factor_pending: row.second_factor_pending,
        client: ClientInfo {
            ip: stored_opt(row.client_ip.as_deref(), str::parse, "client address")?,
            user_agent: row.user_agent,
        },
    })
}

#[async_trait]
impl SessionRepository for SeaSessions {
    #[tracing::instrument(level = "debug", name = "SeaSessions::insert", skip_all, fields(account = %session.account))]
    async fn insert(&self, session: &Session, event: &SecurityEvent) -> Result<(), StorageError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        session::ActiveModel {
            id: Set(session.id.to_string()),
            account_id: Set(session.account.to_string()),
            token_digest: Set(session.token_digest.as_str().to_owned()),
            created_at: Set(micros(session.created_at)),
            last_seen_at: Set(micros(session.last_seen_at)),
            absolute_expires_at: Set(micros(session.absolute_expires_at)),
            authenticated_at: Set(micros(session.authenticated_at)),
            second_factor_pending: Set(session.second_factor_pending),
            client_ip: Set(session.client.ip.map(|ip| ip.to_string())),
            user_agent: Set(session.client.user_agent.clone()),
        }
        .insert(&txn)
        .await
        .map_err(storage)?;
        insert_event(&txn, &AuditEntry::from(event)).await?;
        txn.commit().await.map_err(storage)
    }

    #[tracing::instrument(level = "debug", name = "SeaSessions::find_for_request", skip_all)]
    async fn find_for_request(
        &self,
        digest: &TokenDigest,
    ) -> Result<Option<SessionWithWhitelist>, StorageError> {
        // One statement: the session, and one row per whitelist entry of its account
        // (or one row with no entry).
        let rows = self
            .reads
            .query_all_raw(portable(
                &self.reads,
                "SELECT s.id AS id, s.account_id AS account_id, s.token_digest AS token_digest, \
                   s.created_at AS created_at, s.last_seen_at AS last_seen_at, \
                   s.absolute_expires_at AS absolute_expires_at, \
                   s.authenticated_at AS authenticated_at, \
                   s.second_factor_pending AS second_factor_pending, \
                   s.client_ip AS client_ip, s.user_agent AS user_agent, \
                   w.id AS w_id, w.cidr AS w_cidr, w.label AS w_label, \
                   w.created_at AS w_created_at, w.last_used_at AS w_last_used_at \
                 FROM sessions s LEFT JOIN ip_whitelist w ON w.account_id = s.account_id \
                 WHERE s.token_digest = $1 \
                 ORDER BY w.created_at, w.id",
                vec![digest.as_str().into()],
            ))
            .await
            .map_err(storage)?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let session = to_session(session::Model {
            id: first.try_get("", "id").map_err(storage)?,
            account_id: first.try_get("", "account_id").map_err(storage)?,
            token_digest: first.try_get("", "token_digest").map_err(storage)?,
            created_at: first.try_get("", "created_at").map_err(storage)?,
            last_seen_at: first.try_get("", "last_seen_at").map_err(storage)?,
            absolute_expires_at: first.try_get("", "absolute_expires_at").map_err(storage)?,
            authenticated_at: first.try_get("", "authenticated_at").map_err(storage)?,
            second_factor_pending: first
                .try_get("", "second_factor_pending")
                .map_err(storage)?,
            client_ip: first.try_get("", "client_ip").map_err(storage)?,
            user_agent: first.try_get("", "user_agent").map_err(storage)?,
        })?;
        let mut whitelist = Vec::new();
        for row in &rows {
            let Some(id) = row.try_get::<Option<String>>("", "w_id").map_err(storage)? else {
                continue;
            };
            whitelist.push(to_entry(entry::Model {
                id,
                account_id: session.account.to_string(),
                cidr: row.try_get("", "w_cidr").map_err(storage)?,
                label: row.try_get("", "w_label").map_err(storage)?,
                created_at: row.try_get("", "w_created_at").map_err(storage)?,
                last_used_at: row.try_get("", "w_last_used_at").map_err(storage)?,
            })?);
        }
        Ok(Some(SessionWithWhitelist { session, whitelist }))
    }

    #[tracing::instrument(level = "debug", name = "SeaSessions::touch", skip_all, fields(id = %id))]
    async fn touch(&self, id: SessionId, at: OffsetDateTime) -> Result<(), StorageError> {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(micros(at)))
            .filter(session::Column::Id.eq(id.to_string()))
            .exec(&self.db)
            .await
            .map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaSessions::list", skip_all, fields(account = %account))]
    async fn list(
        &self,
        account: AccountId,
        now: OffsetDateTime,
        page: &PageRequest,
    ) -> Result<Page<Session>, StorageError> {
        let select = session::Entity::find()
            .filter(session::Column::AccountId.eq(account.to_string()))
            .filter(session::Column::AbsoluteExpiresAt.gt(micros(now)));
        let rows = page_query(
            select,
            session::Column::CreatedAt,
            session::Column::Id,
            page,
            Direction::Descending,
        )
        .all(&self.db)
        .await
        .map_err(storage)?;
        into_page(rows, page, to_session, |item| {
            (item.created_at, item.id.to_string())
        })
    }

    #[tracing::instrument(level = "debug", name = "SeaSessions::delete", skip_all, fields(account = %account, id = %id))]
    async fn delete(&self, account: AccountId, id: SessionId) -> Result<bool, StorageError> {
        let result = session::Entity::delete_many()
            .filter(session::Column::Id.eq(id.to_string()))
            .filter(session::Column::AccountId.eq(account.to_string()))
            .exec(&self.db)
            .await
            .map_err(storage)?;
        Ok(result.rows_affected > 0)
    }

    #[tracing::instrument(level = "debug", name = "SeaSessions::delete_others", skip_all, fields(account = %account, keep = %keep))]
    async fn delete_others(
        &self,
        account: AccountId,
        keep: SessionId,
    ) -> Result<Vec<SessionId>, StorageError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        let ids = session::Entity::find()
            .select_only()
            .column(session::Column::Id)
            .filter(session::Column::AccountId.eq(account.to_string()))
            .filter(session::Column::Id.ne(keep.to_string()))
            .into_tuple::<String>()
            .all(&txn)
            .await
            .map_err(storage)?;
        // Only the sessions read: one opened meanwhile (a login after the click)
        // stays, and every id returned was deleted.
        session::Entity::delete_many()
            .filter(session::Column::AccountId.eq(account.to_string()))
            .filter(session::Column::Id.is_in(ids.iter().map(String::as_str)))
            .exec(&txn)
            .await
            .map_err(storage)?;
        txn.commit().await.map_err(storage)?;
        ids.iter()
            .map(|id| SessionId::parse(id).map_err(StorageError::new))
            .collect()
    }

    #[tracing::instrument(level = "debug", name = "SeaSessions::renew_proof", skip_all)]
    async fn renew_proof(&self, fresh: &FreshProof) -> Result<(), GuardedWriteError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        // The proof before the session row, the order every two-factor transaction
        // keeps, so two of them never wait on each other.
        if let Some(proof) = &fresh.proof
            && !use_up_proof(&txn, fresh.account, proof).await?
        {
            return Err(GuardedWriteError::FactorUsed);
        }
        let renewed = session::Entity::update_many()
            .col_expr(
                session::Column::AuthenticatedAt,
                Expr::value(micros(fresh.at)),
            )
            .filter(session::Column::Id.eq(fresh.session.to_string()))
            .filter(session::Column::AccountId.eq(fresh.account.to_string()))
            .filter(session::Column::SecondFactorPending.eq(false))
            .exec(&txn)
            .await
            .map_err(storage)?
            .rows_affected;
        if renewed != 1 {
            return Err(GuardedWriteError::Stale);
        }
        insert_event(&txn, &AuditEntry::from(&fresh.event)).await?;
        txn.commit().await.map_err(storage)?;
        Ok(())
    }
}
