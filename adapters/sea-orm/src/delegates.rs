//! [`DelegateRepository`] on SeaORM: the `delegates` and `delegate_products` tables.

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use portico_delegation::ports::{
    Acceptance, DelegateRepository, DelegateWriteError, GrantRepository, NewInvitation,
};
use portico_delegation::{Delegate, DelegateStatus, ProductId, Scope};
use portico_kernel::{
    AccountId, AuditEntry, DelegateId, EmailAddress, Page, PageRequest, StorageError, TokenDigest,
};
use portico_mail_log::NewMessage;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, Set, Value,
};

use crate::entities::{delegate, delegate_product};
use crate::errors::{is_unique_violation, storage};
use crate::keyset::{Direction, into_page, page_query};
use crate::locks::lock_account;
use crate::mapping::{instant, micros, stored};
use crate::outbox::insert_message;
use crate::raw::portable;
use crate::security_events::insert_event;
use crate::transactions::begin_write;

/// Delegates in the `delegates` table, with product scopes in `delegate_products`.
#[derive(Debug, Clone)]
pub struct SeaDelegates {
    db: DatabaseConnection,
}

impl SeaDelegates {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

/// A unique violation on the live (owner, address) or active (owner, delegate)
/// index: SQLite names the columns, PostgreSQL the index.
fn already_delegate(error: DbErr) -> DelegateWriteError {
    let duplicate = ["email_key", "email_live", "delegate_id", "delegate_active"]
        .iter()
        .any(|needle| is_unique_violation(&error, needle));
    if duplicate {
        DelegateWriteError::AlreadyDelegate
    } else {
        DelegateWriteError::Storage(storage(error))
    }
}

/// The product scopes of the given delegates.
async fn product_scopes(
    conn: &impl ConnectionTrait,
    ids: Vec<String>,
) -> Result<BTreeMap<String, BTreeSet<ProductId>>, StorageError> {
    let mut scopes: BTreeMap<String, BTreeSet<ProductId>> = BTreeMap::new();
    if ids.is_empty() {
        return Ok(scopes);
    }
    for row in delegate_product::Entity::find()
        .filter(delegate_product::Column::DelegateId.is_in(ids))
        .all(conn)
        .await
        .map_err(storage)?
    {
        let product = stored(&row.product_id, ProductId::parse, "product id")?;
        scopes.entry(row.delegate_id).or_default().insert(product);
    }
    Ok(scopes)
}

fn to_delegate(
    row: delegate::Model,
    scopes: &BTreeMap<String, BTreeSet<ProductId>>,
) -> Result<Delegate, StorageError> {
    let scope = if row.scope_all {
        Scope::All
    } else {
        Scope::Products(scopes.get(&row.id).cloned().unwrap_or_default())
    };
    Ok(Delegate {
        id: stored(&row.id, DelegateId::parse, "delegate id")?,
        owner: stored(&row.owner_id, AccountId::parse, "account id")?,
        email: stored(&row.email, EmailAddress::parse, "email address")?,
        scope,
        status: stored(&row.status, DelegateStatus::parse, "delegate status")?,
        delegate: row
            .delegate_id
            .as_deref()
            .map(|id| stored(id, AccountId::parse, "account id"))
            .transpose()?,
        invited_at: instant(row.invited_at)?,
        expires_at: instant(row.expires_at)?,
        accepted_at: row.accepted_at.map(instant).transpose()?,
    })
}

async fn with_scopes(
    conn: &impl ConnectionTrait,
    rows: Vec<delegate::Model>,
) -> Result<Vec<Delegate>, StorageError> {
    let scopes = product_scopes(conn, rows.iter().map(|r| r.id.clone()).collect()).await?;
    rows.into_iter()
        .map(|row| to_delegate(row, &scopes))
        .collect()
}

/// Replaces the delegate's product scope with the named products the owner still
/// has, in one statement per write; [`DelegateWriteError::ProductGone`] when one of
/// them is gone (removed by the platform after the domain checked it).
async fn write_scope(
    conn: &impl ConnectionTrait,
    owner: AccountId,
    id: DelegateId,
    scope: &Scope,
) -> Result<(), DelegateWriteError> {
    delegate_product::Entity::delete_many()
        .filter(delegate_product::Column::DelegateId.eq(id.to_string()))
        .exec(conn)
        .await
        .map_err(storage)?;
    let named = scope.named();
    if named.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (3..named.len() + 3).map(|n| format!("${n}")).collect();
    let mut values: Vec<Value> = vec![id.to_string().into(), owner.to_string().into()];
    values.extend(named.iter().map(|p| Value::from(p.as_str())));
    let inserted = conn
        .execute_raw(portable(
            conn,
            &format!(
                "INSERT INTO delegate_products (delegate_id, product_id) \
                 SELECT $1, product_id FROM products \
                 WHERE account_id = $2 AND product_id IN ({})",
                placeholders.join(", ")
            ),
            values,
        ))
        .await
        .map_err(storage)?
        .rows_affected();
    if usize::try_from(inserted).ok() == Some(named.len()) {
        Ok(())
    } else {
        Err(DelegateWriteError::ProductGone)
    }
}

fn email_key(email: &EmailAddress) -> String {
    email.as_str().to_lowercase()
}

#[async_trait]
impl DelegateRepository for SeaDelegates {
    #[tracing::instrument(level = "debug", name = "SeaDelegates::list", skip_all, fields(owner = %owner))]
    async fn list(
        &self,
        owner: AccountId,
        page: &PageRequest,
    ) -> Result<Page<Delegate>, StorageError> {
        let select = delegate::Entity::find()
            .filter(delegate::Column::OwnerId.eq(owner.to_string()))
            .filter(delegate::Column::Status.ne(DelegateStatus::Revoked.as_str()));
        let rows = page_query(
            select,
            delegate::Column::InvitedAt,
            delegate::Column::Id,
            page,
            Direction::Descending,
        )
        .all(&self.db)
        .await
        .map_err(storage)?;
        let scopes = product_scopes(&self.db, rows.iter().map(|r| r.id.clone()).collect()).await?;
        into_page(
            rows,
            page,
            |row| to_delegate(row, &scopes),
            |item| (item.invited_at, item.id.to_string()),
        )
    }

