//! Unit tests of [`super::SecondFactorLogin`].

use super::*;
use crate::hasher::Verification;
use crate::recovery::RecoveryCode;
use crate::second_factor_code::SecondFactorCode;
use crate::services::test_support::{Doubles, Fixture, client, now, reauth, vault};
use portico_kernel::{SessionId, TokenDigest};
use time::Duration;

fn pending(f: &Fixture) -> Session {
    Session {
        id: SessionId::generate(),
        account: f.account,
        token_digest: TokenDigest::from_stored("pending-digest".into()),
        created_at: now(),
        last_seen_at: now(),
        absolute_expires_at: now() + SessionPolicy::SECOND_FACTOR_WINDOW,
        authenticated_at: now(),
        client: client(),
        second_factor_pending: true,
    }
}

fn doubles(f: &Fixture) -> Doubles {
    Doubles::new(
        Verification::Match {
            needs_rehash: false,
        },
        Some(f.record(true)),
    )
}

fn service(d: Doubles) -> SecondFactorLogin {
    let ports = d.ports();
    SecondFactorLogin::new(
        ports.second_factor_login(),
        vault(),
        reauth(&ports),
        SessionPolicy::default(),
    )
}

#[tokio::test]
async fn a_right_code_completes_the_login_under_a_new_token() {
    let f = Fixture::new();
    let session = pending(&f);
    let mut d = doubles(&f);
    let step = u64::try_from(now().unix_timestamp()).unwrap() / 30;
    let id = session.id;
    d.two_factor
        .expect_complete_login()
        .withf(move |c| {
            c.session == id
                && c.old_digest.as_str() == "pending-digest"
                && c.new_digest.as_str() != "pending-digest"
                && c.proof == SecondFactorProof::Totp { step }
                && c.absolute_expires_at == now() + Duration::hours(12)
                && c.event.kind == SecurityEventKind::LoginSucceeded
                && c.event.detail.as_deref() == Some("factors: password, totp")
        })
        .times(1)
        .returning(|_| Ok(()));

    let opened = service(d)
        .complete(&session, &f.typed_code(), None, &client())
        .await
        .unwrap();

    assert_eq!(opened.session.token_digest, opened.token.digest());
    assert!(!opened.session.second_factor_pending);
    assert_eq!(opened.session.id, session.id);
}

#[tokio::test]
async fn a_wrong_code_is_recorded_and_counted_and_the_session_keeps_waiting() {
    let f = Fixture::new();
    let session = pending(&f);
    let mut d = doubles(&f);
    d.two_factor.expect_complete_login().times(0);
    d.sessions.expect_delete().times(0);
    d.events.checkpoint();
    d.events
        .expect_record()
        .withf(|e| e.kind == SecurityEventKind::LoginFailed)
        .times(1)
        .returning(|_| Ok(()));
    let id = session.id;
    let account = f.account;
    d.throttle.checkpoint();
    d.throttle
        .expect_record_failure()
        .withf(move |key, _, _| *key == ThrottleKey::pending_session(id))
        .times(1)
        .returning(|_, _, _| Ok(2));
    d.throttle
        .expect_claim()
        .withf(move |claims, _| {
            // The account's one budget, and not the address: a shared address never
            // stands between a right code and its login.
            claims.len() == 1 && claims[0].key == ThrottleKey::second_factor(account)
        })
        .times(1)
        .returning(|_, _| Ok(None));
    d.throttle.expect_forgive().times(0);
    d.throttle.expect_clear().times(0);

    let result = service(d)
        .complete(&session, &SecondFactorCode::read("000000"), None, &client())
        .await;

    assert!(matches!(result, Err(SecondFactorError::WrongCode)));
}

#[tokio::test]
async fn the_last_wrong_code_of_the_budget_ends_the_session() {
    let f = Fixture::new();
    let session = pending(&f);
    let mut d = doubles(&f);
    let id = session.id;
    d.throttle.checkpoint();
    d.throttle
        .expect_record_failure()
        .withf(move |key, _, _| *key == ThrottleKey::pending_session(id))
        .returning(|_, _, _| Ok(SessionPolicy::SECOND_FACTOR_BUDGET));
    d.throttle.expect_claim().returning(|_, _| Ok(None));
    d.sessions
        .expect_delete()
        .withf(move |_, session| *session == id)
        .times(1)
        .returning(|_, _| Ok(true));

    let result = service(d)
        .complete(&session, &SecondFactorCode::read("000000"), None, &client())
        .await;

    assert!(matches!(result, Err(SecondFactorError::BudgetExhausted)));
}

