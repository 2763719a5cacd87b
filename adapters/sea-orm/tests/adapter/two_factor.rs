use portico_kernel::{AccountId, SecretToken, SessionId, TokenDigest};
use portico_sea_orm::testing::{Engine, TestDatabase};
use portico_sea_orm::{Database, SeaSessions, SeaTwoFactor};
use portico_security::ports::{FreshProof, SessionRepository};
use portico_security::two_factor::{
    Enablement, FactorGuardedChange, GuardedWriteError, SecondFactorCompletion,
};
use portico_security::{
    ClientInfo, SealedSeed, SecondFactorProof, SecurityEventKind, Session, TwoFactorRepository,
};
use time::Duration;

use crate::support::{at, event, event_kinds, login_event, notice, on_both_engines, registered};

fn sealed(tag: u8) -> SealedSeed {
    SealedSeed::from_stored(vec![tag; 60])
}

fn digest(tag: &str) -> TokenDigest {
    SecretToken::from_client(tag).digest()
}

fn enablement(account: AccountId, seed: SealedSeed, step: u64) -> Enablement {
    Enablement {
        account,
        sealed_seed: seed,
        step,
        recovery_codes: vec![digest("r1"), digest("r2"), digest("r3")],
        event: event(account, SecurityEventKind::TwoFactorEnabled, 1),
        notices: vec![notice(account, "ada@example.com", "two_factor_enabled")],
    }
}

fn change(
    account: AccountId,
    proof: SecondFactorProof,
    kind: SecurityEventKind,
) -> FactorGuardedChange {
    FactorGuardedChange {
        account,
        proof,
        event: event(account, kind, 2),
        notices: vec![notice(account, "ada@example.com", "two_factor_disabled")],
    }
}

/// An account with two-factor on since step 100 and recovery codes r1, r2, r3.
async fn enabled(db: &Database) -> (AccountId, SeaTwoFactor) {
    let account = registered(db, "ada", "ada@example.com").await;
    let repo = SeaTwoFactor::new(db.connection());
    assert!(
        repo.start_enrolment(account, &sealed(1), at(0))
            .await
            .unwrap()
    );
    repo.enable(&enablement(account, sealed(1), 100))
        .await
        .unwrap();
    (account, repo)
}

async fn enrolment_can_restart_until_enabled_and_then_is_refused(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let repo = SeaTwoFactor::new(db.connection());
    assert_eq!(repo.find(account).await.unwrap(), None);

    assert!(
        repo.start_enrolment(account, &sealed(1), at(0))
            .await
            .unwrap()
    );
    assert!(
        repo.start_enrolment(account, &sealed(2), at(1))
            .await
            .unwrap()
    );
    let pending = repo.find(account).await.unwrap().unwrap();
    assert_eq!(pending.sealed_seed, sealed(2));
    assert!(!pending.is_enabled());

    // Confirming the replaced seed is stale and writes nothing.
    let stale = repo.enable(&enablement(account, sealed(1), 100)).await;
    assert!(matches!(stale, Err(GuardedWriteError::Stale)));
    assert!(event_kinds(&db, account).await.is_empty());

    repo.enable(&enablement(account, sealed(2), 100))
        .await
        .unwrap();
    let on = repo.find(account).await.unwrap().unwrap();
    assert_eq!(on.enabled_at, Some(at(1)));
    assert_eq!(on.last_used_step, Some(100));
    assert_eq!(repo.recovery_codes_left(account).await.unwrap(), 3);
    assert_eq!(event_kinds(&db, account).await, vec!["two_factor_enabled"]);

    // Once on, a new enrolment is refused and the seed stays.
    assert!(
        !repo
            .start_enrolment(account, &sealed(3), at(2))
            .await
            .unwrap()
    );
    assert_eq!(
        repo.find(account).await.unwrap().unwrap().sealed_seed,
        sealed(2)
    );
    let again = repo.enable(&enablement(account, sealed(2), 101)).await;
    assert!(matches!(again, Err(GuardedWriteError::Stale)));
}
on_both_engines!(
    enrolment,
    super::enrolment_can_restart_until_enabled_and_then_is_refused
);

