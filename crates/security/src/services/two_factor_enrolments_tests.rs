//! Unit tests of [`super::TwoFactorEnrolments`].

use super::*;
use crate::hasher::Verification;
use crate::second_factor_code::SecondFactorCode;
use crate::services::test_support::{Doubles, Fixture, client, now, reauth, vault};
use crate::two_factor::SecondFactorProof;
use portico_kernel::TokenDigest;

fn service(d: Doubles) -> TwoFactorEnrolments {
    let ports = d.ports();
    TwoFactorEnrolments::new(ports.two_factor_enrolment(), vault(), reauth(&ports))
}

fn right_password() -> Verification {
    Verification::Match {
        needs_rehash: false,
    }
}

fn password() -> Password {
    Password::new("violet tractor sings".into())
}

fn step() -> u64 {
    u64::try_from(now().unix_timestamp()).unwrap() / 30
}

#[tokio::test]
async fn enrolment_stores_a_sealed_seed_and_shows_it_as_secret_uri_and_qr() {
    let f = Fixture::new();
    let mut d = Doubles::new(right_password(), None);
    let account = f.account;
    let stored = Arc::new(std::sync::Mutex::new(None));
    let keep = stored.clone();
    d.two_factor
        .expect_start_enrolment()
        .times(1)
        .returning(move |_, sealed, _| {
            *keep.lock().unwrap() = Some(sealed.clone());
            Ok(true)
        });

    let enrolment = service(d).start_enrolment(account).await.unwrap();

    let sealed = stored.lock().unwrap().clone().unwrap();
    let seed = vault().open(account, &sealed).unwrap();
    assert_eq!(enrolment.secret, seed.to_base32());
    assert!(
        enrolment
            .otpauth_uri
            .starts_with("otpauth://totp/Portico:ada?")
    );
    assert!(enrolment.otpauth_uri.contains(&enrolment.secret));
    assert!(enrolment.qr_svg.starts_with("<svg"));
    assert!(!format!("{enrolment:?}").contains(&enrolment.secret));
}

#[tokio::test]
async fn enrolment_is_refused_while_two_factor_is_on() {
    let f = Fixture::new();
    let mut d = Doubles::new(right_password(), None);
    d.two_factor
        .expect_start_enrolment()
        .returning(|_, _, _| Ok(false));

    let result = service(d).start_enrolment(f.account).await;

    assert!(matches!(result, Err(TwoFactorError::AlreadyEnabled)));
}

#[tokio::test]
async fn a_right_code_turns_two_factor_on_with_ten_recovery_codes_an_event_and_a_notice() {
    let f = Fixture::new();
    let mut d = Doubles::new(right_password(), Some(f.record(false)));
    let seen = Arc::new(std::sync::Mutex::new(Vec::<TokenDigest>::new()));
    let keep = seen.clone();
    d.two_factor
        .expect_enable()
        .withf(|e| {
            e.step == step()
                && e.event.kind == SecurityEventKind::TwoFactorEnabled
                && e.notices[0].to.as_str() == "ada@example.com"
                && e.notices[0].template == "two_factor_enabled"
        })
        .times(1)
        .returning(move |e| {
            *keep.lock().unwrap() = e.recovery_codes.clone();
            Ok(())
        });

    let codes = service(d)
        .confirm(f.account, &f.typed_code(), &client())
        .await
        .unwrap();

    assert_eq!(codes.len(), 10);
    let digests: Vec<_> = codes.iter().map(RecoveryCode::digest).collect();
    assert_eq!(*seen.lock().unwrap(), digests);
}

#[tokio::test]
async fn a_wrong_code_leaves_two_factor_off_and_is_counted() {
    let f = Fixture::new();
    let account = f.account;
    let mut d = Doubles::new(right_password(), Some(f.record(false)));
    d.two_factor.expect_enable().times(0);
    d.throttle.checkpoint();
    d.throttle
        .expect_claim()
        .withf(move |claims, _| {
            claims.len() == 1
                && claims[0].key == crate::throttle::ThrottleKey::second_factor(account)
        })
        .times(1)
        .returning(|_, _| Ok(None));
    d.throttle.expect_forgive().times(0);
    d.throttle.expect_clear().times(0);
    let old = f.seed.code_at(now() - time::Duration::minutes(2)).unwrap();

    let result = service(d)
        .confirm(f.account, &SecondFactorCode::read(old.as_str()), &client())
        .await;

    assert!(matches!(
        result,
        Err(TwoFactorError::Reauth(ReauthError::WrongCode))
    ));
}

#[tokio::test]
async fn confirming_an_enrolment_replaced_meanwhile_changes_nothing() {
    let f = Fixture::new();
    let mut d = Doubles::new(right_password(), Some(f.record(false)));
    d.two_factor
        .expect_enable()
        .returning(|_| Err(GuardedWriteError::Stale));

    let result = service(d)
        .confirm(f.account, &f.typed_code(), &client())
        .await;

    assert!(matches!(result, Err(TwoFactorError::NoEnrolment)));
}