#[tokio::test]
async fn attempts_beyond_the_budget_are_refused_unchecked_even_with_the_right_code() {
    let f = Fixture::new();
    let session = pending(&f);
    let mut d = doubles(&f);
    let id = session.id;
    d.throttle.checkpoint();
    // Parallel attempts each count first; the sixth finds the budget spent, and
    // gives the account's claim back unjudged.
    d.throttle
        .expect_record_failure()
        .returning(|_, _, _| Ok(SessionPolicy::SECOND_FACTOR_BUDGET + 1));
    d.throttle
        .expect_claim()
        .times(1)
        .returning(|_, _| Ok(None));
    d.throttle
        .expect_forgive()
        .times(1)
        .returning(|_, _| Ok(()));
    d.two_factor.expect_complete_login().times(0);
    d.sessions
        .expect_delete()
        .withf(move |_, session| *session == id)
        .times(1)
        .returning(|_, _| Ok(true));

    let result = service(d)
        .complete(&session, &f.typed_code(), None, &client())
        .await;

    assert!(matches!(result, Err(SecondFactorError::BudgetExhausted)));
}

#[tokio::test]
async fn a_recovery_code_already_used_counts_as_wrong() {
    let f = Fixture::new();
    let session = pending(&f);
    let mut d = doubles(&f);
    let code = RecoveryCode::generate_set().unwrap().remove(0);
    let digest = code.digest();
    d.two_factor
        .expect_complete_login()
        .withf(move |c| c.proof == SecondFactorProof::RecoveryCode(digest.clone()))
        .returning(|_| Err(GuardedWriteError::FactorUsed));
    d.events.checkpoint();
    d.events
        .expect_record()
        .withf(|e| e.detail.as_deref() == Some("factor: recovery code"))
        .times(1)
        .returning(|_| Ok(()));

    let result = service(d)
        .complete(
            &session,
            &SecondFactorCode::read(code.expose()),
            None,
            &client(),
        )
        .await;

    assert!(matches!(result, Err(SecondFactorError::WrongCode)));
}

#[tokio::test]
async fn a_complete_session_cannot_complete_again() {
    let f = Fixture::new();
    let mut session = pending(&f);
    session.second_factor_pending = false;
    let mut d = doubles(&f);
    d.two_factor.checkpoint();
    d.two_factor.expect_find().times(0);

    let result = service(d)
        .complete(&session, &f.typed_code(), None, &client())
        .await;

    assert!(matches!(result, Err(SecondFactorError::NotPending)));
}

#[tokio::test]
async fn when_two_factor_was_turned_off_meanwhile_the_pending_session_ends() {
    let f = Fixture::new();
    let session = pending(&f);
    let mut d = Doubles::new(
        Verification::Match {
            needs_rehash: false,
        },
        None,
    );
    d.sessions
        .expect_delete()
        .times(1)
        .returning(|_, _| Ok(true));

    let result = service(d)
        .complete(&session, &f.typed_code(), None, &client())
        .await;

    assert!(matches!(result, Err(SecondFactorError::NotPending)));
}

#[tokio::test]
async fn while_the_accounts_budget_is_closed_the_logins_own_attempts_are_not_spent() {
    let f = Fixture::new();
    let session = pending(&f);
    let mut d = doubles(&f);
    let until = now() + Duration::minutes(1);
    d.throttle.checkpoint();
    d.throttle
        .expect_claim()
        .withf(|claims, _| claims[0].key.as_str().starts_with("second-factor:"))
        .returning(move |_, _| Ok(Some(until)));
    d.throttle.expect_claim().returning(|_, _| Ok(None));
    d.throttle.expect_record_failure().times(0);
    d.two_factor.expect_complete_login().times(0);

    let result = service(d)
        .complete(&session, &f.typed_code(), None, &client())
        .await;

    assert!(matches!(result, Err(SecondFactorError::Throttled { .. })));
}
