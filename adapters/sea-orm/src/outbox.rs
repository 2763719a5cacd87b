//! [`OutboxRepository`] on SeaORM: the `messages`, `message_secrets` and
//! `message_events` tables.
//!
//! A message's secret delivery copy (the bodies with one-time links) lives in
//! `message_secrets` only until the message is sent or fails; the history reads the
//! redacted copy in `messages`.

use async_trait::async_trait;
use portico_kernel::{AccountId, EmailAddress, MessageId, Page, PageRequest, StorageError};
use portico_mail_log::{
    AttemptRecord, AttemptResult, Backlog, BounceOutcome, BounceReference, Content, Envelope,
    Message, MessageStatus, NewMessage, OutboxRepository, StatusEvent,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, EntityTrait, QueryFilter, QueryOrder, Set, Statement,
};
use time::OffsetDateTime;

use crate::entities::{message, message_event, message_secret};
use crate::errors::storage;
use crate::keyset::{Direction, into_page, page_query};
use crate::mapping::{instant, micros, stored};
use crate::raw::portable;
use crate::transactions::begin_write;

/// The outbox over the given pool.
#[derive(Debug, Clone)]
pub struct SeaOutbox {
    db: DatabaseConnection,
    reads: DatabaseConnection,
}

impl SeaOutbox {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            reads: db.clone(),
            db,
        }
    }

    /// The same repository, reading the email history from `reads` (see
    /// `Database::read_connection`); claims and records stay on the writer.
    pub fn reading_from(self, reads: DatabaseConnection) -> Self {
        Self { reads, ..self }
    }
}

