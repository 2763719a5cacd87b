//! Unit tests of [`super::PasswordResets`].

use super::*;
use crate::hasher::Verification;
use crate::password_policy::PasswordPolicy;
use crate::ports::{PendingReset, StoredCredential};
use crate::second_factor_code::SecondFactorCode;
use crate::services::test_support::{Doubles, Fixture, client, now, reauth, vault};
use crate::two_factor::SecondFactorProof;
use portico_kernel::PasswordHash;

fn service(d: Doubles) -> PasswordResets {
    let ports = d.ports();
    let passwords = Passwords::new(PasswordPolicy::new(8), ports.hasher.clone());
    PasswordResets::new(
        ports.password_reset(),
        vault(),
        reauth(&ports),
        passwords,
        "https://portal.example/",
    )
}

fn doubles(f: &Fixture, two_factor: bool) -> Doubles {
    Doubles::new(
        Verification::Match {
            needs_rehash: false,
        },
        two_factor.then(|| f.record(true)),
    )
}

fn expect_pending(d: &mut Doubles, f: &Fixture, expires_at: time::OffsetDateTime) {
    let account = f.account;
    d.resets
        .expect_find()
        .withf(|digest| *digest == SecretToken::from_client("the-token").digest())
        .returning(move |_| {
            Ok(Some(PendingReset {
                account,
                expires_at,
            }))
        });
}

fn new_password() -> Password {
    Password::new("copper lantern drifts east".into())
}

#[tokio::test]
async fn an_unknown_login_issues_nothing() {
    let f = Fixture::new();
    let mut d = doubles(&f, false);
    d.credentials.expect_find_by_login().returning(|_| Ok(None));
    d.resets.expect_issue().times(0);

    service(d).request_now("nobody", &client()).await.unwrap();
}

#[tokio::test]
async fn a_known_login_gets_a_30_minute_link_whose_token_is_stored_only_as_a_digest() {
    let f = Fixture::new();
    let mut d = doubles(&f, true);
    let account = f.account;
    d.credentials.expect_find_by_login().returning(move |_| {
        Ok(Some(StoredCredential {
            account,
            password_hash: PasswordHash::from_phc("x".into()),
        }))
    });
    d.resets
        .expect_issue()
        .withf(|issue| {
            let sent = issue.mail.secret_delivery.as_ref().unwrap();
            let token = sent
                .text
                .split("reset-password?token=")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .unwrap();
            issue.digest == SecretToken::from_client(token).digest()
                && issue.expires_at == now() + Duration::minutes(30)
                && sent
                    .text
                    .contains("https://portal.example/reset-password?token=")
                && sent.text.contains("two_factor: yes")
                && issue.mail.stored.text.contains("token=REDACTED")
                && issue.event.kind == SecurityEventKind::PasswordResetRequested
        })
        .times(1)
        .returning(|_| Ok(()));

    service(d).request_now("ADA", &client()).await.unwrap();
}

#[tokio::test]
async fn a_second_request_within_a_minute_sends_no_second_mail() {
    let f = Fixture::new();
    let mut d = doubles(&f, false);
    let account = f.account;
    d.credentials.expect_find_by_login().returning(move |_| {
        Ok(Some(StoredCredential {
            account,
            password_hash: PasswordHash::from_phc("x".into()),
        }))
    });
    let until = now() + Duration::seconds(20);
    d.throttle.checkpoint();
    d.throttle
        .expect_claim()
        .withf(move |claims, _| {
            claims
                == [crate::throttle::Claim::new(
                    ThrottleKey::reset_mail(account),
                    ThrottlePolicy::pace(RESET_MAIL_INTERVAL),
                )]
        })
        .returning(move |_, _| Ok(Some(until)));
    d.resets.expect_issue().times(0);

    service(d).request_now("ada", &client()).await.unwrap();
}

