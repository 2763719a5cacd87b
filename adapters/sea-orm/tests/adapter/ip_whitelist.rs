use std::net::IpAddr;

use portico_kernel::{AccountId, WhitelistEntryId};
use portico_sea_orm::testing::{Engine, TestDatabase};
use portico_sea_orm::{Database, SeaIpWhitelist};
use portico_security::SecurityEventKind;
use portico_security::whitelist::{
    Cidr, IpWhitelistRepository, MAX_ENTRIES, WhitelistAddition, WhitelistEntry, WhitelistLabel,
    WhitelistRemoval, WhitelistWriteError,
};

use crate::support::{at, event, event_kinds, notice, on_both_engines, registered};

fn caller() -> Option<IpAddr> {
    "192.0.2.10".parse().ok()
}

fn addition(account: AccountId, cidr: &str, second: i64) -> WhitelistAddition {
    WhitelistAddition {
        entry: WhitelistEntry {
            id: WhitelistEntryId::generate(),
            account,
            cidr: Cidr::parse(cidr).unwrap(),
            label: WhitelistLabel::parse("office").unwrap(),
            created_at: at(second),
            last_used_at: None,
        },
        caller: caller(),
        event: event(account, SecurityEventKind::IpWhitelistAdded, second),
        notices: vec![notice(account, "ada@example.com", "ip_whitelist_changed")],
    }
}

fn removal(account: AccountId, id: WhitelistEntryId) -> WhitelistRemoval {
    WhitelistRemoval {
        account,
        id,
        caller: caller(),
        event: event(account, SecurityEventKind::IpWhitelistRemoved, 50),
        notices: vec![notice(account, "ada@example.com", "ip_whitelist_changed")],
    }
}

async fn entries_are_listed_oldest_first_and_the_lock_out_rule_holds_in_storage(db: Database) {
    let ada = registered(&db, "ada", "ada@example.com").await;
    let grace = registered(&db, "grace", "grace@example.com").await;
    let list = SeaIpWhitelist::new(db.connection());

    let outside = list.add(&addition(ada, "198.51.100.0/24", 0)).await;
    assert!(matches!(outside, Err(WhitelistWriteError::LockOut(_))));
    let office = addition(ada, "192.0.2.0/24", 1);
    list.add(&office).await.unwrap();
    let home = addition(ada, "198.51.100.7", 2);
    list.add(&home).await.unwrap();
    let again = list.add(&addition(ada, "192.0.2.99/24", 3)).await;
    assert!(matches!(again, Err(WhitelistWriteError::Duplicate)));

    let entries = list.list(ada).await.unwrap();
    assert_eq!(entries, vec![office.entry.clone(), home.entry.clone()]);
    assert!(list.list(grace).await.unwrap().is_empty());

    let shut_out = list.remove(&removal(ada, office.entry.id)).await;
    assert!(matches!(shut_out, Err(WhitelistWriteError::LockOut(_))));
    let foreign = list.remove(&removal(grace, home.entry.id)).await;
    assert!(matches!(foreign, Err(WhitelistWriteError::NotFound)));
    list.remove(&removal(ada, home.entry.id)).await.unwrap();
    list.remove(&removal(ada, office.entry.id)).await.unwrap();
    assert!(list.list(ada).await.unwrap().is_empty());
    assert_eq!(
        event_kinds(&db, ada).await,
        vec![
            "ip_whitelist_removed",
            "ip_whitelist_removed",
            "ip_whitelist_added",
            "ip_whitelist_added"
        ]
    );
}
on_both_engines!(
    rules,
    super::entries_are_listed_oldest_first_and_the_lock_out_rule_holds_in_storage
);

async fn the_list_is_bounded_and_use_is_recorded(db: Database) {
    let ada = registered(&db, "ada", "ada@example.com").await;
    let list = SeaIpWhitelist::new(db.connection());
    list.add(&addition(ada, "192.0.2.0/24", 0)).await.unwrap();
    for n in 1..MAX_ENTRIES {
        let cidr = format!("10.0.{n}.0/24");
        list.add(&addition(ada, &cidr, i64::try_from(n).unwrap()))
            .await
            .unwrap();
    }
    let full = list.add(&addition(ada, "10.9.9.0/24", 100)).await;
    assert!(matches!(full, Err(WhitelistWriteError::LimitReached)));

    let first = list.list(ada).await.unwrap()[0].id;
    list.touch(ada, first, at(200)).await.unwrap();
    assert_eq!(list.list(ada).await.unwrap()[0].last_used_at, Some(at(200)));
}
on_both_engines!(bounded, super::the_list_is_bounded_and_use_is_recorded);

