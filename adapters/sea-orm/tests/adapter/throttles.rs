use portico_sea_orm::testing::{Engine, TestDatabase};
use portico_sea_orm::{Database, SeaThrottles};
use portico_security::{ThrottleKey, ThrottleRepository};

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
