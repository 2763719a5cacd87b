//! Pooled PostgreSQL connections are pinged only after a second idle (a ping on
//! every checkout added a round trip to every statement), so connections the server
//! dropped while the pool was quiet are replaced before they serve.

use std::time::Duration;

use portico_sea_orm::testing::{Engine, TestDatabase};
use sea_orm::ConnectionTrait;

#[tokio::test]
async fn connections_the_server_dropped_while_idle_are_replaced_before_they_serve() {
    let test_db = TestDatabase::new(Engine::Postgres).await.unwrap();
    let database = test_db.database();
    // Several connections open at once, so several are dropped.
    let busy: Vec<_> = (0..4)
        .map(|_| {
            let database = database.clone();
            tokio::spawn(async move { database.execute("SELECT pg_sleep(0.2)").await })
        })
        .collect();
    for statement in busy {
        statement.await.unwrap().unwrap();
    }

    let other = sea_orm::Database::connect(test_db.url()).await.unwrap();
    let dropped = other
        .query_one_raw(sea_orm::Statement::from_string(
            other.get_database_backend(),
            "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    other.close().await.unwrap();
    assert!(dropped >= 2, "{dropped} connections dropped");

    tokio::time::sleep(Duration::from_millis(1200)).await;
    for _ in 0..8 {
        database.execute("SELECT 1").await.unwrap();
    }
    test_db.finish().await.unwrap();
}

/// A migrated database lacks nothing; one whose bookkeeping table is gone lacks every
/// migration, and asking does not create the table again.
async fn pending_migrations_are_read_without_writing(db: portico_sea_orm::Database) {
    assert_eq!(db.pending_migrations().await.unwrap(), Vec::<String>::new());

    let connection = db.connection();
    connection
        .execute_unprepared("DROP TABLE seaql_migrations")
        .await
        .unwrap();
    let pending = db.pending_migrations().await.unwrap();
    assert!(
        pending
            .first()
            .is_some_and(|name| name.starts_with("m0001")),
        "{pending:?}"
    );
    assert_eq!(db.pending_migrations().await.unwrap(), pending);
    let asked = connection
        .execute_unprepared("SELECT version FROM seaql_migrations")
        .await;
    assert!(asked.is_err(), "asking created the bookkeeping table");
}
crate::support::on_both_engines!(
    pending_migrations,
    super::pending_migrations_are_read_without_writing
);

#[tokio::test]
async fn an_unreachable_database_is_named_with_its_cause_and_never_its_password() {
    let error = portico_sea_orm::Database::connect("postgres://ada:s3cret@127.0.0.1:1/portico")
        .await
        .err()
        .unwrap();
    // The whole chain, as the server's start-up error prints it.
    let mut refused = error.to_string();
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        refused.push_str(&format!(": {inner}"));
        cause = inner.source();
    }

    assert!(refused.contains("127.0.0.1:1"), "{refused}");
    assert!(refused.to_lowercase().contains("refused"), "{refused}");
    assert!(!refused.contains("s3cret"), "{refused}");
}