async fn two_racing_removals_never_lock_the_caller_out(engine: Engine) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let db = test_db.database().clone();
    let ada = registered(&db, "ada", "ada@example.com").await;
    let list = SeaIpWhitelist::new(db.connection());
    // Two entries cover the caller, one does not: either covering entry may go, but
    // not both.
    let wide = addition(ada, "192.0.2.0/24", 0);
    let narrow = addition(ada, "192.0.2.10", 1);
    list.add(&wide).await.unwrap();
    list.add(&narrow).await.unwrap();
    list.add(&addition(ada, "198.51.100.0/24", 2))
        .await
        .unwrap();

    let tasks: Vec<_> = [wide.entry.id, narrow.entry.id]
        .into_iter()
        .map(|id| {
            let list = list.clone();
            tokio::spawn(async move { list.remove(&removal(ada, id)).await })
        })
        .collect();
    let mut removed = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => removed += 1,
            Err(WhitelistWriteError::LockOut(_)) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    assert_eq!(removed, 1);
    let left: Vec<Cidr> = list
        .list(ada)
        .await
        .unwrap()
        .iter()
        .map(|e| e.cidr)
        .collect();
    assert!(left.iter().any(|cidr| cidr.contains(caller().unwrap())));
    test_db.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_removals_on_a_sqlite_file() {
    two_racing_removals_never_lock_the_caller_out(Engine::SqliteFile).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_removals_on_postgres() {
    two_racing_removals_never_lock_the_caller_out(Engine::Postgres).await;
}

async fn a_request_reads_its_session_and_the_whole_whitelist_at_once(db: Database) {
    use portico_sea_orm::SeaSessions;
    use portico_security::ports::SessionRepository;
    use portico_security::{ClientInfo, SecretToken, Session};

    let ada = registered(&db, "ada", "ada@example.com").await;
    let grace = registered(&db, "grace", "grace@example.com").await;
    let list = SeaIpWhitelist::new(db.connection());
    list.add(&addition(ada, "192.0.2.0/24", 0)).await.unwrap();
    list.add(&addition(ada, "2001:db8::/32", 5)).await.unwrap();
    list.add(&addition(grace, "192.0.2.10", 1)).await.unwrap();
    let sessions = SeaSessions::new(db.connection());
    let open = |account| {
        let token = SecretToken::generate().unwrap();
        let session = Session {
            id: portico_kernel::SessionId::generate(),
            account,
            token_digest: token.digest(),
            created_at: at(10),
            last_seen_at: at(10),
            absolute_expires_at: at(10) + time::Duration::hours(1),
            authenticated_at: at(10),
            client: ClientInfo::new(caller(), Some("agent")),
            second_factor_pending: true,
        };
        (token, session)
    };
    let (ada_token, ada_session) = open(ada);
    sessions
        .insert(&ada_session, &crate::support::login_event(&ada_session))
        .await
        .unwrap();
    let unrestricted = registered(&db, "hopper", "hopper@example.com").await;
    let (free_token, free_session) = open(unrestricted);
    sessions
        .insert(&free_session, &crate::support::login_event(&free_session))
        .await
        .unwrap();

    let found = sessions
        .find_for_request(&ada_token.digest())
        .await
        .unwrap()
        .unwrap();
    let free = sessions
        .find_for_request(&free_token.digest())
        .await
        .unwrap()
        .unwrap();
    let unknown = sessions
        .find_for_request(&SecretToken::generate().unwrap().digest())
        .await
        .unwrap();

    assert_eq!(found.session, ada_session);
    assert_eq!(found.whitelist, list.list(ada).await.unwrap());
    let ranges: Vec<String> = found.whitelist.iter().map(|e| e.cidr.to_string()).collect();
    assert_eq!(ranges, ["192.0.2.0/24", "2001:db8::/32"]);
    assert_eq!(free.session, free_session);
    assert!(free.whitelist.is_empty());
    assert_eq!(unknown, None);
}
on_both_engines!(
    with_session,
    super::a_request_reads_its_session_and_the_whole_whitelist_at_once
);
