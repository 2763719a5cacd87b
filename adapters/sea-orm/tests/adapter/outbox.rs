use std::collections::HashSet;

use portico_kernel::{AccountId, EmailAddress, MessageId, PageRequest};
use portico_mail_log::{
    AttemptResult, BounceOutcome, BounceReference, Content, MessageStatus, NewMessage,
    OutboxRepository,
};
use portico_sea_orm::testing::{Engine, TestDatabase};
use portico_sea_orm::{Database, SeaOutbox};
use time::Duration;

use crate::support::{at, on_both_engines, registered};

/// Registers an account and removes its welcome message, so a test sees only the
/// messages it writes itself.
async fn quiet_account(db: &Database, username: &str) -> AccountId {
    let account = registered(db, username, &format!("{username}@example.com")).await;
    for table in ["message_secrets", "message_events", "messages"] {
        db.execute(&format!("DELETE FROM {table}")).await.unwrap();
    }
    account
}

fn content(body: &str) -> Content {
    Content {
        subject: "Confirm your email address".into(),
        text: body.into(),
        html: format!("<p>{body}</p>"),
    }
}

fn message(account: Option<AccountId>, second: i64, secret: bool) -> NewMessage {
    let id = MessageId::generate();
    NewMessage {
        id,
        account,
        to: EmailAddress::parse("ada@example.com").unwrap(),
        template: "verify_email",
        language: "en".into(),
        stored: content("open ?token=REDACTED"),
        secret_delivery: secret.then(|| content("open ?token=s3cret")),
        message_id_header: format!("<{id}@mail.example>"),
        created_at: at(second),
    }
}