async fn a_step_is_accepted_once_and_only_later_ones_after_it(db: Database) {
    let (account, repo) = enabled(&db).await;
    let renew = |step| {
        change(
            account,
            SecondFactorProof::Totp { step },
            SecurityEventKind::RecoveryCodesRenewed,
        )
    };

    for used in [99, 100] {
        let result = repo
            .renew_recovery_codes(&renew(used), &[digest("new")])
            .await;
        assert!(
            matches!(result, Err(GuardedWriteError::FactorUsed)),
            "step {used}"
        );
    }
    assert_eq!(repo.recovery_codes_left(account).await.unwrap(), 3);

    repo.renew_recovery_codes(&renew(101), &[digest("n1"), digest("n2")])
        .await
        .unwrap();
    assert_eq!(
        repo.find(account).await.unwrap().unwrap().last_used_step,
        Some(101)
    );
    assert_eq!(repo.recovery_codes_left(account).await.unwrap(), 2);
    // The old set is void.
    let old = repo
        .disable(&change(
            account,
            SecondFactorProof::RecoveryCode(digest("r1")),
            SecurityEventKind::TwoFactorDisabled,
        ))
        .await;
    assert!(matches!(old, Err(GuardedWriteError::FactorUsed)));
    assert_eq!(
        event_kinds(&db, account).await,
        vec!["recovery_codes_renewed", "two_factor_enabled"]
    );
}
on_both_engines!(
    steps,
    super::a_step_is_accepted_once_and_only_later_ones_after_it
);

async fn a_recovery_code_works_once_and_turning_off_forgets_everything(db: Database) {
    let (account, repo) = enabled(&db).await;
    let off = change(
        account,
        SecondFactorProof::RecoveryCode(digest("r2")),
        SecurityEventKind::TwoFactorDisabled,
    );

    repo.disable(&off).await.unwrap();
    assert_eq!(repo.find(account).await.unwrap(), None);
    assert_eq!(repo.recovery_codes_left(account).await.unwrap(), 0);

    // Enrolling again starts from nothing.
    assert!(
        repo.start_enrolment(account, &sealed(4), at(3))
            .await
            .unwrap()
    );
    let fresh = repo.find(account).await.unwrap().unwrap();
    assert_eq!(fresh.last_used_step, None);
    assert!(!fresh.is_enabled());
}
on_both_engines!(
    recovery,
    super::a_recovery_code_works_once_and_turning_off_forgets_everything
);

fn pending_session(account: AccountId, token: &SecretToken) -> Session {
    Session {
        id: SessionId::generate(),
        account,
        token_digest: token.digest(),
        created_at: at(0),
        last_seen_at: at(0),
        absolute_expires_at: at(0) + Duration::minutes(5),
        authenticated_at: at(0),
        client: ClientInfo::default(),
        second_factor_pending: true,
    }
}

async fn completing_a_login_rotates_the_token_once(db: Database) {
    let (account, repo) = enabled(&db).await;
    let sessions = SeaSessions::new(db.connection());
    let old = SecretToken::generate().unwrap();
    let session = pending_session(account, &old);
    sessions
        .insert(&session, &login_event(&session))
        .await
        .unwrap();
    let new = SecretToken::generate().unwrap();
    let completion = |step| SecondFactorCompletion {
        session: session.id,
        account,
        old_digest: old.digest(),
        new_digest: new.digest(),
        absolute_expires_at: at(10) + Duration::hours(12),
        at: at(10),
        proof: SecondFactorProof::Totp { step },
        event: event(account, SecurityEventKind::LoginSucceeded, 10),
    };

    // A used step leaves the session pending under its old token.
    let used = repo.complete_login(&completion(100)).await;
    assert!(matches!(used, Err(GuardedWriteError::FactorUsed)));
    assert!(
        sessions
            .find_by_digest(&old.digest())
            .await
            .unwrap()
            .unwrap()
            .second_factor_pending
    );

    repo.complete_login(&completion(101)).await.unwrap();
    assert_eq!(sessions.find_by_digest(&old.digest()).await.unwrap(), None);
    let complete = sessions
        .find_by_digest(&new.digest())
        .await
        .unwrap()
        .unwrap();
    assert!(!complete.second_factor_pending);
    assert_eq!(complete.absolute_expires_at, at(10) + Duration::hours(12));

    // A replay of the same completion is stale, even with a fresh step.
    let replay = repo.complete_login(&completion(102)).await;
    assert!(matches!(replay, Err(GuardedWriteError::Stale)));
    assert_eq!(
        repo.find(account).await.unwrap().unwrap().last_used_step,
        Some(101)
    );
}
on_both_engines!(
    login_completion,
    super::completing_a_login_rotates_the_token_once
);

