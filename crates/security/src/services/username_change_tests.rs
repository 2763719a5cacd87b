//! Unit tests of [`super::UsernameChanges`].

use super::*;
use crate::hasher::Verification;
use crate::services::test_support::{Doubles, Fixture, client, now, reauth};
use crate::two_factor::SecondFactorProof;

fn name(text: &str) -> Username {
    Username::parse(text).unwrap()
}

fn service(d: Doubles) -> UsernameChanges {
    let ports = d.ports();
    UsernameChanges::new(ports.username_change(), reauth(&ports))
}

fn password() -> Password {
    Password::new("violet tractor sings".into())
}

fn right() -> Verification {
    Verification::Match {
        needs_rehash: false,
    }
}

#[tokio::test]
async fn a_change_writes_name_proof_event_and_notice_together() {
    let f = Fixture::new();
    let mut d = Doubles::new(right(), Some(f.record(true)));
    let step = u64::try_from(now().unix_timestamp()).unwrap() / 30;
    d.usernames
        .expect_change_username()
        .withf(move |c| {
            c.username.as_str() == "ada.lovelace"
                && c.proof == Some(SecondFactorProof::Totp { step })
                && c.event.kind == SecurityEventKind::UsernameChanged
                && c.event.detail.as_deref() == Some("from ada to ada.lovelace")
                && c.notices[0].template == "username_changed"
                && c.notices[0].to.as_str() == "ada@example.com"
        })
        .times(1)
        .returning(|_| Ok(()));

    let username = service(d)
        .change(
            f.caller(),
            name("ada.lovelace"),
            &password(),
            Some(&f.typed_code()),
            &client(),
        )
        .await
        .unwrap();

    assert_eq!(username.as_str(), "ada.lovelace");
}

#[tokio::test]
async fn with_two_factor_on_the_code_is_required() {
    let f = Fixture::new();
    let mut d = Doubles::new(right(), Some(f.record(true)));
    d.usernames.expect_change_username().times(0);

    let result = service(d)
        .change(
            f.caller(),
            name("ada.lovelace"),
            &password(),
            None,
            &client(),
        )
        .await;

    assert!(matches!(
        result,
        Err(UsernameChangeError::Reauth(ReauthError::CodeRequired))
    ));
}

#[tokio::test]
async fn an_unchanged_name_is_refused_before_the_password_is_checked() {
    let f = Fixture::new();
    let mut d = Doubles::new(right(), None);
    d.hasher.checkpoint();
    d.hasher.expect_verify().times(0);
    d.usernames.expect_change_username().times(0);
    let service = service(d);

    let unchanged = service
        .change(f.caller(), name("ada"), &password(), None, &client())
        .await;

    assert!(matches!(unchanged, Err(UsernameChangeError::Unchanged)));
}

#[tokio::test]
async fn a_taken_name_changes_nothing() {
    let f = Fixture::new();
    let mut d = Doubles::new(right(), None);
    d.usernames
        .expect_change_username()
        .returning(|_| Err(UsernameWriteError::Taken));

    let result = service(d)
        .change(f.caller(), name("grace"), &password(), None, &client())
        .await;

    assert!(matches!(result, Err(UsernameChangeError::Taken)));
}

#[tokio::test]
async fn a_code_used_meanwhile_counts_as_a_wrong_code() {
    let f = Fixture::new();
    let mut d = Doubles::new(right(), Some(f.record(true)));
    d.usernames
        .expect_change_username()
        .returning(|_| Err(UsernameWriteError::FactorUsed));

    let result = service(d)
        .change(
            f.caller(),
            name("grace"),
            &password(),
            Some(&f.typed_code()),
            &client(),
        )
        .await;

    assert!(matches!(
        result,
        Err(UsernameChangeError::Reauth(ReauthError::WrongCode))
    ));
}

/// A throttle that grants every claim and expects the account's second-factor
/// budget to be cleared `cleared` times and given back `given_back` times.
fn budget(
    f: &Fixture,
    cleared: usize,
    given_back: usize,
) -> crate::throttle::MockThrottleRepository {
    use crate::throttle::ThrottleKey;
    let account = f.account;
    let mut throttle = crate::throttle::MockThrottleRepository::new();
    throttle.expect_claim().returning(|_, _| Ok(None));
    throttle
        .expect_clear()
        .withf(move |key| *key == ThrottleKey::second_factor(account))
        .times(cleared)
        .returning(|_| Ok(()));
    throttle.expect_clear().returning(|_| Ok(()));
    throttle
        .expect_forgive()
        .withf(move |key, _| *key == ThrottleKey::second_factor(account))
        .times(given_back)
        .returning(|_, _| Ok(()));
    throttle.expect_forgive().returning(|_, _| Ok(()));
    throttle
}

#[tokio::test]
async fn the_budget_is_restored_only_once_the_change_used_the_code_up() {
    for (written, cleared, given_back) in [
        (Ok(()), 1, 0),
        (Err(UsernameWriteError::FactorUsed), 0, 0),
        (Err(UsernameWriteError::Taken), 0, 1),
    ] {
        let f = Fixture::new();
        let mut d = Doubles::new(right(), Some(f.record(true)));
        let outcome = std::sync::Mutex::new(Some(written));
        d.usernames
            .expect_change_username()
            .returning(move |_| outcome.lock().unwrap().take().unwrap());
        d.throttle = budget(&f, cleared, given_back);

        let _ = service(d)
            .change(
                f.caller(),
                name("grace"),
                &password(),
                Some(&SecondFactorCode::read("AAAA-BBBB-CCCC-DDDD")),
                &client(),
            )
            .await;
    }
}
