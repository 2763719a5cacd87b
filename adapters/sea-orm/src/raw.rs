//! Hand-written SQL that runs on both engines.

use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

/// A statement written with PostgreSQL's `$n` placeholders, rewritten to `?n` for
/// SQLite, which accepts the same statements otherwise. The SQL must contain no `$`
/// of its own.
pub(crate) fn portable(
    conn: &impl ConnectionTrait,
    postgres: &str,
    values: Vec<Value>,
) -> Statement {
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => postgres.to_owned(),
        _ => postgres.replace('$', "?"),
    };
    Statement::from_sql_and_values(backend, sql, values)
}
