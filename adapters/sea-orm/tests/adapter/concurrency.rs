//! Concurrent writers: on SQLite they must queue, never fail with "database is
//! locked"; on PostgreSQL the unique indexes must decide races.

use portico_identity::ports::{AddressRepository, CreateAccountError};
use portico_kernel::PageRequest;
use portico_sea_orm::SeaAccounts;
use portico_sea_orm::SeaAddresses;
use portico_sea_orm::testing::{Engine, TestDatabase};

use crate::addresses::address;
use crate::support::{create, new_account, registered};

async fn many_concurrent_registrations_all_land(engine: Engine) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let accounts = SeaAccounts::new(test_db.database().connection());
    let tasks: Vec<_> = (0..40)
        .map(|n| {
            let accounts = accounts.clone();
            tokio::spawn(async move {
                create(
                    &accounts,
                    &new_account(&format!("user{n}"), &format!("user{n}@example.com")),
                )
                .await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    test_db.finish().await.unwrap();
}

async fn racing_registrations_of_one_username_give_exactly_one_account(engine: Engine) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let accounts = SeaAccounts::new(test_db.database().connection());
    let tasks: Vec<_> = (0..10)
        .map(|n| {
            let accounts = accounts.clone();
            tokio::spawn(async move {
                create(
                    &accounts,
                    &new_account("contested", &format!("c{n}@example.com")),
                )
                .await
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => created += 1,
            Err(CreateAccountError::UsernameTaken) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(created, 1);
    test_db.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_registrations_on_a_sqlite_file() {
    many_concurrent_registrations_all_land(Engine::SqliteFile).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_registrations_on_postgres() {
    many_concurrent_registrations_all_land(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_usernames_on_a_sqlite_file() {
    racing_registrations_of_one_username_give_exactly_one_account(Engine::SqliteFile).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_usernames_on_postgres() {
    racing_registrations_of_one_username_give_exactly_one_account(Engine::Postgres).await;
}

/// Inserts `count` addresses of `account` (the first the default), then makes each
/// the default at once, spreading the changes over `writers` in turn; asserts that
/// every change landed and returns how many defaults are left.
async fn race_default_changes(
    writers: &[SeaAddresses],
    account: portico_kernel::AccountId,
    count: i64,
) -> usize {
    let mut changes = Vec::new();
    for n in 0..count {
        let address = address(&format!("Street {n}"), n, n == 0);
        writers[0].insert(account, &address).await.unwrap();
        changes.push(address);
    }
    let tasks: Vec<_> = changes
        .into_iter()
        .enumerate()
        .map(|(n, address)| {
            let addresses = writers[n % writers.len()].clone();
            tokio::spawn(async move {
                addresses
                    .update(account, address.id, &address.fields, true)
                    .await
            })
        })
        .collect();
    for task in tasks {
        let outcome = task.await.unwrap();
        assert!(matches!(outcome, Ok(Some(_))), "{outcome:?}");
    }
    writers[writers.len() - 1]
        .list(account, &PageRequest::first())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|a| a.default_billing)
        .count()
}

async fn racing_default_address_changes_leave_exactly_one_default(engine: Engine) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let db = test_db.database().clone();
    let account = registered(&db, "ada", "ada@example.com").await;
    let addresses = SeaAddresses::new(db.connection());
    assert_eq!(race_default_changes(&[addresses], account, 8).await, 1);
    test_db.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_default_addresses_on_a_sqlite_file() {
    racing_default_address_changes_leave_exactly_one_default(Engine::SqliteFile).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_default_addresses_on_postgres() {
    racing_default_address_changes_leave_exactly_one_default(Engine::Postgres).await;
}

/// On a SQLite file, requests read through the read-only pool while a long write
/// transaction holds the one writer, and see every write committed before them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_on_while_a_long_write_holds_the_writer_on_a_sqlite_file() {
    use portico_sea_orm::SeaSessions;
    use portico_security::ports::SessionRepository;
    use portico_security::{ClientInfo, SecretToken, Session};
    use sea_orm::TransactionTrait;

    let test_db = TestDatabase::new(Engine::SqliteFile).await.unwrap();
    let db = test_db.database().clone();
    let account = registered(&db, "ada", "ada@example.com").await;
    let sessions = SeaSessions::new(db.connection()).reading_from(db.read_connection());
    let token = SecretToken::generate().unwrap();
    let at = crate::support::at(0);
    let session = Session {
        id: portico_kernel::SessionId::generate(),
        account,
        token_digest: token.digest(),
        created_at: at,
        last_seen_at: at,
        absolute_expires_at: at + time::Duration::hours(1),
        authenticated_at: at,
        client: ClientInfo::default(),
        second_factor_pending: false,
    };
    sessions
        .insert(&session, &crate::support::login_event(&session))
        .await
        .unwrap();

    // A write transaction that takes the writer and keeps it.
    let writer = db.connection().begin().await.unwrap();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        sessions.find_for_request(&token.digest()),
    )
    .await
    .expect("the read waited for the writer");
    assert_eq!(read.unwrap().unwrap().session, session);
    let profile = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        portico_identity::ports::AccountRepository::profile(
            &SeaAccounts::new(db.connection()).reading_from(db.read_connection()),
            account,
        ),
    )
    .await
    .expect("the profile read waited for the writer");
    assert!(profile.unwrap().is_some());
    let history = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        portico_mail_log::OutboxRepository::list(
            &portico_sea_orm::SeaOutbox::new(db.connection()).reading_from(db.read_connection()),
            account,
            None,
            &PageRequest::first(),
        ),
    )
    .await
    .expect("the email history waited for the writer");
    assert!(history.is_ok());
    writer.rollback().await.unwrap();
    test_db.finish().await.unwrap();
}

/// Two processes on one SQLite file (`portico serve` and `portico worker`, say) each
/// have their own writer connection. Write transactions begin `IMMEDIATE`, so the
/// second waits for the first (busy timeout) instead of failing when a transaction
/// that began by reading tries to write after the other process wrote.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_writing_one_sqlite_file_wait_for_each_other() {
    let test_db = TestDatabase::new(Engine::SqliteFile).await.unwrap();
    let first = test_db.database().clone();
    let second = portico_sea_orm::Database::connect(test_db.url())
        .await
        .unwrap();
    let account = registered(&first, "ada", "ada@example.com").await;
    let pools = [
        SeaAddresses::new(first.connection()),
        SeaAddresses::new(second.connection()),
    ];
    assert_eq!(race_default_changes(&pools, account, 12).await, 1);
    second.connection().close().await.unwrap();
    test_db.finish().await.unwrap();
}
