//! [`SecurityEventRepository`] on SeaORM.

use async_trait::async_trait;
use portico_kernel::{AccountId, AuditEntry, EventId, Page, PageRequest, StorageError};
use portico_security::{ClientInfo, SecurityEvent, SecurityEventKind, SecurityEventRepository};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

use crate::entities::security_event;
use crate::errors::storage;
use crate::keyset::{Direction, into_page, page_query};
use crate::mapping::{instant, micros, stored, stored_opt};

/// The audit trail in the `security_events` table.
#[derive(Debug, Clone)]
pub struct SeaSecurityEvents {
    db: DatabaseConnection,
}

impl SeaSecurityEvents {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

/// Appends an audit-trail line on `conn`, for changes that record their event in
/// their own transaction. The line is domain-neutral: security's own events and the
/// other domains' (translated by the app) are written alike.
pub(crate) async fn insert_event(
    conn: &impl ConnectionTrait,
    event: &AuditEntry,
) -> Result<(), StorageError> {
    security_event::ActiveModel {
        id: Set(event.id.to_string()),
        account_id: Set(event.account.to_string()),
        kind: Set(event.kind.to_owned()),
        created_at: Set(micros(event.at)),
        client_ip: Set(event.client.ip.map(|ip| ip.to_string())),
        user_agent: Set(event.client.user_agent.clone()),
        detail: Set(event.detail.as_ref().map(|d| d.chars().take(500).collect())),
    }
    .insert(conn)
    .await
    .map_err(storage)?;
    Ok(())
}

fn to_event(row: security_event::Model) -> Result<SecurityEvent, StorageError> {
    Ok(SecurityEvent {
        id: stored(&row.id, EventId::parse, "event id")?,
        account: stored(&row.account_id, AccountId::parse, "account id")?,
        kind: stored(&row.kind, SecurityEventKind::parse, "event kind")?,
        at: instant(row.created_at)?,
        client: ClientInfo {
            ip: stored_opt(row.client_ip.as_deref(), str::parse, "client address")?,
            user_agent: row.user_agent,
        },
        detail: row.detail,
    })
}

#[async_trait]
impl SecurityEventRepository for SeaSecurityEvents {
    #[tracing::instrument(level = "debug", name = "SeaSecurityEvents::record", skip_all)]
    async fn record(&self, event: &SecurityEvent) -> Result<(), StorageError> {
        insert_event(&self.db, &event.into()).await
    }

    #[tracing::instrument(level = "debug", name = "SeaSecurityEvents::list", skip_all, fields(account = %account))]
    async fn list(
        &self,
        account: AccountId,
        page: &PageRequest,
    ) -> Result<Page<SecurityEvent>, StorageError> {
        let select = security_event::Entity::find()
            .filter(security_event::Column::AccountId.eq(account.to_string()));
        let rows = page_query(
            select,
            security_event::Column::CreatedAt,
            security_event::Column::Id,
            page,
            Direction::Descending,
        )
        .all(&self.db)
        .await
        .map_err(storage)?;
        into_page(rows, page, to_event, |item| (item.at, item.id.to_string()))
    }
}
