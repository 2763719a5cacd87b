//! [`DeviceRepository`] on SeaORM: the `known_devices` table.

use async_trait::async_trait;
use portico_kernel::{AccountId, StorageError, TokenDigest};
use portico_security::devices::DEVICES_PER_ACCOUNT;
use portico_security::{DeviceRepository, KnownDevice};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Value};
use time::OffsetDateTime;

use crate::entities::known_device;
use crate::errors::storage;
use crate::mapping::{instant, micros, stored};
use crate::raw::portable;
use crate::transactions::begin_write;

/// Known-device credentials in the `known_devices` table, found by their digest.
#[derive(Debug, Clone)]
pub struct SeaDevices {
    db: DatabaseConnection,
}

impl SeaDevices {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn to_device(row: known_device::Model) -> Result<KnownDevice, StorageError> {
    Ok(KnownDevice {
        digest: TokenDigest::from_stored(row.token_digest),
        account: stored(&row.account_id, AccountId::parse, "account id")?,
        created_at: instant(row.created_at)?,
        expires_at: instant(row.expires_at)?,
    })
}

#[async_trait]
impl DeviceRepository for SeaDevices {
    #[tracing::instrument(level = "debug", name = "SeaDevices::find", skip_all)]
    async fn find(&self, digest: &TokenDigest) -> Result<Option<KnownDevice>, StorageError> {
        known_device::Entity::find_by_id(digest.as_str().to_owned())
            .one(&self.db)
            .await
            .map_err(storage)?
            .map(to_device)
            .transpose()
    }

    #[tracing::instrument(level = "debug", name = "SeaDevices::issue", skip_all)]
    async fn issue(&self, device: &KnownDevice) -> Result<(), StorageError> {
        let account = device.account.to_string();
        let txn = begin_write(&self.db).await.map_err(storage)?;
        txn.execute_raw(portable(
            &txn,
            "INSERT INTO known_devices (token_digest, account_id, created_at, expires_at, failures) \
             VALUES ($1, $2, $3, $4, 0)",
            vec![
                device.digest.as_str().into(),
                account.clone().into(),
                micros(device.created_at).into(),
                micros(device.expires_at).into(),
            ],
        ))
        .await
        .map_err(storage)?;
        // Expired credentials, and all but the most recently used few, are dropped,
        // so that logging in again and again cannot grow the table without bound,
        // while a device in use (its expiry moves on at each login) stays.
        txn.execute_raw(portable(
            &txn,
            "DELETE FROM known_devices WHERE account_id = $1 AND (expires_at <= $2 \
               OR token_digest NOT IN (SELECT token_digest FROM known_devices \
                 WHERE account_id = $1 ORDER BY expires_at DESC, token_digest DESC LIMIT $3))",
            vec![
                account.into(),
                micros(device.created_at).into(),
                Value::from(i64::from(DEVICES_PER_ACCOUNT)),
            ],
        ))
        .await
        .map_err(storage)?;
        txn.commit().await.map_err(storage)
    }

    #[tracing::instrument(level = "debug", name = "SeaDevices::renew", skip_all, fields(account = %account))]
    async fn renew(
        &self,
        digest: &TokenDigest,
        account: AccountId,
        expires_at: OffsetDateTime,
    ) -> Result<bool, StorageError> {
        // An update, never an insert: a credential voided while its login was in
        // flight stays voided.
        let renewed = self
            .db
            .execute_raw(portable(
                &self.db,
                "UPDATE known_devices SET expires_at = $3 \
                 WHERE token_digest = $1 AND account_id = $2",
                vec![
                    digest.as_str().into(),
                    account.to_string().into(),
                    micros(expires_at).into(),
                ],
            ))
            .await
            .map_err(storage)?
            .rows_affected();
        Ok(renewed == 1)
    }

    #[tracing::instrument(level = "debug", name = "SeaDevices::count_failure", skip_all)]
    async fn count_failure(&self, digest: &TokenDigest) -> Result<u32, StorageError> {
        let row = self
            .db
            .query_one_raw(portable(
                &self.db,
                "UPDATE known_devices SET failures = failures + 1 \
                 WHERE token_digest = $1 RETURNING failures",
                vec![digest.as_str().into()],
            ))
            .await
            .map_err(storage)?;
        let Some(row) = row else {
            return Ok(0);
        };
        let failures = row.try_get::<i32>("", "failures").map_err(storage)?;
        Ok(u32::try_from(failures).unwrap_or_default())
    }

    #[tracing::instrument(level = "debug", name = "SeaDevices::forget", skip_all)]
    async fn forget(&self, digest: &TokenDigest) -> Result<(), StorageError> {
        known_device::Entity::delete_by_id(digest.as_str().to_owned())
            .exec(&self.db)
            .await
            .map_err(storage)?;
        Ok(())
    }
}

/// Forgets every known device of `account` on `conn` (a password reset: whoever
/// held the old password may also hold a device credential).
pub(crate) async fn forget_all(
    conn: &impl ConnectionTrait,
    account: AccountId,
) -> Result<(), StorageError> {
    conn.execute_raw(portable(
        conn,
        "DELETE FROM known_devices WHERE account_id = $1",
        vec![account.to_string().into()],
    ))
    .await
    .map_err(storage)?;
    Ok(())
}
