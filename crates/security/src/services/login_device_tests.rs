//! Unit tests of [`super::Logins`]'s known devices: a valid credential is
//! judged by its own counter, a stale or foreign one counts for nothing, and one that
//! sends too many wrong passwords is voided.

use super::tests::{
    Doubles, attempt, clock, ip, keys, known_device, open_throttle, password, right,
};
use super::*;
use crate::devices::MockDeviceRepository;
use crate::events::MockSecurityEventRepository;
use crate::throttle::{MockThrottleRepository, ThrottleKey};
use portico_kernel::TokenDigest;

/// Devices where `device` is the one stored credential; every other call is up to
/// the test.
fn storing(device: KnownDevice) -> MockDeviceRepository {
    let mut devices = MockDeviceRepository::new();
    devices
        .expect_find()
        .returning(move |_| Ok(Some(device.clone())));
    devices
}

#[tokio::test]
async fn a_known_device_is_judged_by_its_own_counter_alone_and_keeps_its_credential() {
    let account = AccountId::generate();
    let token = SecretToken::generate().unwrap();
    let mut doubles = Doubles::for_account(account, right());
    doubles.devices = storing(known_device(&token, account));
    let digest = token.digest();
    doubles
        .devices
        .expect_renew()
        .withf(move |d, a, until| {
            *d == digest && *a == account && *until == clock().now() + DEVICE_LIFETIME
        })
        .times(1)
        .returning(|_, _, _| Ok(true));
    doubles.devices.expect_issue().times(0);
    doubles.throttle = MockThrottleRepository::new();
    let device_key = ThrottleKey::device(&token.digest());
    let claimed = device_key.clone();
    doubles
        .throttle
        .expect_claim()
        .withf(move |claims, _| keys(claims) == [claimed.clone()])
        .times(1)
        .returning(|_, _| Ok(None));
    doubles
        .throttle
        .expect_clear()
        .withf(move |key| *key == device_key)
        .times(1)
        .returning(|_| Ok(()));
    doubles.throttle.expect_forgive().times(0);

    let password = password();
    let opened = doubles
        .service()
        .login(
            attempt("ada", &password, Some(&token)),
            ClientInfo::new(Some(ip()), None),
        )
        .await
        .unwrap();

    assert_eq!(opened.device_token, Some(token));
}

#[tokio::test]
async fn a_device_credential_of_another_account_counts_for_nothing() {
    let account = AccountId::generate();
    let token = SecretToken::generate().unwrap();
    let mut doubles = Doubles::for_account(account, right());
    doubles.devices = storing(known_device(&token, AccountId::generate()));
    doubles.devices.expect_renew().times(0);
    doubles
        .devices
        .expect_issue()
        .times(1)
        .returning(|_| Ok(()));
    doubles.throttle = open_throttle();
    doubles.throttle.checkpoint();
    doubles
        .throttle
        .expect_claim()
        .withf(move |claims, _| keys(claims)[0] == ThrottleKey::account(account))
        .times(1)
        .returning(|_, _| Ok(None));
    doubles.throttle.expect_clear().returning(|_| Ok(()));
    doubles.throttle.expect_forgive().returning(|_, _| Ok(()));

    let password = password();
    let opened = doubles
        .service()
        .login(
            attempt("ada", &password, Some(&token)),
            ClientInfo::new(Some(ip()), None),
        )
        .await
        .unwrap();

    let issued = opened.device_token.unwrap();
    assert_ne!(issued, token, "a fresh credential for this account");
}

#[tokio::test]
async fn a_device_that_sends_too_many_wrong_passwords_is_voided() {
    let account = AccountId::generate();
    let token = SecretToken::generate().unwrap();
    let mut doubles = Doubles::for_account(account, Verification::Mismatch);
    doubles.devices = storing(known_device(&token, account));
    doubles
        .devices
        .expect_count_failure()
        .times(1)
        .returning(|_| Ok(ThrottlePolicies::default().device_failure_limit));
    let digest: TokenDigest = token.digest();
    doubles
        .devices
        .expect_forget()
        .withf(move |d| *d == digest)
        .times(1)
        .returning(|_| Ok(()));
    doubles.events = MockSecurityEventRepository::new();
    doubles
        .events
        .expect_record()
        .withf(|e| e.kind == SecurityEventKind::LoginFailed)
        .times(1)
        .returning(|_| Ok(()));
    doubles
        .events
        .expect_record()
        .withf(|e| e.kind == SecurityEventKind::DeviceForgotten)
        .times(1)
        .returning(|_| Ok(()));

    let password = password();
    let result = doubles
        .service()
        .login(
            attempt("ada", &password, Some(&token)),
            ClientInfo::default(),
        )
        .await;

    assert!(matches!(result, Err(LoginError::InvalidCredentials)));
}

#[tokio::test]
async fn a_device_voided_while_its_login_was_in_flight_gets_a_new_credential() {
    let account = AccountId::generate();
    let token = SecretToken::generate().unwrap();
    let mut doubles = Doubles::for_account(account, right());
    doubles.devices = storing(known_device(&token, account));
    // Gone by the time the login renews it: it is not brought back.
    doubles
        .devices
        .expect_renew()
        .times(1)
        .returning(|_, _, _| Ok(false));
    let old = token.digest();
    doubles
        .devices
        .expect_issue()
        .withf(move |d| d.digest != old)
        .times(1)
        .returning(|_| Ok(()));

    let password = password();
    let opened = doubles
        .service()
        .login(
            attempt("ada", &password, Some(&token)),
            ClientInfo::default(),
        )
        .await
        .unwrap();

    assert_ne!(opened.device_token, Some(token));
}
