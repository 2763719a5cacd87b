//! Classifying database errors, once, for every repository.

use portico_kernel::StorageError;
use sea_orm::{DbErr, SqlErr};

/// Wraps any database error as the ports' infrastructure failure.
pub(crate) fn storage(error: DbErr) -> StorageError {
    StorageError::new(error)
}

/// Whether the error is a unique-constraint violation on a constraint or column whose
/// name contains `column`. SQLite names the column (`accounts.username_key`),
/// PostgreSQL the constraint (`accounts_username_key_key`): both contain it.
pub(crate) fn is_unique_violation(error: &DbErr, column: &str) -> bool {
    matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(message)) if message.contains(column))
}

/// Whether the error is a foreign-key violation (a row names a parent that does not
/// exist, or no longer does).
pub(crate) fn is_foreign_key_violation(error: &DbErr) -> bool {
    matches!(
        error.sql_err(),
        Some(SqlErr::ForeignKeyConstraintViolation(_))
    )
}
