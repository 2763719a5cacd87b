//! Unit tests of [`super::Reauthentication`].

use super::*;
use crate::hasher::Verification;
use crate::services::test_doubles::{Doubles, Fixture, client, now, reauth};
use crate::throttle::MockThrottleRepository;

fn password() -> Password {
    Password::new("violet tractor sings".into())
}

fn right() -> Verification {
    Verification::Match {
        needs_rehash: false,
    }
}

/// A throttle that expects one claim under the account and the client's address, and
/// the claim given back (`succeeds`) or kept.
fn claimed_once(account: AccountId, succeeds: bool) -> MockThrottleRepository {
    let mut throttle = MockThrottleRepository::new();
    let keys = vec![
        ThrottleKey::account(account),
        ThrottleKey::address("192.0.2.5".parse().unwrap()),
    ];
    throttle
        .expect_claim()
        .withf(move |claimed, _, _| claimed == keys.as_slice())
        .times(1)
        .returning(|_, _, _| Ok(None));
    throttle
        .expect_clear()
        .withf(move |key| *key == ThrottleKey::account(account))
        .times(usize::from(succeeds))
        .returning(|_| Ok(()));
    throttle
        .expect_forgive()
        .times(usize::from(succeeds))
        .returning(|_, _| Ok(()));
    throttle.expect_record_failure().times(0);
    throttle
}

#[tokio::test]
async fn a_wrong_password_keeps_its_claim_and_is_recorded() {
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
    d.throttle = claimed_once(f.account, false);
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
async fn with_two_factor_on_a_missing_code_is_refused_and_not_counted() {
    let f = Fixture::new();
    let mut d = Doubles::new(right(), Some(f.record(true)));
    d.throttle = claimed_once(f.account, true);
    let ports = d.ports();

    let result = reauth(&ports)
        .verify(f.account, &password(), None, &client(), "username change")
        .await;

    assert!(matches!(result, Err(ReauthError::CodeRequired)));
}

#[tokio::test]
async fn with_two_factor_on_a_wrong_code_keeps_its_claim() {
    let f = Fixture::new();
    let mut d = Doubles::new(right(), Some(f.record(true)));
    d.throttle = claimed_once(f.account, false);
    let ports = d.ports();
    let stale = f.seed.code_at(now() - time::Duration::minutes(3)).unwrap();

    let result = reauth(&ports)
        .verify(f.account, &password(), Some(stale.as_str()), &client(), "x")
        .await;

    assert!(matches!(result, Err(ReauthError::WrongCode)));
}

#[tokio::test]
async fn the_right_password_and_code_give_the_step_to_use_up_and_the_claim_back() {
    let f = Fixture::new();
    let mut d = Doubles::new(right(), Some(f.record(true)));
    d.throttle = claimed_once(f.account, true);
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
    let d = Doubles::new(right(), Some(f.record(false)));
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
    let mut d = Doubles::new(right(), None);
    d.hasher.checkpoint();
    d.hasher.expect_verify().times(0);
    let until = now() + time::Duration::seconds(4);
    d.throttle.checkpoint();
    d.throttle
        .expect_claim()
        .returning(move |_, _, _| Ok(Some(until)));
    let ports = d.ports();

    let result = reauth(&ports)
        .verify(f.account, &password(), None, &client(), "x")
        .await;

    assert!(matches!(
        result,
        Err(ReauthError::Throttled { retry_after }) if retry_after == time::Duration::seconds(4)
    ));
}