/// Writes a new message, its secret copy and its first event on `conn`; other
/// adapters call this inside the transaction of the change that causes the mail.
pub(crate) async fn insert_message(
    conn: &impl ConnectionTrait,
    new: &NewMessage,
) -> Result<(), StorageError> {
    let id = new.id.to_string();
    let created_at = micros(new.created_at);
    message::ActiveModel {
        id: Set(id.clone()),
        account_id: Set(new.account.map(|a| a.to_string())),
        recipient: Set(new.to.as_str().to_owned()),
        template: Set(new.template.to_owned()),
        language: Set(new.language.clone()),
        subject: Set(new.stored.subject.clone()),
        text_body: Set(new.stored.text.clone()),
        html_body: Set(new.stored.html.clone()),
        status: Set(MessageStatus::Queued.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(created_at),
        lease_until: Set(None),
        message_id_header: Set(new.message_id_header.clone()),
        created_at: Set(created_at),
        sent_at: Set(None),
    }
    .insert(conn)
    .await
    .map_err(storage)?;
    if let Some(secret) = &new.secret_delivery {
        message_secret::ActiveModel {
            message_id: Set(id.clone()),
            subject: Set(secret.subject.clone()),
            text_body: Set(secret.text.clone()),
            html_body: Set(secret.html.clone()),
        }
        .insert(conn)
        .await
        .map_err(storage)?;
    }
    insert_event(conn, &id, new.created_at, MessageStatus::Queued, "queued").await
}

async fn insert_event(
    conn: &impl ConnectionTrait,
    message_id: &str,
    at: OffsetDateTime,
    status: MessageStatus,
    detail: &str,
) -> Result<(), StorageError> {
    message_event::ActiveModel {
        id: Set(MessageId::generate().to_string()),
        message_id: Set(message_id.to_owned()),
        at: Set(micros(at)),
        status: Set(status.as_str().to_owned()),
        detail: Set(detail.chars().take(2_000).collect()),
    }
    .insert(conn)
    .await
    .map_err(storage)?;
    Ok(())
}

/// Moves one message on after an attempt, inside the caller's transaction. A message
/// no longer `queued` under this lease (a worker whose lease ran out and was taken
/// over) is left as it is.
async fn apply_attempt(
    txn: &DatabaseTransaction,
    attempt: &AttemptRecord,
) -> Result<(), StorageError> {
    let (status, detail, next_attempt_at) = match &attempt.result {
        AttemptResult::Sent { detail } => (MessageStatus::Sent, detail, None),
        AttemptResult::Retry {
            detail,
            next_attempt_at,
        } => (MessageStatus::Queued, detail, Some(*next_attempt_at)),
        AttemptResult::Failed { detail } => (MessageStatus::Failed, detail, None),
    };
    let id = attempt.id.to_string();
    let mut update = message::Entity::update_many()
        .col_expr(message::Column::Status, Expr::value(status.as_str()))
        .col_expr(message::Column::LeaseUntil, Expr::value(None::<i64>))
        .filter(message::Column::Id.eq(id.clone()))
        .filter(message::Column::Status.eq(MessageStatus::Queued.as_str()))
        // The fence: a worker whose lease ran out (and was taken over) changes nothing.
        .filter(message::Column::LeaseUntil.eq(micros(attempt.lease_until)));
    if let Some(next) = next_attempt_at {
        update = update.col_expr(message::Column::NextAttemptAt, Expr::value(micros(next)));
    }
    if status == MessageStatus::Sent {
        update = update.col_expr(message::Column::SentAt, Expr::value(micros(attempt.at)));
    }
    let changed = update.exec(txn).await.map_err(storage)?.rows_affected > 0;
    if !changed {
        return Ok(());
    }
    insert_event(txn, &id, attempt.at, status, detail).await?;
    if status != MessageStatus::Queued {
        // Delivered or given up: the copy holding the one-time secret goes.
        message_secret::Entity::delete_by_id(id)
            .exec(txn)
            .await
            .map_err(storage)?;
    }
    Ok(())
}

fn to_message(row: message::Model) -> Result<Message, StorageError> {
    Ok(Message {
        id: stored(&row.id, MessageId::parse, "message id")?,
        to: stored(&row.recipient, EmailAddress::parse, "recipient")?,
        template: row.template,
        language: row.language,
        content: Content {
            subject: row.subject,
            text: row.text_body,
            html: row.html_body,
        },
        status: stored(&row.status, MessageStatus::parse, "message status")?,
        created_at: instant(row.created_at)?,
        sent_at: row.sent_at.map(instant).transpose()?,
        attempts: u32::try_from(row.attempts).unwrap_or_default(),
        message_id_header: row.message_id_header,
    })
}

/// The claim, as one statement: lease due, unleased queued messages and return
/// their ids. On PostgreSQL `FOR UPDATE SKIP LOCKED` lets concurrent workers pass
/// over each other's rows instead of waiting or double-claiming; SQLite runs one
/// statement at a time on its single connection, which is atomic by itself.
fn claim_statement(backend: DbBackend, now: i64, lease_until: i64, limit: u64) -> Statement {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let sql = match backend {
        DbBackend::Postgres => {
            "UPDATE messages SET lease_until = $1, attempts = attempts + 1 WHERE id IN (\
               SELECT id FROM messages WHERE status = 'queued' AND next_attempt_at <= $2 \
               AND (lease_until IS NULL OR lease_until <= $2) \
               ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
             RETURNING id"
        }
        _ => {
            "UPDATE messages SET lease_until = ?1, attempts = attempts + 1 WHERE id IN (\
               SELECT id FROM messages WHERE status = 'queued' AND next_attempt_at <= ?2 \
               AND (lease_until IS NULL OR lease_until <= ?2) \
               ORDER BY next_attempt_at, id LIMIT ?3) \
             RETURNING id"
        }
    };
    Statement::from_sql_and_values(backend, sql, [lease_until.into(), now.into(), limit.into()])
}

#[async_trait]
impl OutboxRepository for SeaOutbox {
    #[tracing::instrument(level = "debug", name = "SeaOutbox::enqueue", skip_all)]
    async fn enqueue(&self, new: &NewMessage) -> Result<(), StorageError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        insert_message(&txn, new).await?;
        txn.commit().await.map_err(storage)
    }

    #[tracing::instrument(level = "debug", name = "SeaOutbox::claim_due", skip_all)]
    async fn claim_due(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u64,
    ) -> Result<Vec<Envelope>, StorageError> {
        let backend = self.db.get_database_backend();
        let rows = self
            .db
            .query_all_raw(claim_statement(
                backend,
                micros(now),
                micros(lease_until),
                limit,
            ))
            .await
            .map_err(storage)?;
        let ids = rows
            .iter()
            .map(|row| row.try_get::<String>("", "id"))
            .collect::<Result<Vec<_>, _>>()
            .map_err(storage)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let messages = message::Entity::find()
            .filter(message::Column::Id.is_in(ids.clone()))
            .order_by_asc(message::Column::NextAttemptAt)
            .order_by_asc(message::Column::Id)
            .all(&self.db)
            .await
            .map_err(storage)?;
        let secrets = message_secret::Entity::find()
            .filter(message_secret::Column::MessageId.is_in(ids))
            .all(&self.db)
            .await
            .map_err(storage)?;
        messages
            .into_iter()
            .map(|row| {
                let content = match secrets.iter().find(|s| s.message_id == row.id) {
                    Some(secret) => Content {
                        subject: secret.subject.clone(),
                        text: secret.text_body.clone(),
                        html: secret.html_body.clone(),
                    },
                    None => Content {
                        subject: row.subject.clone(),
                        text: row.text_body.clone(),
                        html: row.html_body.clone(),
                    },
                };
                Ok(Envelope {
                    id: stored(&row.id, MessageId::parse, "message id")?,
                    to: stored(&row.recipient, EmailAddress::parse, "recipient")?,
                    content,
                    message_id_header: row.message_id_header,
                    attempts: u32::try_from(row.attempts).unwrap_or_default(),
                    lease_until,
                })
            })
            .collect()
    }

    #[tracing::instrument(level = "debug", name = "SeaOutbox::record_attempt", skip_all, fields(id = %id))]
    async fn record_attempt(
        &self,
        id: MessageId,
        lease_until: OffsetDateTime,
        at: OffsetDateTime,
        result: &AttemptResult,
    ) -> Result<(), StorageError> {
        self.record_attempts(&[AttemptRecord {
            id,
            lease_until,
            at,
            result: result.clone(),
        }])
        .await
    }

    #[tracing::instrument(level = "debug", name = "SeaOutbox::record_attempts", skip_all)]
    async fn record_attempts(&self, attempts: &[AttemptRecord]) -> Result<(), StorageError> {
        if attempts.is_empty() {
            return Ok(());
        }
        let txn = begin_write(&self.db).await.map_err(storage)?;
        for attempt in attempts {
            apply_attempt(&txn, attempt).await?;
        }
        txn.commit().await.map_err(storage)
    }

    #[tracing::instrument(level = "debug", name = "SeaOutbox::backlog", skip_all)]
    async fn backlog(&self) -> Result<Backlog, StorageError> {
        let row = self
            .reads
            .query_one_raw(portable(
                &self.reads,
                "SELECT COUNT(*) AS queued, MIN(created_at) AS oldest \
                 FROM messages WHERE status = $1",
                vec![MessageStatus::Queued.as_str().into()],
            ))
            .await
            .map_err(storage)?;
        let Some(row) = row else {
            return Ok(Backlog::default());
        };
        let queued = row.try_get::<i64>("", "queued").map_err(storage)?;
        let oldest = row.try_get::<Option<i64>>("", "oldest").map_err(storage)?;
        Ok(Backlog {
            queued: u64::try_from(queued).unwrap_or_default(),
            oldest_queued_at: oldest.map(instant).transpose()?,
        })
    }

    #[tracing::instrument(level = "debug", name = "SeaOutbox::list", skip_all, fields(account = %account))]
    async fn list(
        &self,
        account: AccountId,
        status: Option<MessageStatus>,
        page: &PageRequest,
    ) -> Result<Page<Message>, StorageError> {
        let mut select =
            message::Entity::find().filter(message::Column::AccountId.eq(account.to_string()));
        if let Some(status) = status {
            select = select.filter(message::Column::Status.eq(status.as_str()));
        }
        let rows = page_query(
            select,
            message::Column::CreatedAt,
            message::Column::Id,
            page,
            Direction::Descending,
        )
        .all(&self.reads)
        .await
        .map_err(storage)?;
        into_page(rows, page, to_message, |item| {
            (item.created_at, item.id.to_string())
        })
    }

    #[tracing::instrument(level = "debug", name = "SeaOutbox::find", skip_all, fields(account = %account, id = %id))]
    async fn find(
        &self,
        account: AccountId,
        id: MessageId,
    ) -> Result<Option<(Message, Vec<StatusEvent>)>, StorageError> {
        let Some(row) = message::Entity::find()
            .filter(message::Column::Id.eq(id.to_string()))
            .filter(message::Column::AccountId.eq(account.to_string()))
            .one(&self.reads)
            .await
            .map_err(storage)?
        else {
            return Ok(None);
        };
        let events = message_event::Entity::find()
            .filter(message_event::Column::MessageId.eq(id.to_string()))
            .order_by_asc(message_event::Column::At)
            .order_by_asc(message_event::Column::Id)
            .all(&self.reads)
            .await
            .map_err(storage)?
            .into_iter()
            .map(|event| {
                Ok(StatusEvent {
                    at: instant(event.at)?,
                    status: stored(&event.status, MessageStatus::parse, "event status")?,
                    detail: event.detail,
                })
            })
            .collect::<Result<Vec<_>, StorageError>>()?;
        Ok(Some((to_message(row)?, events)))
    }

    #[tracing::instrument(level = "debug", name = "SeaOutbox::mark_bounced", skip_all)]
    async fn mark_bounced(
        &self,
        reference: &BounceReference,
        reason: &str,
        at: OffsetDateTime,
    ) -> Result<BounceOutcome, StorageError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        let select = match reference {
            BounceReference::Id(id) => {
                message::Entity::find().filter(message::Column::Id.eq(id.to_string()))
            }
            BounceReference::Header(header) => {
                message::Entity::find().filter(message::Column::MessageIdHeader.eq(header.as_str()))
            }
        };
        let Some(row) = select.one(&txn).await.map_err(storage)? else {
            return Ok(BounceOutcome::NotFound);
        };
        let status = stored(&row.status, MessageStatus::parse, "message status")?;
        if status == MessageStatus::Bounced {
            return Ok(BounceOutcome::AlreadyBounced);
        }
        if !status.can_become(MessageStatus::Bounced) {
            return Ok(BounceOutcome::NotSent);
        }
        let changed = message::Entity::update_many()
            .col_expr(
                message::Column::Status,
                Expr::value(MessageStatus::Bounced.as_str()),
            )
            .filter(message::Column::Id.eq(row.id.clone()))
            .filter(message::Column::Status.eq(MessageStatus::Sent.as_str()))
            .exec(&txn)
            .await
            .map_err(storage)?
            .rows_affected
            > 0;
        if !changed {
            return Ok(BounceOutcome::AlreadyBounced);
        }
        insert_event(&txn, &row.id, at, MessageStatus::Bounced, reason).await?;
        txn.commit().await.map_err(storage)?;
        Ok(BounceOutcome::Bounced)
    }
}
