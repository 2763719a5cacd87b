//! Serializing changes to one account.

use portico_kernel::{AccountId, StorageError};
use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect};

use crate::entities::account;
use crate::errors::storage;

/// Locks the account row until the transaction ends: `SELECT ... FOR UPDATE` on
/// PostgreSQL, so two transactions that check and then change the same account's rows
/// (its default address, its verified emails) run one after the other. SQLite has no
/// row locks and needs none: its single pooled connection already runs one
/// transaction at a time.
pub(crate) async fn lock_account(
    conn: &impl ConnectionTrait,
    account: AccountId,
) -> Result<(), StorageError> {
    account::Entity::find_by_id(account.to_string())
        .lock_exclusive()
        .one(conn)
        .await
        .map_err(storage)?;
    Ok(())
}