    #[tracing::instrument(level = "debug", name = "SeaDelegates::find", skip_all, fields(owner = %owner, id = %id))]
    async fn find(
        &self,
        owner: AccountId,
        id: DelegateId,
    ) -> Result<Option<Delegate>, StorageError> {
        let rows = delegate::Entity::find()
            .filter(delegate::Column::Id.eq(id.to_string()))
            .filter(delegate::Column::OwnerId.eq(owner.to_string()))
            .all(&self.db)
            .await
            .map_err(storage)?;
        Ok(with_scopes(&self.db, rows).await?.into_iter().next())
    }

    #[tracing::instrument(level = "debug", name = "SeaDelegates::find_invitation", skip_all)]
    async fn find_invitation(
        &self,
        digest: &TokenDigest,
    ) -> Result<Option<Delegate>, StorageError> {
        let rows = delegate::Entity::find()
            .filter(delegate::Column::TokenDigest.eq(digest.as_str()))
            .filter(delegate::Column::Status.eq(DelegateStatus::Pending.as_str()))
            .all(&self.db)
            .await
            .map_err(storage)?;
        Ok(with_scopes(&self.db, rows).await?.into_iter().next())
    }

    #[tracing::instrument(level = "debug", name = "SeaDelegates::invite", skip_all)]
    async fn invite(&self, invitation: &NewInvitation) -> Result<(), DelegateWriteError> {
        let new = &invitation.delegate;
        let txn = begin_write(&self.db).await.map_err(storage)?;
        // Two invitations of one owner to one address must replace each other, not
        // collide on the live-address index.
        lock_account(&txn, new.owner).await?;
        // A newer invitation to the same address supersedes the pending one.
        delegate::Entity::delete_many()
            .filter(delegate::Column::OwnerId.eq(new.owner.to_string()))
            .filter(delegate::Column::EmailKey.eq(email_key(&new.email)))
            .filter(delegate::Column::Status.eq(DelegateStatus::Pending.as_str()))
            .exec(&txn)
            .await
            .map_err(storage)?;
        delegate::ActiveModel {
            id: Set(new.id.to_string()),
            owner_id: Set(new.owner.to_string()),
            email: Set(new.email.as_str().to_owned()),
            email_key: Set(email_key(&new.email)),
            scope_all: Set(new.scope == Scope::All),
            status: Set(DelegateStatus::Pending.as_str().to_owned()),
            delegate_id: Set(None),
            token_digest: Set(Some(invitation.digest.as_str().to_owned())),
            invited_at: Set(micros(new.invited_at)),
            expires_at: Set(micros(new.expires_at)),
            accepted_at: Set(None),
        }
        .insert(&txn)
        .await
        .map_err(already_delegate)?;
        write_scope(&txn, new.owner, new.id, &new.scope).await?;
        insert_event(&txn, &invitation.event).await?;
        insert_message(&txn, &invitation.mail).await?;
        for notice in &invitation.owner_notices {
            insert_message(&txn, notice).await?;
        }
        txn.commit().await.map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaDelegates::accept", skip_all)]
    async fn accept(&self, acceptance: &Acceptance) -> Result<(), DelegateWriteError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        // Using the token up is the guard: of two acceptances, one updates the row.
        let accepted = delegate::Entity::update_many()
            .col_expr(
                delegate::Column::Status,
                Expr::value(DelegateStatus::Active.as_str()),
            )
            .col_expr(
                delegate::Column::DelegateId,
                Expr::value(acceptance.delegate.to_string()),
            )
            .col_expr(
                delegate::Column::TokenDigest,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                delegate::Column::AcceptedAt,
                Expr::value(micros(acceptance.at)),
            )
            .filter(delegate::Column::Id.eq(acceptance.id.to_string()))
            .filter(delegate::Column::TokenDigest.eq(acceptance.digest.as_str()))
            .filter(delegate::Column::Status.eq(DelegateStatus::Pending.as_str()))
            .filter(delegate::Column::ExpiresAt.gt(micros(acceptance.at)))
            .exec(&txn)
            .await
            .map_err(already_delegate)?
            .rows_affected;
        if accepted != 1 {
            return Err(DelegateWriteError::NotFound);
        }
        insert_event(&txn, &acceptance.event).await?;
        for notice in &acceptance.notices {
            insert_message(&txn, notice).await?;
        }
        txn.commit().await.map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaDelegates::change_scope", skip_all, fields(owner = %owner, id = %id))]
    async fn change_scope(
        &self,
        owner: AccountId,
        id: DelegateId,
        scope: &Scope,
        event: &AuditEntry,
        notices: &[NewMessage],
    ) -> Result<(), DelegateWriteError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        let changed = delegate::Entity::update_many()
            .col_expr(
                delegate::Column::ScopeAll,
                Expr::value(*scope == Scope::All),
            )
            .filter(delegate::Column::Id.eq(id.to_string()))
            .filter(delegate::Column::OwnerId.eq(owner.to_string()))
            .filter(delegate::Column::Status.ne(DelegateStatus::Revoked.as_str()))
            .exec(&txn)
            .await
            .map_err(storage)?
            .rows_affected;
        if changed != 1 {
            return Err(DelegateWriteError::NotFound);
        }
        write_scope(&txn, owner, id, scope).await?;
        insert_event(&txn, event).await?;
        for notice in notices {
            insert_message(&txn, notice).await?;
        }
        txn.commit().await.map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaDelegates::revoke", skip_all, fields(owner = %owner, id = %id))]
    async fn revoke(
        &self,
        owner: AccountId,
        id: DelegateId,
        expected: DelegateStatus,
        event: &AuditEntry,
        notices: &[NewMessage],
    ) -> Result<(), DelegateWriteError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        let revoked = delegate::Entity::update_many()
            .col_expr(
                delegate::Column::Status,
                Expr::value(DelegateStatus::Revoked.as_str()),
            )
            .col_expr(
                delegate::Column::TokenDigest,
                Expr::value(Option::<String>::None),
            )
            .filter(delegate::Column::Id.eq(id.to_string()))
            .filter(delegate::Column::OwnerId.eq(owner.to_string()))
            .filter(delegate::Column::Status.eq(expected.as_str()))
            .filter(delegate::Column::Status.ne(DelegateStatus::Revoked.as_str()))
            .exec(&txn)
            .await
            .map_err(storage)?
            .rows_affected;
        if revoked != 1 {
            return Err(DelegateWriteError::NotFound);
        }
        insert_event(&txn, event).await?;
        for notice in notices {
            insert_message(&txn, notice).await?;
        }
        txn.commit().await.map_err(storage)?;
        Ok(())
    }
}

#[async_trait]
impl GrantRepository for SeaDelegates {
    #[tracing::instrument(level = "debug", name = "SeaDelegates::delegated_to", skip_all, fields(actor = %actor))]
    async fn delegated_to(&self, actor: AccountId) -> Result<Vec<Delegate>, StorageError> {
        let rows = delegate::Entity::find()
            .filter(delegate::Column::DelegateId.eq(actor.to_string()))
            .filter(delegate::Column::Status.eq(DelegateStatus::Active.as_str()))
            .all(&self.db)
            .await
            .map_err(storage)?;
        with_scopes(&self.db, rows).await
    }

    #[tracing::instrument(level = "debug", name = "SeaDelegates::grant", skip_all, fields(owner = %owner, actor = %actor))]
    async fn grant(
        &self,
        owner: AccountId,
        actor: AccountId,
    ) -> Result<Option<Scope>, StorageError> {
        let rows = delegate::Entity::find()
            .filter(delegate::Column::OwnerId.eq(owner.to_string()))
            .filter(delegate::Column::DelegateId.eq(actor.to_string()))
            .filter(delegate::Column::Status.eq(DelegateStatus::Active.as_str()))
            .all(&self.db)
            .await
            .map_err(storage)?;
        Ok(with_scopes(&self.db, rows)
            .await?
            .into_iter()
            .next()
            .map(|d| d.scope))
    }
}
