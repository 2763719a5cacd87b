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

async fn racing_default_address_changes_leave_exactly_one_default(engine: Engine) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let db = test_db.database().clone();
    let account = registered(&db, "ada", "ada@example.com").await;
    let addresses = SeaAddresses::new(db.connection());
    let mut ids = Vec::new();
    for n in 0..8 {
        let address = address(&format!("Street {n}"), n, n == 0);
        addresses.insert(account, &address).await.unwrap();
        ids.push(address);
    }
    let tasks: Vec<_> = ids
        .into_iter()
        .map(|address| {
            let addresses = addresses.clone();
            tokio::spawn(async move {
                addresses
                    .update(account, address.id, &address.fields, true)
                    .await
            })
        })
        .collect();
    for task in tasks {
        assert!(task.await.unwrap().unwrap().is_some());
    }
    let defaults = addresses
        .list(account, &PageRequest::first())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|a| a.default_billing)
        .count();
    assert_eq!(defaults, 1);
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
