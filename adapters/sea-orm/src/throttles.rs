//! [`ThrottleRepository`] on SeaORM: the `throttles` table.

use async_trait::async_trait;
use portico_kernel::StorageError;
use portico_security::{Claim, ThrottleKey, ThrottlePolicy, ThrottleRepository};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, Value};
use time::OffsetDateTime;

use crate::errors::storage;
use crate::mapping::{instant, micros};
use crate::raw::portable;
use crate::transactions::begin_write;

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
    #[tracing::instrument(level = "debug", name = "SeaThrottles::blocked_until", skip_all)]
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

    #[tracing::instrument(level = "debug", name = "SeaThrottles::record_failure", skip_all)]
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

    #[tracing::instrument(level = "debug", name = "SeaThrottles::claim", skip_all)]
    async fn claim(
        &self,
        claims: &[Claim],
        now: OffsetDateTime,
    ) -> Result<Option<OffsetDateTime>, StorageError> {
        let mut sorted: Vec<&Claim> = claims.iter().collect();
        // One lock order for every claim, so two claims never wait on each other.
        sorted.sort_by(|a, b| a.key.cmp(&b.key));
        sorted.dedup_by(|a, b| a.key == b.key);
        let keys: Vec<ThrottleKey> = claims.iter().map(|claim| claim.key.clone()).collect();
        let txn = begin_write(&self.db).await.map_err(storage)?;
        for claim in sorted {
            let claimed = txn
                .query_one_raw(claim_statement(&txn, &claim.key, now, &claim.policy))
                .await
                .map_err(storage)?;
            if claimed.is_none() {
                // Blocked: nothing counted (the transaction is dropped).
                drop(txn);
                let until = self.blocked_until(&keys, now).await?;
                return Ok(Some(until.unwrap_or(now + time::Duration::SECOND)));
            }
        }
        txn.commit().await.map_err(storage)?;
        Ok(None)
    }

    #[tracing::instrument(level = "debug", name = "SeaThrottles::forgive", skip_all)]
    async fn forgive(
        &self,
        key: &ThrottleKey,
        policy: &ThrottlePolicy,
    ) -> Result<(), StorageError> {
        let free = i32::try_from(policy.free_failures).unwrap_or(i32::MAX);
        self.db
            .execute_raw(self.statement(
                "UPDATE throttles SET \
                   failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END, \
                   blocked_until = CASE WHEN failures - 1 <= $2 THEN NULL ELSE blocked_until END \
                 WHERE key = $1",
                vec![key.as_str().into(), free.into()],
            ))
            .await
            .map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaThrottles::block", skip_all)]
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

    #[tracing::instrument(level = "debug", name = "SeaThrottles::clear", skip_all)]
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

/// One key's claim as a single upsert: it counts the attempt and blocks the key for
/// the delay the new count earns, unless the key is blocked now, in which case it
/// changes nothing and returns no row. The delay ladder is written out as a `CASE`
/// over the new count, so that counting and blocking cannot be pulled apart by a
/// concurrent claim.
fn claim_statement(
    conn: &impl ConnectionTrait,
    key: &ThrottleKey,
    now: OffsetDateTime,
    policy: &ThrottlePolicy,
) -> Statement {
    let until = |delay: time::Duration| Value::from(micros(now + delay));
    let first_block = match policy.delay_after(1) {
        delay if delay > time::Duration::ZERO => until(delay),
        _ => Value::BigInt(None),
    };
    let mut values: Vec<Value> = vec![
        key.as_str().into(),
        micros(now).into(),
        micros(now - policy.reset_after).into(),
        first_block,
        i32::try_from(policy.free_failures)
            .unwrap_or(i32::MAX)
            .into(),
    ];
    let new_count =
        "(CASE WHEN throttles.last_failure_at < $3 THEN 1 ELSE throttles.failures + 1 END)";
    let mut ladder = format!("CASE WHEN {new_count} <= $5 THEN NULL ");
    for (failures, delay) in policy.ladder() {
        let count = values.len() + 1;
        values.push(i32::try_from(failures).unwrap_or(i32::MAX).into());
        values.push(until(delay));
        ladder.push_str(&format!("WHEN {new_count} = ${count} THEN ${} ", count + 1));
    }
    values.push(until(policy.max_delay));
    ladder.push_str(&format!("ELSE ${} END", values.len()));
    portable(
        conn,
        &format!(
            "INSERT INTO throttles (key, failures, last_failure_at, blocked_until) \
             VALUES ($1, 1, $2, $4) \
             ON CONFLICT (key) DO UPDATE SET \
               failures = {new_count}, last_failure_at = $2, blocked_until = {ladder} \
             WHERE throttles.blocked_until IS NULL OR throttles.blocked_until <= $2 \
             RETURNING failures"
        ),
        values,
    )
}
