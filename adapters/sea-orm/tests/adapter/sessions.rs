use portico_kernel::{AccountId, PageRequest, SessionId};
use portico_sea_orm::{Database, SeaSessions};
use portico_security::ports::SessionRepository;
use portico_security::{ClientInfo, SecretToken, Session, TokenDigest};
use time::Duration;

use crate::support::{at, login_event, on_both_engines, registered};

fn session(account: AccountId, created_second: i64) -> (SecretToken, Session) {
    let token = SecretToken::generate().unwrap();
    let session = Session {
        id: SessionId::generate(),
        account,
        token_digest: token.digest(),
        created_at: at(created_second),
        last_seen_at: at(created_second),
        absolute_expires_at: at(created_second) + Duration::hours(12),
        authenticated_at: at(created_second),
        second_factor_pending: false,
        client: ClientInfo::new(Some("2001:db8::7".parse().unwrap()), Some("curl/8")),
    };
    (token, session)
}

async fn a_session_is_found_by_its_token_digest_only(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let sessions = SeaSessions::new(db.connection());
    let (token, stored) = session(account, 0);
    sessions
        .insert(&stored, &login_event(&stored))
        .await
        .unwrap();

    let found = sessions.find_by_digest(&token.digest()).await.unwrap();
    let presented_again = sessions
        .find_by_digest(&SecretToken::from_client(token.expose()).digest())
        .await
        .unwrap();
    // The plain token is not what is stored: looking it up as if it were a digest
    // finds nothing.
    let raw_token_as_digest = sessions
        .find_by_digest(&TokenDigest::from_stored(token.expose().to_owned()))
        .await
        .unwrap();
    let unknown = sessions
        .find_by_digest(&SecretToken::generate().unwrap().digest())
        .await
        .unwrap();

    assert_eq!(found.as_ref(), Some(&stored));
    assert_eq!(presented_again, Some(stored));
    assert_eq!(raw_token_as_digest, None);
    assert_eq!(unknown, None);
}
on_both_engines!(
    find_by_digest,
    super::a_session_is_found_by_its_token_digest_only
);

async fn touching_a_session_moves_its_last_seen_time(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let sessions = SeaSessions::new(db.connection());
    let (token, stored) = session(account, 0);
    sessions
        .insert(&stored, &login_event(&stored))
        .await
        .unwrap();

    sessions.touch(stored.id, at(600)).await.unwrap();

    let found = sessions
        .find_by_digest(&token.digest())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.last_seen_at, at(600));
}
on_both_engines!(touch, super::touching_a_session_moves_its_last_seen_time);

async fn sessions_list_newest_first_in_keyset_pages_without_expired_ones(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let other = registered(&db, "grace", "grace@example.com").await;
    let sessions = SeaSessions::new(db.connection());
    let mut ids = Vec::new();
    for second in [0, 10, 20] {
        let (_, s) = session(account, second);
        ids.push(s.id);
        sessions.insert(&s, &login_event(&s)).await.unwrap();
    }
    let (_, foreign) = session(other, 30);
    sessions
        .insert(&foreign, &login_event(&foreign))
        .await
        .unwrap();
    let now = at(40);

    let first = sessions
        .list(account, now, &PageRequest::new(Some(2), None).unwrap())
        .await
        .unwrap();
    let cursor = first.next_cursor.clone().unwrap().encode();
    let second = sessions
        .list(
            account,
            now,
            &PageRequest::new(Some(2), Some(&cursor)).unwrap(),
        )
        .await
        .unwrap();
    let after_expiry = sessions
        .list(account, at(10) + Duration::hours(12), &PageRequest::first())
        .await
        .unwrap();

    let first_ids: Vec<_> = first.items.iter().map(|s| s.id).collect();
    assert_eq!(first_ids, vec![ids[2], ids[1]]);
    assert_eq!(
        second.items.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![ids[0]]
    );
    assert_eq!(second.next_cursor, None);
    assert_eq!(
        after_expiry.items.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![ids[2]]
    );
}
on_both_engines!(
    list_pages,
    super::sessions_list_newest_first_in_keyset_pages_without_expired_ones
);

async fn a_session_is_deleted_only_by_its_own_account(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let other = registered(&db, "grace", "grace@example.com").await;
    let sessions = SeaSessions::new(db.connection());
    let (token, stored) = session(account, 0);
    sessions
        .insert(&stored, &login_event(&stored))
        .await
        .unwrap();

    assert!(!sessions.delete(other, stored.id).await.unwrap());
    assert!(
        sessions
            .find_by_digest(&token.digest())
            .await
            .unwrap()
            .is_some()
    );
    assert!(sessions.delete(account, stored.id).await.unwrap());
    assert!(
        sessions
            .find_by_digest(&token.digest())
            .await
            .unwrap()
            .is_none()
    );
}
on_both_engines!(delete, super::a_session_is_deleted_only_by_its_own_account);

async fn every_other_session_of_the_account_is_deleted_idle_or_not(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let other = registered(&db, "grace", "grace@example.com").await;
    let sessions = SeaSessions::new(db.connection());
    let (kept_token, kept) = session(account, 0);
    sessions.insert(&kept, &login_event(&kept)).await.unwrap();
    // More than a page of the account's others, long idle and recent alike.
    let mut others = Vec::new();
    for second in 1..=60 {
        let (_, s) = session(account, second);
        sessions.insert(&s, &login_event(&s)).await.unwrap();
        others.push(s.id);
    }
    let (grace_token, grace) = session(other, 5);
    sessions.insert(&grace, &login_event(&grace)).await.unwrap();

    let mut ended = sessions.delete_others(account, kept.id).await.unwrap();

    ended.sort_by_key(ToString::to_string);
    others.sort_by_key(ToString::to_string);
    assert_eq!(ended, others);
    assert!(
        sessions
            .find_by_digest(&kept_token.digest())
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        sessions
            .find_by_digest(&grace_token.digest())
            .await
            .unwrap()
            .is_some()
    );
    let left = sessions
        .list(account, at(0), &PageRequest::first())
        .await
        .unwrap();
    assert_eq!(left.items.len(), 1);
    assert!(
        sessions
            .delete_others(account, kept.id)
            .await
            .unwrap()
            .is_empty()
    );
}
on_both_engines!(
    delete_others,
    super::every_other_session_of_the_account_is_deleted_idle_or_not
);

async fn sub_second_creation_times_page_in_chronological_order(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let sessions = SeaSessions::new(db.connection());
    // Whole seconds, tenths and microseconds mixed: a text encoding that trims
    // trailing zeros would sort 12:00:00.1 after 12:00:00.12.
    let offsets_micros = [0, 100_000, 120_000, 500_000, 1_000_000, 1_000_001, 999_999];
    let mut expected = Vec::new();
    for micros in offsets_micros {
        let (_, mut s) = session(account, 0);
        s.created_at = at(0) + Duration::microseconds(micros);
        expected.push((s.created_at, s.id));
        sessions.insert(&s, &login_event(&s)).await.unwrap();
    }
    expected.sort();
    expected.reverse();

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = PageRequest::new(Some(3), cursor.as_deref()).unwrap();
        let found = sessions.list(account, at(60), &page).await.unwrap();
        seen.extend(found.items.iter().map(|s| (s.created_at, s.id)));
        match found.next_cursor {
            Some(next) => cursor = Some(next.encode()),
            None => break,
        }
    }

    assert_eq!(seen, expected);
}
on_both_engines!(
    sub_second_order,
    super::sub_second_creation_times_page_in_chronological_order
);