#[tokio::test]
async fn confirming_without_an_enrolment_or_when_on_is_refused() {
    let f = Fixture::new();
    let none = Doubles::new(right_password(), None);
    let on = Doubles::new(right_password(), Some(f.record(true)));

    let first = service(none)
        .confirm(f.account, &SecondFactorCode::read("123456"), &client())
        .await;
    let second = service(on)
        .confirm(f.account, &SecondFactorCode::read("123456"), &client())
        .await;

    assert!(matches!(first, Err(TwoFactorError::NoEnrolment)));
    assert!(matches!(second, Err(TwoFactorError::AlreadyEnabled)));
}

#[tokio::test]
async fn turning_off_uses_up_the_code_and_records_and_notifies() {
    let f = Fixture::new();
    let mut d = Doubles::new(right_password(), Some(f.record(true)));
    d.two_factor
        .expect_disable()
        .withf(|c| {
            c.proof == SecondFactorProof::Totp { step: step() }
                && c.event.kind == SecurityEventKind::TwoFactorDisabled
                && c.notices[0].template == "two_factor_disabled"
        })
        .times(1)
        .returning(|_| Ok(()));

    service(d)
        .disable(f.caller(), &password(), &f.typed_code(), &client())
        .await
        .unwrap();
}

#[tokio::test]
async fn turning_off_with_a_wrong_password_changes_nothing() {
    let f = Fixture::new();
    let mut d = Doubles::new(Verification::Mismatch, Some(f.record(true)));
    d.two_factor.expect_disable().times(0);

    let result = service(d)
        .disable(f.caller(), &password(), &f.typed_code(), &client())
        .await;

    assert!(matches!(
        result,
        Err(TwoFactorError::Reauth(ReauthError::WrongPassword))
    ));
}

#[tokio::test]
async fn turning_off_when_off_is_refused() {
    let f = Fixture::new();
    let mut d = Doubles::new(right_password(), None);
    d.two_factor.expect_disable().times(0);

    let result = service(d)
        .disable(
            f.caller(),
            &password(),
            &SecondFactorCode::read("123456"),
            &client(),
        )
        .await;

    assert!(matches!(result, Err(TwoFactorError::NotEnabled)));
}

#[tokio::test]
async fn a_code_used_by_a_concurrent_request_counts_as_wrong() {
    let f = Fixture::new();
    let mut d = Doubles::new(right_password(), Some(f.record(true)));
    d.two_factor
        .expect_renew_recovery_codes()
        .returning(|_, _| Err(GuardedWriteError::FactorUsed));
    // The code's claim on the second-factor budget stands until the change is
    // written; lost to a concurrent request, it stays spent and is never cleared.
    let account = f.account;
    d.throttle.checkpoint();
    d.throttle.expect_claim().returning(|_, _| Ok(None));
    d.throttle
        .expect_clear()
        .withf(move |key| *key == crate::throttle::ThrottleKey::second_factor(account))
        .times(0);
    d.throttle.expect_clear().returning(|_| Ok(()));
    d.throttle.expect_forgive().returning(|_, _| Ok(()));

    let result = service(d)
        .renew_recovery_codes(f.caller(), &password(), &f.typed_code(), &client())
        .await;

    assert!(matches!(
        result,
        Err(TwoFactorError::Reauth(ReauthError::WrongCode))
    ));
}

#[tokio::test]
async fn renewal_returns_the_codes_whose_digests_replace_the_old_ones() {
    let f = Fixture::new();
    let mut d = Doubles::new(right_password(), Some(f.record(true)));
    let seen = Arc::new(std::sync::Mutex::new(Vec::<TokenDigest>::new()));
    let keep = seen.clone();
    d.two_factor
        .expect_renew_recovery_codes()
        .withf(|c, _| c.event.kind == SecurityEventKind::RecoveryCodesRenewed)
        .times(1)
        .returning(move |_, codes| {
            *keep.lock().unwrap() = codes.to_vec();
            Ok(())
        });

    let codes = service(d)
        .renew_recovery_codes(f.caller(), &password(), &f.typed_code(), &client())
        .await
        .unwrap();

    let digests: Vec<_> = codes.iter().map(RecoveryCode::digest).collect();
    assert_eq!(*seen.lock().unwrap(), digests);
}

#[tokio::test]
async fn status_reports_on_pending_and_codes_left() {
    let f = Fixture::new();
    let mut on = Doubles::new(right_password(), Some(f.record(true)));
    on.two_factor
        .expect_recovery_codes_left()
        .returning(|_| Ok(7));
    let pending = Doubles::new(right_password(), Some(f.record(false)));

    let on = service(on).status(f.account).await.unwrap();
    let pending = service(pending).status(f.account).await.unwrap();

    assert_eq!(
        on,
        TwoFactorStatus {
            enabled: true,
            enabled_at: Some(now()),
            enrolment_pending: false,
            recovery_codes_left: 7
        }
    );
    assert!(!pending.enabled && pending.enrolment_pending && pending.recovery_codes_left == 0);
}
