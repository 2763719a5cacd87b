//! Unit tests of [`super::Reauthentication`].

use super::*;
use crate::hasher::Verification;
use crate::services::test_support::{Doubles, Fixture, client, now, reauth};
use crate::throttle::{MockThrottleRepository, ThrottleKey};

fn password() -> Password {
    Password::new("violet tractor sings".into())
}

fn right() -> Verification {
    Verification::Match {
        needs_rehash: false,
    }
}

/// What a test expects of the counters: the password claimed under the session's
/// own counter, then settled (`Settled`), given back (`GivenBack`) or kept; and the
/// second-factor budget claimed (`code_claimed`), never cleared before the change
/// that uses the code is written.
#[derive(Clone, Copy)]
enum PasswordClaim {
    Kept,
    Settled,
    GivenBack,
}

fn counters(f: &Fixture, password: PasswordClaim, code_claimed: bool) -> MockThrottleRepository {
    let account = f.account;
    let mut throttle = MockThrottleRepository::new();
    let password_keys = vec![ThrottleKey::session(f.session)];
    throttle
        .expect_claim()
        .withf(move |claims, _| {
            claims.iter().map(|c| c.key.clone()).collect::<Vec<_>>() == password_keys
        })
        .times(1)
        .returning(|_, _| Ok(None));
    throttle
        .expect_claim()
        .withf(move |claims, _| claims[0].key == ThrottleKey::second_factor(account))
        .times(usize::from(code_claimed))
        .returning(|_, _| Ok(None));
    let (cleared, forgiven) = match password {
        PasswordClaim::Kept => (0, 0),
        PasswordClaim::Settled => (1, 0),
        PasswordClaim::GivenBack => (0, 1),
    };
    let session = f.session;
    throttle
        .expect_clear()
        .withf(move |key| *key == ThrottleKey::session(session))
        .times(cleared)
        .returning(|_| Ok(()));
    throttle
        .expect_clear()
        .withf(move |key| *key == ThrottleKey::second_factor(account))
        .times(0);
    throttle
        .expect_forgive()
        .times(forgiven)
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
    d.throttle = counters(&f, PasswordClaim::Kept, false);
    let ports = d.ports();

    let result = reauth(&ports)
        .verify(
            f.caller(),
            &password(),
            Some(&f.typed_code()),
            &client(),
            GuardedAction::UsernameChange,
        )
        .await;

    assert!(matches!(result, Err(ReauthError::WrongPassword)));
}

#[tokio::test]
async fn with_two_factor_on_a_missing_code_is_refused_and_clears_no_counter() {
    let f = Fixture::new();
    let mut d = Doubles::new(right(), Some(f.record(true)));
    d.throttle = counters(&f, PasswordClaim::GivenBack, false);
    let ports = d.ports();

    let result = reauth(&ports)
        .verify(
            f.caller(),
            &password(),
            None,
            &client(),
            GuardedAction::UsernameChange,
        )
        .await;

    assert!(matches!(result, Err(ReauthError::CodeRequired)));
}

#[tokio::test]
async fn with_two_factor_on_a_wrong_code_spends_the_second_factor_budget() {
    let f = Fixture::new();
    let mut d = Doubles::new(right(), Some(f.record(true)));
    d.throttle = counters(&f, PasswordClaim::Settled, true);
    let ports = d.ports();
    let stale = f.seed.code_at(now() - time::Duration::minutes(3)).unwrap();

    let result = reauth(&ports)
        .verify(
            f.caller(),
            &password(),
            Some(&SecondFactorCode::read(stale.as_str())),
            &client(),
            GuardedAction::UsernameChange,
        )
        .await;

    assert!(matches!(result, Err(ReauthError::WrongCode)));
}

#[tokio::test]
async fn the_right_password_and_code_give_the_step_to_use_up_and_keep_the_budgets_claim() {
    let f = Fixture::new();
    let mut d = Doubles::new(right(), Some(f.record(true)));
    d.throttle = counters(&f, PasswordClaim::Settled, true);
    let ports = d.ports();

    let verified = reauth(&ports)
        .verify(
            f.caller(),
            &password(),
            Some(&f.typed_code()),
            &client(),
            GuardedAction::UsernameChange,
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
        .verify(
            f.caller(),
            &password(),
            None,
            &client(),
            GuardedAction::StepUp,
        )
        .await
        .unwrap();

    assert_eq!(verified.proof, None);
}

#[tokio::test]
async fn a_blocked_account_is_refused_before_hashing_and_the_refusal_noted() {
    let f = Fixture::new();
    let mut d = Doubles::new(right(), None);
    d.hasher.checkpoint();
    d.hasher.expect_verify().times(0);
    let until = now() + time::Duration::seconds(4);
    d.throttle.checkpoint();
    d.throttle
        .expect_claim()
        .withf(|claims, _| !claims[0].key.as_str().starts_with("refusal:"))
        .returning(move |_, _| Ok(Some(until)));
    d.throttle.expect_claim().returning(|_, _| Ok(None));
    d.events.checkpoint();
    d.events
        .expect_record()
        .withf(|e| e.kind == SecurityEventKind::AttemptThrottled)
        .times(1)
        .returning(|_| Ok(()));
    let ports = d.ports();

    let result = reauth(&ports)
        .verify(
            f.caller(),
            &password(),
            None,
            &client(),
            GuardedAction::StepUp,
        )
        .await;

    assert!(matches!(
        result,
        Err(ReauthError::Throttled { retry_after }) if retry_after == time::Duration::seconds(4)
    ));
}

#[tokio::test]
async fn a_made_up_recovery_code_is_passed_on_with_its_claim_standing() {
    let f = Fixture::new();
    let mut d = Doubles::new(right(), Some(f.record(true)));
    d.throttle = counters(&f, PasswordClaim::Settled, true);
    let ports = d.ports();

    let verified = reauth(&ports)
        .verify(
            f.caller(),
            &password(),
            Some(&SecondFactorCode::read("AAAA-BBBB-CCCC-DDDD")),
            &client(),
            GuardedAction::UsernameChange,
        )
        .await
        .unwrap();

    // Only storage can tell whether it exists; until then the budget is spent.
    assert!(matches!(
        verified.proof,
        Some(SecondFactorProof::RecoveryCode(_))
    ));
}

#[test]
fn each_guarded_action_is_named_in_the_audit_trail_as_it_always_was() {
    let names = [
        GuardedAction::StepUp,
        GuardedAction::UsernameChange,
        GuardedAction::RecoveryCodeRenewal,
        GuardedAction::TwoFactorRemoval,
        GuardedAction::TwoFactorConfirmation,
    ]
    .map(GuardedAction::describe);
    assert_eq!(
        names,
        [
            "re-authentication",
            "username change",
            "recovery code renewal",
            "two-factor removal",
            "two-factor confirmation",
        ]
    );
}
