//! Starting write transactions.

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

/// Begins a transaction that will write: `BEGIN IMMEDIATE` on SQLite, a plain `BEGIN`
/// on PostgreSQL.
///
/// A deferred SQLite transaction takes the write lock only at its first write. If it
/// read first and another connection to the file (another process's writer) wrote
/// meanwhile, its snapshot is stale and SQLite fails it at once with "database is
/// locked", without waiting for the busy timeout. Taking the lock at `BEGIN` makes the
/// second writer wait its turn instead.
pub(crate) async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}
