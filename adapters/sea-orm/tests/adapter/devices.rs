use portico_kernel::{AccountId, SecretToken};
use portico_sea_orm::{Database, SeaDevices};
use portico_security::devices::DEVICES_PER_ACCOUNT;
use portico_security::{DeviceRepository, KnownDevice};
use time::Duration;

use crate::support::{at, on_both_engines, registered};

fn device(account: AccountId, created_second: i64) -> KnownDevice {
    KnownDevice {
        digest: SecretToken::generate().unwrap().digest(),
        account,
        created_at: at(created_second),
        expires_at: at(created_second) + Duration::days(90),
    }
}

async fn a_device_is_found_by_its_digest_counts_failures_and_can_be_voided(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let devices = SeaDevices::new(db.connection());
    let known = device(account, 0);
    devices.issue(&known).await.unwrap();

    assert_eq!(
        devices.find(&known.digest).await.unwrap(),
        Some(known.clone())
    );
    assert_eq!(devices.count_failure(&known.digest).await.unwrap(), 1);
    assert_eq!(devices.count_failure(&known.digest).await.unwrap(), 2);
    // Renewed (a right password): its expiry moves; its failures stay counted, so
    // a thief sharing it gains nothing from the owner's logins.
    let later = at(100) + Duration::days(90);
    assert!(devices.renew(&known.digest, account, later).await.unwrap());
    let found = devices.find(&known.digest).await.unwrap().unwrap();
    assert_eq!(found.expires_at, later);
    assert_eq!(found.created_at, known.created_at);
    assert_eq!(devices.count_failure(&known.digest).await.unwrap(), 3);
    // Another account's login cannot renew it.
    let other = registered(&db, "grace", "grace@example.com").await;
    assert!(!devices.renew(&known.digest, other, later).await.unwrap());

    devices.forget(&known.digest).await.unwrap();
    assert_eq!(devices.find(&known.digest).await.unwrap(), None);
    assert_eq!(devices.count_failure(&known.digest).await.unwrap(), 0);
    // A voided credential is never brought back by a renewal in flight.
    assert!(!devices.renew(&known.digest, account, later).await.unwrap());
    assert_eq!(devices.find(&known.digest).await.unwrap(), None);
}
on_both_engines!(
    find_count_forget,
    super::a_device_is_found_by_its_digest_counts_failures_and_can_be_voided
);

async fn an_account_keeps_only_its_most_recently_used_unexpired_devices(db: Database) {
    let ada = registered(&db, "ada", "ada@example.com").await;
    let grace = registered(&db, "grace", "grace@example.com").await;
    let devices = SeaDevices::new(db.connection());
    let graces = device(grace, 0);
    devices.issue(&graces).await.unwrap();
    let expired = KnownDevice {
        expires_at: at(5),
        ..device(ada, 0)
    };
    devices.issue(&expired).await.unwrap();
    let mut adas = Vec::new();
    for second in 1..=i64::from(DEVICES_PER_ACCOUNT) + 2 {
        let known = device(ada, second * 10);
        devices.issue(&known).await.unwrap();
        adas.push(known);
    }

    assert_eq!(devices.find(&expired.digest).await.unwrap(), None);
    for pushed_out in &adas[..2] {
        assert_eq!(devices.find(&pushed_out.digest).await.unwrap(), None);
    }
    for kept in &adas[2..] {
        assert!(devices.find(&kept.digest).await.unwrap().is_some());
    }
    // The oldest device still kept logs in again: its use keeps it, and the least
    // recently used one makes way for the next new device.
    let oldest_kept = &adas[2];
    assert!(
        devices
            .renew(&oldest_kept.digest, ada, at(10_000) + Duration::days(90))
            .await
            .unwrap()
    );
    devices.issue(&device(ada, 20_000)).await.unwrap();
    assert!(devices.find(&oldest_kept.digest).await.unwrap().is_some());
    assert_eq!(devices.find(&adas[3].digest).await.unwrap(), None);
    assert!(
        devices.find(&graces.digest).await.unwrap().is_some(),
        "another account's devices are untouched"
    );
}
on_both_engines!(
    pruning,
    super::an_account_keeps_only_its_most_recently_used_unexpired_devices
);
