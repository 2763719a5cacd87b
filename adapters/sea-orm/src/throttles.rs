//! [`ThrottleRepository`] on SeaORM: the `throttles` table.

use async_trait::async_trait;
use portico_kernel::StorageError;
use portico_security::{ThrottleKey, ThrottleRepository};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, Value};
use time::OffsetDateTime;

use crate::errors::storage;
use crate::mapping::{instant, micros};
use crate::raw::portable;

/// Failure counters in the `throttles` table.
#[derive(Debug, Clone)]
pub struct SeaThrottles {
    db: DatabaseConnection,
}

impl SeaThrottles {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    fn statement(&self, postgres: &str, values: Vec<Value>) -> Statement {
        portable(&self.db, postgres, values)
    }
}

#[async_trait]
impl ThrottleRepository for SeaThrottles {
    async fn blocked_until(
        &self,
        keys: &[ThrottleKey],
        now: OffsetDateTime,
    ) -> Result<Option<OffsetDateTime>, StorageError> {
        if keys.is_empty() {
            return Ok(None);
        }
        // One statement for all keys: this runs before every login attempt.
        let placeholders: Vec<String> = (2..keys.len() + 2).map(|n| format!("${n}")).collect();
        let mut values: Vec<Value> = vec![micros(now).into()];
        values.extend(keys.iter().map(|key| Value::from(key.as_str())));
        let row = self
            .db
            .query_one_raw(self.statement(
                &format!(
                    "SELECT MAX(blocked_until) AS until FROM throttles \
                     WHERE blocked_until > $1 AND key IN ({})",
                    placeholders.join(", ")
                ),
                values,
            ))
            .await
            .map_err(storage)?;
        let until = match row {
            Some(row) => row.try_get::<Option<i64>>("", "until").map_err(storage)?,
            None => None,
        };
        until.map(instant).transpose()
    }

    async fn record_failure(
        &self,
        key: &ThrottleKey,
        now: OffsetDateTime,
        reset_before: OffsetDateTime,
    ) -> Result<u32, StorageError> {
        // One statement, so concurrent failures are each counted.
        let row = self
            .db
            .query_one_raw(self.statement(
                "INSERT INTO throttles (key, failures, last_failure_at, blocked_until) \
                 VALUES ($1, 1, $2, NULL) \
                 ON CONFLICT (key) DO UPDATE SET \
                   failures = CASE WHEN throttles.last_failure_at < $3 THEN 1 \
                                   ELSE throttles.failures + 1 END, \
                   last_failure_at = $2 \
                 RETURNING failures",
                vec![
                    key.as_str().into(),
                    micros(now).into(),
                    micros(reset_before).into(),
                ],
            ))
            .await
            .map_err(storage)?
            .ok_or_else(|| StorageError::corrupt("the failure counter returned no row"))?;
        let failures = row.try_get::<i32>("", "failures").map_err(storage)?;
        Ok(u32::try_from(failures).unwrap_or_default())
    }

    async fn block(&self, key: &ThrottleKey, until: OffsetDateTime) -> Result<(), StorageError> {
        self.db
            .execute_raw(self.statement(
                "UPDATE throttles SET blocked_until = $1 \
                 WHERE key = $2 AND (blocked_until IS NULL OR blocked_until < $1)",
                vec![micros(until).into(), key.as_str().into()],
            ))
            .await
            .map_err(storage)?;
        Ok(())
    }

    async fn clear(&self, key: &ThrottleKey) -> Result<(), StorageError> {
        self.db
            .execute_raw(self.statement(
                "DELETE FROM throttles WHERE key = $1",
                vec![key.as_str().into()],
            ))
            .await
            .map_err(storage)?;
        Ok(())
    }
}