async fn a_queued_message_is_claimed_with_its_secret_and_listed_without_it(db: Database) {
    let account = quiet_account(&db, "ada").await;
    let outbox = SeaOutbox::new(db.connection());
    let new = message(Some(account), 0, true);
    outbox.enqueue(&new).await.unwrap();

    let listed = outbox
        .list(account, None, &PageRequest::first())
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].status, MessageStatus::Queued);
    assert!(!listed.items[0].content.text.contains("s3cret"));

    let claimed = outbox
        .claim_due(at(1), at(1) + Duration::minutes(2), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert!(claimed[0].content.text.contains("token=s3cret"));
    assert_eq!(claimed[0].message_id_header, new.message_id_header);

    // Leased: nobody else gets it until the lease runs out.
    assert!(
        outbox
            .claim_due(at(2), at(2) + Duration::minutes(2), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let reclaimed = outbox
        .claim_due(
            at(1) + Duration::minutes(3),
            at(1) + Duration::minutes(5),
            10,
        )
        .await
        .unwrap();
    assert_eq!(reclaimed.len(), 1, "a dead worker's lease expires");
}
on_both_engines!(
    claim,
    super::a_queued_message_is_claimed_with_its_secret_and_listed_without_it
);

async fn attempts_move_the_status_and_erase_the_secret_copy_when_final(db: Database) {
    let account = quiet_account(&db, "ada").await;
    let outbox = SeaOutbox::new(db.connection());
    let new = message(Some(account), 0, true);
    outbox.enqueue(&new).await.unwrap();
    outbox.claim_due(at(1), at(100), 10).await.unwrap();

    outbox
        .record_attempt(
            new.id,
            at(100),
            at(2),
            &AttemptResult::Retry {
                detail: "421 try later".into(),
                next_attempt_at: at(60),
            },
        )
        .await
        .unwrap();
    assert!(
        outbox
            .claim_due(at(30), at(130), 10)
            .await
            .unwrap()
            .is_empty(),
        "not due yet"
    );
    let again = outbox.claim_due(at(60), at(160), 10).await.unwrap();
    assert_eq!(again[0].attempts, 2, "the attempt is counted when claimed");
    assert!(
        again[0].content.text.contains("s3cret"),
        "still held for the retry"
    );

    // A worker whose lease was taken over records nothing.
    outbox
        .record_attempt(
            new.id,
            at(100),
            at(61),
            &AttemptResult::Failed {
                detail: "stale worker".into(),
            },
        )
        .await
        .unwrap();
    outbox
        .record_attempt(
            new.id,
            at(160),
            at(61),
            &AttemptResult::Sent {
                detail: "250 ok".into(),
            },
        )
        .await
        .unwrap();
    // A late duplicate record changes nothing.
    outbox
        .record_attempt(
            new.id,
            at(160),
            at(62),
            &AttemptResult::Failed {
                detail: "late".into(),
            },
        )
        .await
        .unwrap();

    let (message, events) = outbox.find(account, new.id).await.unwrap().unwrap();
    assert_eq!(message.status, MessageStatus::Sent);
    assert_eq!(message.sent_at, Some(at(61)));
    assert_eq!(message.attempts, 2);
    let statuses: Vec<_> = events
        .iter()
        .map(|e| (e.status, e.detail.as_str()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (MessageStatus::Queued, "queued"),
            (MessageStatus::Queued, "421 try later"),
            (MessageStatus::Sent, "250 ok"),
        ]
    );
    use sea_orm::ConnectionTrait;
    let secrets = db
        .connection()
        .query_all_raw(sea_orm::Statement::from_string(
            db.connection().get_database_backend(),
            "SELECT message_id FROM message_secrets",
        ))
        .await
        .unwrap();
    assert!(secrets.is_empty(), "the one-time link is gone once sent");
}
on_both_engines!(
    attempts,
    super::attempts_move_the_status_and_erase_the_secret_copy_when_final
);

async fn the_history_pages_newest_first_filters_by_status_and_hides_other_accounts(db: Database) {
    let account = quiet_account(&db, "ada").await;
    let other = quiet_account(&db, "grace").await;
    let outbox = SeaOutbox::new(db.connection());
    let mut ids = Vec::new();
    for second in 0..5 {
        let new = message(Some(account), second, false);
        ids.push(new.id);
        outbox.enqueue(&new).await.unwrap();
    }
    let foreign = message(Some(other), 10, false);
    outbox.enqueue(&foreign).await.unwrap();
    outbox.claim_due(at(20), at(80), 1).await.unwrap();
    outbox
        .record_attempt(
            ids[0],
            at(80),
            at(21),
            &AttemptResult::Failed {
                detail: "550 no".into(),
            },
        )
        .await
        .unwrap();

    let first = outbox
        .list(account, None, &PageRequest::new(Some(3), None).unwrap())
        .await
        .unwrap();
    let cursor = first.next_cursor.clone().unwrap().encode();
    let rest = outbox
        .list(
            account,
            None,
            &PageRequest::new(Some(3), Some(&cursor)).unwrap(),
        )
        .await
        .unwrap();
    let order: Vec<_> = first
        .items
        .iter()
        .chain(&rest.items)
        .map(|m| m.id)
        .collect();
    let mut newest_first = ids.clone();
    newest_first.reverse();
    assert_eq!(order, newest_first);

    let failed = outbox
        .list(account, Some(MessageStatus::Failed), &PageRequest::first())
        .await
        .unwrap();
    assert_eq!(
        failed.items.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![ids[0]]
    );
    assert_eq!(outbox.find(account, foreign.id).await.unwrap(), None);
}
on_both_engines!(
    history,
    super::the_history_pages_newest_first_filters_by_status_and_hides_other_accounts
);

async fn only_sent_messages_bounce_found_by_id_or_header(db: Database) {
    let outbox = SeaOutbox::new(db.connection());
    let sent = message(None, 0, false);
    let queued = message(None, 1, false);
    outbox.enqueue(&sent).await.unwrap();
    outbox.enqueue(&queued).await.unwrap();
    outbox.claim_due(at(1), at(60), 1).await.unwrap();
    outbox
        .record_attempt(
            sent.id,
            at(60),
            at(2),
            &AttemptResult::Sent {
                detail: "250".into(),
            },
        )
        .await
        .unwrap();

    let by_header = BounceReference::Header(sent.message_id_header.clone());
    assert_eq!(
        outbox
            .mark_bounced(&by_header, "550 gone", at(3))
            .await
            .unwrap(),
        BounceOutcome::Bounced
    );
    assert_eq!(
        outbox
            .mark_bounced(&BounceReference::Id(sent.id), "550 gone", at(4))
            .await
            .unwrap(),
        BounceOutcome::AlreadyBounced
    );
    assert_eq!(
        outbox
            .mark_bounced(&BounceReference::Id(queued.id), "550", at(4))
            .await
            .unwrap(),
        BounceOutcome::NotSent
    );
    assert_eq!(
        outbox
            .mark_bounced(&BounceReference::Id(MessageId::generate()), "550", at(4))
            .await
            .unwrap(),
        BounceOutcome::NotFound
    );
}
on_both_engines!(
    bounces,
    super::only_sent_messages_bounce_found_by_id_or_header
);

async fn concurrent_workers_never_claim_the_same_message(engine: Engine) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let outbox = SeaOutbox::new(test_db.database().connection());
    for second in 0..60 {
        outbox.enqueue(&message(None, second, false)).await.unwrap();
    }
    let workers: Vec<_> = (0..6)
        .map(|_| {
            let outbox = outbox.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let batch = outbox.claim_due(at(100), at(400), 4).await.unwrap();
                    if batch.is_empty() {
                        break mine;
                    }
                    mine.extend(batch.into_iter().map(|e| e.id));
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await.unwrap());
    }
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 60, "every message claimed");
    assert_eq!(unique.len(), 60, "none claimed twice");
    test_db.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claims_on_a_sqlite_file() {
    concurrent_workers_never_claim_the_same_message(Engine::SqliteFile).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claims_on_postgres() {
    concurrent_workers_never_claim_the_same_message(Engine::Postgres).await;
}

async fn a_failed_message_keeps_no_secret_copy(db: Database) {
    use sea_orm::ConnectionTrait;
    let outbox = SeaOutbox::new(db.connection());
    let new = message(None, 0, true);
    outbox.enqueue(&new).await.unwrap();
    let claimed = outbox.claim_due(at(1), at(60), 1).await.unwrap();
    outbox
        .record_attempt(
            new.id,
            claimed[0].lease_until,
            at(2),
            &AttemptResult::Failed {
                detail: "550 no such user".into(),
            },
        )
        .await
        .unwrap();
    let secrets = db
        .connection()
        .query_all_raw(sea_orm::Statement::from_string(
            db.connection().get_database_backend(),
            "SELECT message_id FROM message_secrets",
        ))
        .await
        .unwrap();
    assert!(secrets.is_empty());
}
on_both_engines!(failed_secret, super::a_failed_message_keeps_no_secret_copy);

/// Outcomes recorded together: each applies under its own lease, in one transaction.
async fn outcomes_recorded_together_are_each_fenced_by_their_lease(db: Database) {
    use portico_mail_log::AttemptRecord;
    let account = quiet_account(&db, "ada").await;
    let outbox = SeaOutbox::new(db.connection());
    let (sent, retried, stale) = (
        message(Some(account), 0, true),
        message(Some(account), 1, false),
        message(Some(account), 2, false),
    );
    for new in [&sent, &retried, &stale] {
        outbox.enqueue(new).await.unwrap();
    }
    let claimed = outbox.claim_due(at(10), at(100), 10).await.unwrap();
    assert_eq!(claimed.len(), 3);

    outbox
        .record_attempts(&[
            AttemptRecord {
                id: sent.id,
                lease_until: at(100),
                at: at(11),
                result: AttemptResult::Sent {
                    detail: "250 ok".into(),
                },
            },
            AttemptRecord {
                id: retried.id,
                lease_until: at(100),
                at: at(12),
                result: AttemptResult::Retry {
                    detail: "451 later".into(),
                    next_attempt_at: at(500),
                },
            },
            AttemptRecord {
                id: stale.id,
                lease_until: at(99),
                at: at(13),
                result: AttemptResult::Failed {
                    detail: "a worker whose lease was taken over".into(),
                },
            },
        ])
        .await
        .unwrap();

    let status = |id| {
        let outbox = outbox.clone();
        async move { outbox.find(account, id).await.unwrap().unwrap().0 }
    };
    let delivered = status(sent.id).await;
    assert_eq!(
        (delivered.status, delivered.sent_at),
        (MessageStatus::Sent, Some(at(11)))
    );
    assert_eq!(status(retried.id).await.status, MessageStatus::Queued);
    assert_eq!(
        status(stale.id).await.status,
        MessageStatus::Queued,
        "a stale lease changes nothing"
    );
    assert!(
        outbox
            .claim_due(at(20), at(120), 10)
            .await
            .unwrap()
            .is_empty(),
        "the stale one is still leased, the retried one not due"
    );
    let again = outbox.claim_due(at(500), at(600), 10).await.unwrap();
    let ids: HashSet<_> = again.iter().map(|envelope| envelope.id).collect();
    assert_eq!(ids, HashSet::from([retried.id, stale.id]));
}
on_both_engines!(
    recorded_together,
    super::outcomes_recorded_together_are_each_fenced_by_their_lease
);
