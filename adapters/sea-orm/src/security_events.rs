//! [`SecurityEventRepository`] on SeaORM, and [`AccountDirectory`] over the identity
//! tables.

use async_trait::async_trait;
use portico_kernel::{AccountId, EmailAddress, EventId, Page, PageRequest, StorageError};
use portico_security::ports::{AccountContext, AccountDirectory};
use portico_security::{ClientInfo, SecurityEvent, SecurityEventKind, SecurityEventRepository};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::entities::{account, account_email, security_event};
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

/// Appends an event on `conn`, for changes that record their event in their own
/// transaction.
pub(crate) async fn insert_event(
    conn: &impl ConnectionTrait,
    event: &SecurityEvent,
) -> Result<(), StorageError> {
    security_event::ActiveModel {
        id: Set(event.id.to_string()),
        account_id: Set(event.account.to_string()),
        kind: Set(event.kind.as_str().to_owned()),
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
    async fn record(&self, event: &SecurityEvent) -> Result<(), StorageError> {
        insert_event(&self.db, event).await
    }

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

/// Account facts for the security domain, read from the identity tables.
#[derive(Debug, Clone)]
pub struct SeaAccountDirectory {
    db: DatabaseConnection,
}

impl SeaAccountDirectory {
    /// A directory over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl AccountDirectory for SeaAccountDirectory {
    async fn context(&self, account: AccountId) -> Result<Option<AccountContext>, StorageError> {
        let Some(row) = account::Entity::find_by_id(account.to_string())
            .one(&self.db)
            .await
            .map_err(storage)?
        else {
            return Ok(None);
        };
        let emails = account_email::Entity::find()
            .filter(account_email::Column::AccountId.eq(account.to_string()))
            .order_by_desc(account_email::Column::IsPrimary)
            .all(&self.db)
            .await
            .map_err(storage)?;
        let Some(primary) = emails.iter().find(|e| e.is_primary) else {
            return Err(StorageError::corrupt("account without a primary email"));
        };
        Ok(Some(AccountContext {
            username: row.username,
            primary_email: stored(&primary.address, EmailAddress::parse, "email address")?,
            emails: emails.iter().map(|e| e.address.clone()).collect(),
            verified_emails: emails
                .iter()
                .filter(|e| e.verified)
                .map(|e| stored(&e.address, EmailAddress::parse, "email address"))
                .collect::<Result<_, _>>()?,
            language: row.language,
        }))
    }
}

#[async_trait]
impl portico_delegation::ports::AccountContacts for SeaAccountDirectory {
    async fn contact(
        &self,
        account: AccountId,
    ) -> Result<Option<portico_delegation::ports::AccountContact>, StorageError> {
        let Some(context) = AccountDirectory::context(self, account).await? else {
            return Ok(None);
        };
        let all_emails = context
            .emails
            .iter()
            .map(|address| stored(address, EmailAddress::parse, "email address"))
            .collect::<Result<_, _>>()?;
        Ok(Some(portico_delegation::ports::AccountContact {
            username: context.username,
            primary_email: context.primary_email,
            verified_emails: context.verified_emails,
            all_emails,
            language: context.language,
        }))
    }
}

#[async_trait]
impl portico_affiliate::ports::AffiliateContacts for SeaAccountDirectory {
    async fn contact(
        &self,
        account: AccountId,
    ) -> Result<Option<portico_affiliate::ports::AffiliateContact>, StorageError> {
        Ok(AccountDirectory::context(self, account)
            .await?
            .map(|context| portico_affiliate::ports::AffiliateContact {
                username: context.username,
                primary_email: context.primary_email,
                verified_emails: context.verified_emails,
                language: context.language,
            }))
    }
}

#[async_trait]
impl portico_identity::ports::EmailAuditTrail for SeaSecurityEvents {
    async fn record(
        &self,
        account: AccountId,
        change: portico_identity::ports::EmailChange,
        detail: String,
        at: time::OffsetDateTime,
        client: &ClientInfo,
    ) -> Result<(), StorageError> {
        use portico_identity::ports::EmailChange;
        let kind = match change {
            EmailChange::Added => SecurityEventKind::EmailAdded,
            EmailChange::Changed => SecurityEventKind::EmailChanged,
            EmailChange::Verified => SecurityEventKind::EmailVerified,
            EmailChange::MadePrimary => SecurityEventKind::PrimaryEmailChanged,
            EmailChange::Removed => SecurityEventKind::EmailRemoved,
        };
        insert_event(
            &self.db,
            &SecurityEvent::new(account, kind, at, client, Some(detail)),
        )
        .await
    }
}
