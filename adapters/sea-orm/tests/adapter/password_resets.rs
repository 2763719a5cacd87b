use portico_kernel::{AccountId, SecretToken, SessionId};
use portico_sea_orm::testing::{Engine, TestDatabase};
use portico_sea_orm::{Database, SeaCredentials, SeaDevices, SeaPasswordResets, SeaSessions};
use portico_security::ports::{
    CredentialRepository, PasswordResetRepository, PendingReset, ResetCompletion, ResetIssue,
    SessionRepository,
};
use portico_security::two_factor::GuardedWriteError;
use portico_security::{ClientInfo, DeviceRepository, KnownDevice, SecurityEventKind, Session};
use time::Duration;

use crate::support::{
    at, event, event_kinds, hash, login_event, notice, on_both_engines, registered,
};

fn issue(account: AccountId, token: &SecretToken, second: i64) -> ResetIssue {
    ResetIssue {
        account,
        digest: token.digest(),
        created_at: at(second),
        expires_at: at(second) + Duration::minutes(30),
        event: event(account, SecurityEventKind::PasswordResetRequested, second),
        mail: notice(account, "ada@example.com", "password_reset"),
    }
}

fn completion(account: AccountId, token: &SecretToken, second: i64) -> ResetCompletion {
    ResetCompletion {
        account,
        digest: token.digest(),
        hash: hash("cmVzZXQ"),
        proof: None,
        event: event(account, SecurityEventKind::PasswordReset, second),
        notices: vec![notice(account, "ada@example.com", "password_reset_done")],
    }
}

async fn session(db: &Database, account: AccountId) {
    let session = Session {
        id: SessionId::generate(),
        account,
        token_digest: SecretToken::generate().unwrap().digest(),
        created_at: at(0),
        last_seen_at: at(0),
        absolute_expires_at: at(0) + Duration::hours(12),
        authenticated_at: at(0),
        client: ClientInfo::default(),
        second_factor_pending: false,
    };
    SeaSessions::new(db.connection())
        .insert(&session, &login_event(&session))
        .await
        .unwrap();
}

async fn live_sessions(db: &Database, account: AccountId) -> usize {
    SeaSessions::new(db.connection())
        .list(account, at(0), &portico_kernel::PageRequest::first())
        .await
        .unwrap()
        .items
        .len()
}

async fn a_newer_link_voids_the_older_one(db: Database) {
    let ada = registered(&db, "ada", "ada@example.com").await;
    let resets = SeaPasswordResets::new(db.connection());
    let first = SecretToken::generate().unwrap();
    let second = SecretToken::generate().unwrap();

    resets.issue(&issue(ada, &first, 0)).await.unwrap();
    resets.issue(&issue(ada, &second, 60)).await.unwrap();

    assert_eq!(resets.find(&first.digest()).await.unwrap(), None);
    assert_eq!(
        resets.find(&second.digest()).await.unwrap(),
        Some(PendingReset {
            account: ada,
            expires_at: at(60) + Duration::minutes(30)
        })
    );
    let old = resets.complete(&completion(ada, &first, 70)).await;
    assert!(matches!(old, Err(GuardedWriteError::Stale)));
}
on_both_engines!(newer_voids_older, super::a_newer_link_voids_the_older_one);

async fn a_reset_sets_the_hash_ends_every_session_and_works_once(db: Database) {
    let ada = registered(&db, "ada", "ada@example.com").await;
    session(&db, ada).await;
    session(&db, ada).await;
    let resets = SeaPasswordResets::new(db.connection());
    let token = SecretToken::generate().unwrap();
    resets.issue(&issue(ada, &token, 0)).await.unwrap();
    let devices = SeaDevices::new(db.connection());
    let device = KnownDevice {
        digest: SecretToken::generate().unwrap().digest(),
        account: ada,
        created_at: at(0),
        expires_at: at(0) + Duration::days(90),
    };
    devices.issue(&device).await.unwrap();

    resets.complete(&completion(ada, &token, 60)).await.unwrap();

    assert_eq!(
        devices.find(&device.digest).await.unwrap(),
        None,
        "whoever held the old password may hold a device credential too"
    );

    let credential = SeaCredentials::new(db.connection())
        .find_by_account(ada)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(credential.password_hash, hash("cmVzZXQ"));
    assert_eq!(live_sessions(&db, ada).await, 0);
    let again = resets.complete(&completion(ada, &token, 61)).await;
    assert!(matches!(again, Err(GuardedWriteError::Stale)));
    assert_eq!(
        event_kinds(&db, ada).await,
        // After the two logins of the sessions it ended.
        vec![
            "password_reset",
            "password_reset_requested",
            "login_succeeded",
            "login_succeeded"
        ]
    );
}
on_both_engines!(
    reset_once,
    super::a_reset_sets_the_hash_ends_every_session_and_works_once
);

async fn an_expired_or_voided_link_changes_nothing(db: Database) {
    let ada = registered(&db, "ada", "ada@example.com").await;
    session(&db, ada).await;
    let resets = SeaPasswordResets::new(db.connection());
    let token = SecretToken::generate().unwrap();
    resets.issue(&issue(ada, &token, 0)).await.unwrap();

    let late = resets.complete(&completion(ada, &token, 30 * 60)).await;
    assert!(matches!(late, Err(GuardedWriteError::Stale)));
    resets.void(&token.digest()).await.unwrap();
    let voided = resets.complete(&completion(ada, &token, 60)).await;

    assert!(matches!(voided, Err(GuardedWriteError::Stale)));
    assert_eq!(live_sessions(&db, ada).await, 1);
    assert_ne!(
        SeaCredentials::new(db.connection())
            .find_by_account(ada)
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        hash("cmVzZXQ")
    );
}
on_both_engines!(expired, super::an_expired_or_voided_link_changes_nothing);

async fn racing_confirmations_of_one_link_reset_once(engine: Engine) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let db = test_db.database().clone();
    let ada = registered(&db, "ada", "ada@example.com").await;
    let resets = SeaPasswordResets::new(db.connection());
    let token = SecretToken::generate().unwrap();
    resets.issue(&issue(ada, &token, 0)).await.unwrap();

    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let resets = resets.clone();
            let completion = completion(ada, &token, 60);
            tokio::spawn(async move { resets.complete(&completion).await })
        })
        .collect();
    let mut successes = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => successes += 1,
            Err(GuardedWriteError::Stale) => {}
            Err(other) => panic!("a loser must find the link used, not {other:?}"),
        }
    }

    assert_eq!(successes, 1);
    test_db.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_confirmations_on_a_sqlite_file() {
    racing_confirmations_of_one_link_reset_once(Engine::SqliteFile).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_confirmations_on_postgres() {
    racing_confirmations_of_one_link_reset_once(Engine::Postgres).await;
}
