use portico_sea_orm::testing::{Engine, TestDatabase};
use portico_sea_orm::{Database, SeaThrottles};
use portico_security::{Claim, ThrottleKey, ThrottlePolicy, ThrottleRepository};

use crate::support::{at, on_both_engines};

async fn failures_are_counted_reset_after_quiet_and_blocks_only_grow(db: Database) {
    let throttles = SeaThrottles::new(db.connection());
    let ada = ThrottleKey::login("ada");
    let ip = ThrottleKey::address("192.0.2.1".parse().unwrap());

    for expected in 1..=3 {
        assert_eq!(
            throttles
                .record_failure(&ada, at(expected), at(-100))
                .await
                .unwrap(),
            expected as u32
        );
    }
    // The last failure is older than the reset point: counting starts again.
    assert_eq!(
        throttles
            .record_failure(&ada, at(500), at(100))
            .await
            .unwrap(),
        1
    );

    throttles.block(&ada, at(600)).await.unwrap();
    throttles.block(&ada, at(550)).await.unwrap();
    throttles.record_failure(&ip, at(500), at(0)).await.unwrap();
    throttles.block(&ip, at(700)).await.unwrap();
    assert_eq!(
        throttles
            .blocked_until(&[ada.clone(), ip.clone()], at(501))
            .await
            .unwrap(),
        Some(at(700))
    );
    assert_eq!(
        throttles
            .blocked_until(std::slice::from_ref(&ada), at(501))
            .await
            .unwrap(),
        Some(at(600)),
        "never shortened"
    );
    assert_eq!(
        throttles
            .blocked_until(std::slice::from_ref(&ada), at(600))
            .await
            .unwrap(),
        None,
        "over at its end"
    );

    throttles.clear(&ada).await.unwrap();
    assert_eq!(
        throttles
            .record_failure(&ada, at(601), at(0))
            .await
            .unwrap(),
        1
    );
}
on_both_engines!(
    counting,
    super::failures_are_counted_reset_after_quiet_and_blocks_only_grow
);

async fn concurrent_failures_are_each_counted(engine: Engine) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let throttles = SeaThrottles::new(test_db.database().connection());
    let key = ThrottleKey::login("target");
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let throttles = throttles.clone();
            let key = key.clone();
            tokio::spawn(async move { throttles.record_failure(&key, at(1), at(0)).await.unwrap() })
        })
        .collect();
    let mut counts = Vec::new();
    for task in tasks {
        counts.push(task.await.unwrap());
    }
    counts.sort_unstable();
    assert_eq!(counts, (1..=20).collect::<Vec<u32>>());
    test_db.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_failures_on_a_sqlite_file() {
    concurrent_failures_are_each_counted(Engine::SqliteFile).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_failures_on_postgres() {
    concurrent_failures_are_each_counted(Engine::Postgres).await;
}

async fn claims_count_first_block_at_once_and_refuse_while_blocked(db: Database) {
    let throttles = SeaThrottles::new(db.connection());
    let policy = ThrottlePolicy::default();
    let account = ThrottleKey::login("ada");
    let ip = ThrottleKey::address("192.0.2.1".parse().unwrap());
    let keys = [
        Claim::new(account.clone(), policy),
        Claim::new(ip.clone(), policy),
    ];

    for _ in 0..5 {
        assert_eq!(throttles.claim(&keys, at(0)).await.unwrap(), None);
    }
    // The sixth is granted but blocks both keys for a second at once.
    assert_eq!(throttles.claim(&keys, at(0)).await.unwrap(), None);
    let blocked = throttles.claim(&keys, at(0)).await.unwrap();
    assert_eq!(blocked, Some(at(1)));
    // A refused claim counted nothing: the next one, a second later, earns 2 s.
    assert_eq!(throttles.claim(&keys, at(1)).await.unwrap(), None);
    assert_eq!(throttles.claim(&keys, at(2)).await.unwrap(), Some(at(3)));

    // Giving claims back lifts the block once the count is low enough.
    for _ in 0..2 {
        throttles.forgive(&ip, &policy).await.unwrap();
    }
    assert_eq!(
        throttles
            .blocked_until(std::slice::from_ref(&ip), at(2))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        throttles
            .blocked_until(std::slice::from_ref(&account), at(2))
            .await
            .unwrap(),
        Some(at(3))
    );
    // One blocked key refuses the whole claim, and the free key counts nothing.
    let other = ThrottleKey::address("192.0.2.2".parse().unwrap());
    assert_eq!(
        throttles
            .claim(
                &[
                    Claim::new(account.clone(), policy),
                    Claim::new(other.clone(), policy)
                ],
                at(2)
            )
            .await
            .unwrap(),
        Some(at(3))
    );
    assert_eq!(
        throttles
            .record_failure(&other, at(2), at(0))
            .await
            .unwrap(),
        1
    );
}
on_both_engines!(
    claims,
    super::claims_count_first_block_at_once_and_refuse_while_blocked
);

async fn each_key_of_a_claim_follows_its_own_policy(db: Database) {
    let throttles = SeaThrottles::new(db.connection());
    let strict = ThrottlePolicy {
        free_failures: 1,
        ..ThrottlePolicy::default()
    };
    let generous = ThrottlePolicy {
        free_failures: 100,
        ..ThrottlePolicy::default()
    };
    let pair = ThrottleKey::login("pair");
    let address = ThrottleKey::address("192.0.2.3".parse().unwrap());
    let claims = [
        Claim::new(pair.clone(), strict),
        Claim::new(address.clone(), generous),
    ];
    assert_eq!(throttles.claim(&claims, at(0)).await.unwrap(), None);
    // The second is let through and blocks the strict key alone.
    assert_eq!(throttles.claim(&claims, at(0)).await.unwrap(), None);
    assert_eq!(
        throttles
            .blocked_until(std::slice::from_ref(&pair), at(0))
            .await
            .unwrap(),
        Some(at(1))
    );
    assert_eq!(
        throttles
            .blocked_until(std::slice::from_ref(&address), at(0))
            .await
            .unwrap(),
        None
    );
    // Another account from the same address is not held back by the pair.
    let elsewhere = [
        Claim::new(ThrottleKey::login("other pair"), strict),
        Claim::new(address, generous),
    ];
    assert_eq!(throttles.claim(&elsewhere, at(0)).await.unwrap(), None);
}
on_both_engines!(policies, super::each_key_of_a_claim_follows_its_own_policy);

async fn a_burst_of_parallel_claims_gets_only_the_free_ones_and_one_more(engine: Engine) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let throttles = SeaThrottles::new(test_db.database().connection());
    let policy = ThrottlePolicy::default();
    let key = ThrottleKey::second_factor(portico_kernel::AccountId::generate());

    let tasks: Vec<_> = (0..24)
        .map(|_| {
            let throttles = throttles.clone();
            let key = key.clone();
            tokio::spawn(async move {
                throttles
                    .claim(&[Claim::new(key, policy)], at(0))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut granted = 0;
    for task in tasks {
        if task.await.unwrap().is_none() {
            granted += 1;
        }
    }

    assert_eq!(granted, policy.free_failures + 1);
    test_db.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_claims_on_a_sqlite_file() {
    a_burst_of_parallel_claims_gets_only_the_free_ones_and_one_more(Engine::SqliteFile).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_claims_on_postgres() {
    a_burst_of_parallel_claims_gets_only_the_free_ones_and_one_more(Engine::Postgres).await;
}
