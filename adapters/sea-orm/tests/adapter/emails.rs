use portico_identity::email_rules::RemovalRefused;
use portico_identity::ports::{EmailRepository, RemoveEmailError};
use portico_kernel::{AccountId, EmailId, PageRequest};
use portico_sea_orm::testing::{Engine, TestDatabase};
use portico_sea_orm::{Database, SeaEmails};

use crate::support::{on_both_engines, registered};

/// Adds a secondary address directly (adding addresses comes with mail delivery).
pub async fn add_secondary(
    db: &Database,
    account: AccountId,
    address: &str,
    verified: bool,
) -> EmailId {
    let id = EmailId::generate();
    db.execute(&format!(
        "INSERT INTO account_emails (id, account_id, address, address_key, verified, is_primary, created_at) \
         VALUES ('{id}', '{account}', '{address}', '{address}', {verified}, false, 1767225600000000)"
    ))
    .await
    .unwrap();
    id
}

async fn primary_of(emails: &SeaEmails, account: AccountId) -> EmailId {
    emails
        .list(account, &PageRequest::first())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|e| e.primary)
        .unwrap()
        .id
}

fn refused(result: Result<(), RemoveEmailError>) -> Option<RemovalRefused> {
    match result {
        Err(RemoveEmailError::Refused(rule)) => Some(rule),
        _ => None,
    }
}

async fn removal_keeps_the_primary_and_the_last_verified_address(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let intruder = registered(&db, "mallory", "mallory@example.com").await;
    let emails = SeaEmails::new(db.connection());
    let primary = primary_of(&emails, account).await;
    let verified = add_secondary(&db, account, "work@example.com", true).await;
    let unverified = add_secondary(&db, account, "old@example.com", false).await;

    assert_eq!(
        refused(emails.remove(account, primary).await),
        Some(RemovalRefused::Primary)
    );
    assert_eq!(
        refused(emails.remove(account, verified).await),
        Some(RemovalRefused::LastVerified),
        "the registration address is not verified, so this is the only verified one"
    );
    assert_eq!(
        refused(emails.remove(intruder, unverified).await),
        Some(RemovalRefused::NotFound)
    );
    emails.remove(account, unverified).await.unwrap();

    let left: Vec<_> = emails
        .list(account, &PageRequest::first())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(left, vec![primary, verified]);
}
on_both_engines!(
    removal_rules,
    super::removal_keeps_the_primary_and_the_last_verified_address
);

async fn two_concurrent_removals_never_remove_the_last_verified_address(engine: Engine) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let db = test_db.database().clone();
    let account = registered(&db, "ada", "ada@example.com").await;
    let emails = SeaEmails::new(db.connection());
    let first = add_secondary(&db, account, "one@example.com", true).await;
    let second = add_secondary(&db, account, "two@example.com", true).await;

    let a = tokio::spawn({
        let emails = emails.clone();
        async move { emails.remove(account, first).await }
    });
    let b = tokio::spawn({
        let emails = emails.clone();
        async move { emails.remove(account, second).await }
    });
    let outcomes = [a.await.unwrap(), b.await.unwrap()];

    assert_eq!(outcomes.iter().filter(|r| r.is_ok()).count(), 1);
    let verified = emails
        .list(account, &PageRequest::first())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|e| e.verified)
        .count();
    assert_eq!(verified, 1);
    test_db.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_removals_on_a_sqlite_file() {
    two_concurrent_removals_never_remove_the_last_verified_address(Engine::SqliteFile).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_removals_on_postgres() {
    two_concurrent_removals_never_remove_the_last_verified_address(Engine::Postgres).await;
}
