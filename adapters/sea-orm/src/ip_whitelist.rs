//! [`IpWhitelistRepository`] on SeaORM: the `ip_whitelist` table.

use async_trait::async_trait;
use portico_kernel::{AccountId, AuditEntry, StorageError, WhitelistEntryId};
use portico_security::whitelist::{
    Cidr, IpWhitelistRepository, MAX_ENTRIES, WhitelistAddition, WhitelistEntry, WhitelistLabel,
    WhitelistRemoval, WhitelistWriteError, check_lockout,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use time::OffsetDateTime;

use crate::entities::ip_whitelist_entry as entry;
use crate::errors::storage;
use crate::locks::lock_account;
use crate::mapping::{instant, micros, stored};
use crate::outbox::insert_message;
use crate::security_events::insert_event;
use crate::transactions::begin_write;

/// IP whitelists in the `ip_whitelist` table.
#[derive(Debug, Clone)]
pub struct SeaIpWhitelist {
    db: DatabaseConnection,
}

impl SeaIpWhitelist {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

pub(crate) fn to_entry(row: entry::Model) -> Result<WhitelistEntry, StorageError> {
    Ok(WhitelistEntry {
        id: stored(&row.id, WhitelistEntryId::parse, "whitelist entry id")?,
        account: stored(&row.account_id, AccountId::parse, "account id")?,
        cidr: stored(&row.cidr, Cidr::parse, "whitelist range")?,
        label: match row.label.as_deref() {
            Some(text) => stored(text, WhitelistLabel::parse, "whitelist label")?,
            None => None,
        },
        created_at: instant(row.created_at)?,
        last_used_at: row.last_used_at.map(instant).transpose()?,
    })
}

async fn entries(
    conn: &impl ConnectionTrait,
    account: AccountId,
) -> Result<Vec<WhitelistEntry>, StorageError> {
    entry::Entity::find()
        .filter(entry::Column::AccountId.eq(account.to_string()))
        .order_by_asc(entry::Column::CreatedAt)
        .order_by_asc(entry::Column::Id)
        .all(conn)
        .await
        .map_err(storage)?
        .into_iter()
        .map(to_entry)
        .collect()
}

#[async_trait]
impl IpWhitelistRepository for SeaIpWhitelist {
    #[tracing::instrument(level = "debug", name = "SeaIpWhitelist::list", skip_all, fields(account = %account))]
    async fn list(&self, account: AccountId) -> Result<Vec<WhitelistEntry>, StorageError> {
        entries(&self.db, account).await
    }

    #[tracing::instrument(level = "debug", name = "SeaIpWhitelist::add", skip_all)]
    async fn add(&self, addition: &WhitelistAddition) -> Result<(), WhitelistWriteError> {
        let new = &addition.entry;
        let txn = begin_write(&self.db).await.map_err(storage)?;
        lock_account(&txn, new.account).await?;
        let current = entries(&txn, new.account).await?;
        if current.iter().any(|e| e.cidr == new.cidr) {
            return Err(WhitelistWriteError::Duplicate);
        }
        if current.len() >= MAX_ENTRIES {
            return Err(WhitelistWriteError::LimitReached);
        }
        let after: Vec<Cidr> = current.iter().map(|e| e.cidr).chain([new.cidr]).collect();
        check_lockout(&after, addition.caller)?;
        entry::ActiveModel {
            id: Set(new.id.to_string()),
            account_id: Set(new.account.to_string()),
            cidr: Set(new.cidr.to_string()),
            label: Set(new.label.as_ref().map(|l| l.as_str().to_owned())),
            created_at: Set(micros(new.created_at)),
            last_used_at: Set(new.last_used_at.map(micros)),
        }
        .insert(&txn)
        .await
        .map_err(storage)?;
        insert_event(&txn, &AuditEntry::from(&addition.event)).await?;
        for notice in &addition.notices {
            insert_message(&txn, notice).await?;
        }
        txn.commit().await.map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaIpWhitelist::remove", skip_all)]
    async fn remove(&self, removal: &WhitelistRemoval) -> Result<(), WhitelistWriteError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        lock_account(&txn, removal.account).await?;
        let current = entries(&txn, removal.account).await?;
        if !current.iter().any(|e| e.id == removal.id) {
            return Err(WhitelistWriteError::NotFound);
        }
        let after: Vec<Cidr> = current
            .iter()
            .filter(|e| e.id != removal.id)
            .map(|e| e.cidr)
            .collect();
        check_lockout(&after, removal.caller)?;
        entry::Entity::delete_by_id(removal.id.to_string())
            .exec(&txn)
            .await
            .map_err(storage)?;
        insert_event(&txn, &AuditEntry::from(&removal.event)).await?;
        for notice in &removal.notices {
            insert_message(&txn, notice).await?;
        }
        txn.commit().await.map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaIpWhitelist::touch", skip_all, fields(account = %account, id = %id))]
    async fn touch(
        &self,
        account: AccountId,
        id: WhitelistEntryId,
        at: OffsetDateTime,
    ) -> Result<(), StorageError> {
        entry::Entity::update_many()
            .col_expr(entry::Column::LastUsedAt, Expr::value(micros(at)))
            .filter(entry::Column::Id.eq(id.to_string()))
            .filter(entry::Column::AccountId.eq(account.to_string()))
            .exec(&self.db)
            .await
            .map_err(storage)?;
        Ok(())
    }
}