#[tokio::test]
async fn an_unknown_or_expired_token_is_refused_and_never_counted_against_the_address() {
    let f = Fixture::new();
    let mut d = doubles(&f, false);
    expect_pending(&mut d, &f, now());
    d.resets.expect_find().returning(|_| Ok(None));
    d.resets.expect_complete().times(0);
    // A reset link is judged by its own budget and the second-factor budget only:
    // password typos from the same address never stand in its way.
    d.throttle.checkpoint();
    d.throttle.expect_claim().times(0);
    d.throttle.expect_forgive().times(0);
    let service = service(d);

    let expired = service
        .confirm(
            &SecretToken::from_client("the-token"),
            &new_password(),
            None,
            &client(),
        )
        .await;
    let unknown = service
        .confirm(
            &SecretToken::from_client("other-token"),
            &new_password(),
            None,
            &client(),
        )
        .await;

    assert!(matches!(expired, Err(ResetError::InvalidToken)));
    assert!(matches!(unknown, Err(ResetError::InvalidToken)));
}

#[tokio::test]
async fn guesses_beyond_the_links_budget_void_it_unchecked() {
    let f = Fixture::new();
    let mut d = doubles(&f, true);
    expect_pending(&mut d, &f, now() + Duration::minutes(10));
    d.resets.expect_complete().times(0);
    d.throttle.checkpoint();
    d.throttle.expect_claim().returning(|_, _| Ok(None));
    // The budget's claim is given back: the code was never judged.
    d.throttle
        .expect_forgive()
        .withf(|key, _| key.as_str().starts_with("second-factor:"))
        .times(1)
        .returning(|_, _| Ok(()));
    d.throttle
        .expect_record_failure()
        .returning(|_, _, _| Ok(RESET_GUESS_BUDGET + 1));
    d.resets.expect_void().times(1).returning(|_| Ok(()));

    let result = service(d)
        .confirm(
            &SecretToken::from_client("the-token"),
            &new_password(),
            Some(&f.typed_code()),
            &client(),
        )
        .await;

    assert!(matches!(result, Err(ResetError::InvalidToken)));
}

#[tokio::test]
async fn with_two_factor_on_the_code_is_required() {
    let f = Fixture::new();
    let mut d = doubles(&f, true);
    expect_pending(&mut d, &f, now() + Duration::minutes(10));
    d.resets.expect_complete().times(0);

    let result = service(d)
        .confirm(
            &SecretToken::from_client("the-token"),
            &new_password(),
            None,
            &client(),
        )
        .await;

    assert!(matches!(result, Err(ResetError::CodeRequired)));
}

#[tokio::test]
async fn a_wrong_code_is_recorded_and_the_fifth_voids_the_link() {
    let f = Fixture::new();
    let mut d = doubles(&f, true);
    expect_pending(&mut d, &f, now() + Duration::minutes(10));
    d.resets.expect_complete().times(0);
    d.events.checkpoint();
    d.events
        .expect_record()
        .withf(|e| e.kind == SecurityEventKind::PasswordResetFailed)
        .returning(|_| Ok(()));
    let link_key = ThrottleKey::reset_link(&SecretToken::from_client("the-token").digest());
    d.throttle.checkpoint();
    d.throttle.expect_claim().returning(|_, _| Ok(None));
    d.throttle
        .expect_record_failure()
        .withf(move |key, _, _| *key == link_key)
        .returning(|_, _, _| Ok(RESET_GUESS_BUDGET));
    d.resets.expect_void().times(1).returning(|_| Ok(()));

    let result = service(d)
        .confirm(
            &SecretToken::from_client("the-token"),
            &new_password(),
            Some(&SecondFactorCode::read("000000")),
            &client(),
        )
        .await;

    assert!(matches!(result, Err(ResetError::WrongCode)));
}

