use portico_identity::Username;
use portico_kernel::AccountId;
use portico_sea_orm::{Database, SeaCredentials, SeaTwoFactor, SeaUsernames};
use portico_security::ports::{
    CredentialRepository, LoginKey, UsernameChange, UsernameRepository, UsernameWriteError,
};
use portico_security::two_factor::Enablement;
use portico_security::{SealedSeed, SecondFactorProof, SecurityEventKind, TwoFactorRepository};

use crate::support::{at, event, event_kinds, notice, on_both_engines, registered};

fn rename(account: AccountId, to: &str, proof: Option<SecondFactorProof>) -> UsernameChange {
    UsernameChange {
        account,
        username: Username::parse(to).unwrap(),
        proof,
        event: event(account, SecurityEventKind::UsernameChanged, 5),
        notices: vec![notice(account, "ada@example.com", "username_changed")],
    }
}

async fn login_finds(db: &Database, login: &str) -> Option<AccountId> {
    SeaCredentials::new(db.connection())
        .find_by_login(&LoginKey::from_login(login).unwrap())
        .await
        .unwrap()
        .map(|c| c.account)
}

async fn a_rename_moves_the_login_and_writes_its_event(db: Database) {
    let ada = registered(&db, "ada", "ada@example.com").await;
    let usernames = SeaUsernames::new(db.connection());

    usernames
        .change_username(&rename(ada, "Countess", None))
        .await
        .unwrap();

    assert_eq!(login_finds(&db, "countess").await, Some(ada));
    assert_eq!(login_finds(&db, "ada").await, None);
    assert_eq!(event_kinds(&db, ada).await, vec!["username_changed"]);
}
on_both_engines!(rename, super::a_rename_moves_the_login_and_writes_its_event);

async fn a_taken_name_rolls_everything_back_including_the_code(db: Database) {
    let ada = registered(&db, "ada", "ada@example.com").await;
    registered(&db, "grace", "grace@example.com").await;
    let two_factor = SeaTwoFactor::new(db.connection());
    let seed = SealedSeed::from_stored(vec![1; 60]);
    two_factor.start_enrolment(ada, &seed, at(0)).await.unwrap();
    two_factor
        .enable(&Enablement {
            account: ada,
            sealed_seed: seed,
            step: 100,
            recovery_codes: vec![],
            event: event(ada, SecurityEventKind::TwoFactorEnabled, 1),
            notices: vec![notice(ada, "ada@example.com", "two_factor_enabled")],
        })
        .await
        .unwrap();
    let usernames = SeaUsernames::new(db.connection());

    let taken = usernames
        .change_username(&rename(
            ada,
            "GRACE",
            Some(SecondFactorProof::Totp { step: 101 }),
        ))
        .await;

    assert!(matches!(taken, Err(UsernameWriteError::Taken)));
    assert_eq!(login_finds(&db, "ada").await, Some(ada));
    // The step was not used up: the same code still works for a valid change.
    assert_eq!(
        two_factor.find(ada).await.unwrap().unwrap().last_used_step,
        Some(100)
    );
    usernames
        .change_username(&rename(
            ada,
            "ada.l",
            Some(SecondFactorProof::Totp { step: 101 }),
        ))
        .await
        .unwrap();
    let reused = usernames
        .change_username(&rename(
            ada,
            "ada.m",
            Some(SecondFactorProof::Totp { step: 101 }),
        ))
        .await;
    assert!(matches!(reused, Err(UsernameWriteError::FactorUsed)));
    assert_eq!(login_finds(&db, "ada.l").await, Some(ada));
    assert_eq!(
        event_kinds(&db, ada).await,
        vec!["username_changed", "two_factor_enabled"]
    );
}
on_both_engines!(
    taken,
    super::a_taken_name_rolls_everything_back_including_the_code
);