async fn concurrent_uses_of_one_code_give_exactly_one_success(engine: Engine) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let db = test_db.database().clone();
    let (account, repo) = enabled(&db).await;
    for proof in [
        SecondFactorProof::Totp { step: 200 },
        SecondFactorProof::RecoveryCode(digest("r3")),
    ] {
        let tasks: Vec<_> = (0..8)
            .map(|n| {
                let repo = repo.clone();
                let change = change(
                    account,
                    proof.clone(),
                    SecurityEventKind::RecoveryCodesRenewed,
                );
                // The TOTP round keeps r3 in every new set, for the recovery round; the
                // recovery round must not bring r3 back.
                let mut codes = vec![digest(&format!("c{n}"))];
                if matches!(proof, SecondFactorProof::Totp { .. }) {
                    codes.push(digest("r3"));
                }
                tokio::spawn(async move { repo.renew_recovery_codes(&change, &codes).await })
            })
            .collect();
        let mut successes = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(()) => successes += 1,
                Err(GuardedWriteError::FactorUsed) => {}
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(successes, 1, "{proof:?}");
    }
    test_db.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_code_use_on_a_sqlite_file() {
    concurrent_uses_of_one_code_give_exactly_one_success(Engine::SqliteFile).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_code_use_on_postgres() {
    concurrent_uses_of_one_code_give_exactly_one_success(Engine::Postgres).await;
}

async fn a_renewed_proof_uses_up_its_code_and_dates_the_session(db: Database) {
    let (account, _) = enabled(&db).await;
    let sessions = SeaSessions::new(db.connection());
    let token = SecretToken::generate().unwrap();
    let session = Session {
        second_factor_pending: false,
        ..pending_session(account, &token)
    };
    sessions
        .insert(&session, &login_event(&session))
        .await
        .unwrap();
    let fresh = |step: u64, second: i64| FreshProof {
        session: session.id,
        account,
        at: at(second),
        proof: Some(SecondFactorProof::Totp { step }),
        event: event(account, SecurityEventKind::Reauthenticated, second),
    };

    sessions.renew_proof(&fresh(101, 600)).await.unwrap();
    let replayed = sessions.renew_proof(&fresh(101, 601)).await;

    assert!(matches!(replayed, Err(GuardedWriteError::FactorUsed)));
    let found = sessions
        .find_by_digest(&token.digest())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.authenticated_at, at(600));
    assert_eq!(event_kinds(&db, account).await[0], "reauthenticated");
}
on_both_engines!(
    renewed_proof,
    super::a_renewed_proof_uses_up_its_code_and_dates_the_session
);

async fn a_pending_or_missing_session_renews_nothing_and_keeps_the_code(db: Database) {
    let (account, _) = enabled(&db).await;
    let sessions = SeaSessions::new(db.connection());
    let token = SecretToken::generate().unwrap();
    let pending = pending_session(account, &token);
    sessions
        .insert(&pending, &login_event(&pending))
        .await
        .unwrap();
    let fresh = |session: SessionId| FreshProof {
        session,
        account,
        at: at(600),
        proof: Some(SecondFactorProof::Totp { step: 101 }),
        event: event(account, SecurityEventKind::Reauthenticated, 600),
    };

    let waiting = sessions.renew_proof(&fresh(pending.id)).await;
    let missing = sessions.renew_proof(&fresh(SessionId::generate())).await;

    assert!(matches!(waiting, Err(GuardedWriteError::Stale)));
    assert!(matches!(missing, Err(GuardedWriteError::Stale)));
    // The code was not spent by the refused renewals.
    let other = Session {
        id: SessionId::generate(),
        token_digest: SecretToken::generate().unwrap().digest(),
        second_factor_pending: false,
        ..pending
    };
    sessions.insert(&other, &login_event(&other)).await.unwrap();
    sessions.renew_proof(&fresh(other.id)).await.unwrap();
}
on_both_engines!(
    renewal_refused,
    super::a_pending_or_missing_session_renews_nothing_and_keeps_the_code
);