#[tokio::test]
async fn a_reset_sets_the_hash_uses_up_token_and_code_and_notifies() {
    let f = Fixture::new();
    let mut d = doubles(&f, true);
    expect_pending(&mut d, &f, now() + Duration::minutes(10));
    let step = u64::try_from(now().unix_timestamp()).unwrap() / 30;
    d.resets
        .expect_complete()
        .withf(move |c| {
            c.digest == SecretToken::from_client("the-token").digest()
                && c.hash.as_phc() == "$argon2id$new"
                && c.proof == Some(SecondFactorProof::Totp { step })
                && c.event.kind == SecurityEventKind::PasswordReset
                && c.notices[0].template == "password_reset_done"
        })
        .times(1)
        .returning(|_| Ok(()));

    service(d)
        .confirm(
            &SecretToken::from_client("the-token"),
            &new_password(),
            Some(&f.typed_code()),
            &client(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_weak_new_password_changes_nothing() {
    let f = Fixture::new();
    let mut d = doubles(&f, false);
    expect_pending(&mut d, &f, now() + Duration::minutes(10));
    d.resets.expect_complete().times(0);

    let result = service(d)
        .confirm(
            &SecretToken::from_client("the-token"),
            &Password::new("password".into()),
            None,
            &client(),
        )
        .await;

    assert!(matches!(result, Err(ResetError::Rejected(_))));
}

#[tokio::test]
async fn a_token_used_meanwhile_is_invalid() {
    let f = Fixture::new();
    let mut d = doubles(&f, false);
    expect_pending(&mut d, &f, now() + Duration::minutes(10));
    d.resets
        .expect_complete()
        .returning(|_| Err(GuardedWriteError::Stale));

    let result = service(d)
        .confirm(
            &SecretToken::from_client("the-token"),
            &new_password(),
            None,
            &client(),
        )
        .await;

    assert!(matches!(result, Err(ResetError::InvalidToken)));
}

#[tokio::test]
async fn a_code_draws_on_the_accounts_second_factor_budget_and_a_blocked_budget_spends_no_guess() {
    let f = Fixture::new();
    let mut d = doubles(&f, true);
    expect_pending(&mut d, &f, now() + Duration::minutes(10));
    d.resets.expect_complete().times(0);
    let account = f.account;
    let until = now() + Duration::minutes(2);
    d.throttle.checkpoint();
    d.throttle
        .expect_claim()
        .withf(move |claims, _| claims[0].key == ThrottleKey::second_factor(account))
        .times(1)
        .returning(move |_, _| Ok(Some(until)));
    d.throttle
        .expect_claim()
        .withf(|claims, _| claims[0].key.as_str().starts_with("refusal:"))
        .returning(|_, _| Ok(None));
    d.throttle.expect_record_failure().times(0);

    let result = service(d)
        .confirm(
            &SecretToken::from_client("the-token"),
            &new_password(),
            Some(&f.typed_code()),
            &client(),
        )
        .await;

    assert!(matches!(
        result,
        Err(ResetError::Throttled { retry_after }) if retry_after == Duration::minutes(2)
    ));
}

#[tokio::test]
async fn a_reset_clears_the_accounts_counters_and_its_pair_with_the_completing_address() {
    let f = Fixture::new();
    let mut d = doubles(&f, false);
    expect_pending(&mut d, &f, now() + Duration::minutes(10));
    d.resets.expect_complete().returning(|_| Ok(()));
    let account = f.account;
    let ip = client().ip.unwrap();
    let expected = [
        ThrottleKey::reset_link(&SecretToken::from_client("the-token").digest()),
        ThrottleKey::second_factor(account),
        ThrottleKey::account(account),
        ThrottleKey::pair(account, ip),
    ];
    d.throttle.checkpoint();
    d.throttle
        .expect_clear()
        .withf(move |key| expected.contains(key))
        .times(4)
        .returning(|_| Ok(()));
    d.throttle.expect_claim().times(0);

    service(d)
        .confirm(
            &SecretToken::from_client("the-token"),
            &new_password(),
            None,
            &client(),
        )
        .await
        .unwrap();
}
