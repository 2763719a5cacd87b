//! Unit tests of [`super::Reauthentication`].

use super::*;
use crate::hasher::Verification;
use crate::services::test_doubles::{Doubles, Fixture, client, now, reauth};
use crate::throttle::MockThrottleRepository;

fn password() -> Password {
    Password::new("violet tractor sings".into())
}

#[tokio::test]
async fn a_wrong_password_is_counted_per_account_and_address_and_recorded() {
    let f = Fixture::new();
    let mut d = Doubles::new(Verification::Mismatch, Some(f.record(true)));
    d.two_factor.checkpoint();
    d.two_factor.expect_find().times(0);
    d.events.checkpoint();
    d.events
        .expect_record()
        .withf(|e| {
            e.kind == SecurityEventKind::ReauthenticationFailed
                && e.detail.as_deref() == Some("username change: wrong password")
        })
        .times(1)
        .returning(|_| Ok(()));
    let mut throttle = MockThrottleRepository::new();
    throttle.expect_blocked_until().returning(|_, _| Ok(None));
    let account = f.account;
    throttle
        .expect_record_failure()
        .withf(move |key, _, _| {
            *key == ThrottleKey::account(account)
                || *key == ThrottleKey::address("192.0.2.5".parse().unwrap())
        })
        .times(2)
        .returning(|_, _, _| Ok(1));
    d.throttle = throttle;
    let ports = d.ports();

    let result = reauth(&ports)
        .verify(
            f.account,
            &password(),
            Some(f.code().as_str()),
            &client(),
            "username change",
        )
        .await;

    assert!(matches!(result, Err(ReauthError::WrongPassword)));
}

#[tokio::test]
async fn with_two_factor_on_a_missing_code_is_refused_without_counting() {
    let f = Fixture::new();
    let mut d = Doubles::new(
        Verification::Match {
            needs_rehash: false,
        },
        Some(f.record(true)),
    );
    d.throttle.checkpoint();
    d.throttle.expect_blocked_until().returning(|_, _| Ok(None));
    d.throttle.expect_record_failure().times(0);
    let ports = d.ports();

    let result = reauth(&ports)
        .verify(f.account, &password(), None, &client(), "username change")
        .await;

    assert!(matches!(result, Err(ReauthError::CodeRequired)));
}

#[tokio::test]
async fn with_two_factor_on_a_wrong_code_is_counted() {
    let f = Fixture::new();
    let mut d = Doubles::new(
        Verification::Match {
            needs_rehash: false,
        },
        Some(f.record(true)),
    );
    d.throttle.checkpoint();
    d.throttle.expect_blocked_until().returning(|_, _| Ok(None));
    d.throttle
        .expect_record_failure()
        .times(2)
        .returning(|_, _, _| Ok(1));
    let ports = d.ports();
    let stale = f.seed.code_at(now() - time::Duration::minutes(3)).unwrap();

    let result = reauth(&ports)
        .verify(f.account, &password(), Some(stale.as_str()), &client(), "x")
        .await;

    assert!(matches!(result, Err(ReauthError::WrongCode)));
}

#[tokio::test]
async fn the_right_password_and_code_give_the_step_to_use_up() {
    let f = Fixture::new();
    let d = Doubles::new(
        Verification::Match {
            needs_rehash: false,
        },
        Some(f.record(true)),
    );
    let ports = d.ports();

    let verified = reauth(&ports)
        .verify(
            f.account,
            &password(),
            Some(f.code().as_str()),
            &client(),
            "x",
        )
        .await
        .unwrap();

    let step = u64::try_from(now().unix_timestamp()).unwrap() / 30;
    assert_eq!(verified.proof, Some(SecondFactorProof::Totp { step }));
}

#[tokio::test]
async fn without_two_factor_the_password_is_enough_and_a_pending_enrolment_does_not_count() {
    let f = Fixture::new();
    let d = Doubles::new(
        Verification::Match {
            needs_rehash: false,
        },
        Some(f.record(false)),
    );
    let ports = d.ports();

    let verified = reauth(&ports)
        .verify(f.account, &password(), None, &client(), "x")
        .await
        .unwrap();

    assert_eq!(verified.proof, None);
}

#[tokio::test]
async fn a_blocked_account_is_refused_before_hashing() {
    let f = Fixture::new();
    let mut d = Doubles::new(
        Verification::Match {
            needs_rehash: false,
        },
        None,
    );
    d.hasher.checkpoint();
    d.hasher.expect_verify().times(0);
    let until = now() + time::Duration::seconds(4);
    d.throttle.checkpoint();
    d.throttle
        .expect_blocked_until()
        .returning(move |_, _| Ok(Some(until)));
    let ports = d.ports();

    let result = reauth(&ports)
        .verify(f.account, &password(), None, &client(), "x")
        .await;

    assert!(matches!(
        result,
        Err(ReauthError::Throttled { retry_after }) if retry_after == time::Duration::seconds(4)
    ));
}
