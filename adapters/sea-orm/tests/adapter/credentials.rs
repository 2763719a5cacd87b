use portico_sea_orm::{Database, SeaCredentials};
use portico_security::ports::{CredentialRepository, LoginKey};

use crate::support::{at, hash, on_both_engines, registered};

async fn a_login_finds_the_account_by_username_or_primary_email_in_any_case(db: Database) {
    let account = registered(&db, "Ada", "ada@example.com").await;
    let credentials = SeaCredentials::new(db.connection());

    for login in ["ada", "ADA", "Ada@Example.com"] {
        let found = credentials
            .find_by_login(&LoginKey::from_login(login).unwrap())
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{login} should match"));
        assert_eq!(found.account, account);
        assert_eq!(found.password_hash, hash("aGFzaA"));
    }
    assert_eq!(
        credentials
            .find_by_login(&LoginKey::from_login("grace").unwrap())
            .await
            .unwrap(),
        None
    );
}
on_both_engines!(
    login_lookup,
    super::a_login_finds_the_account_by_username_or_primary_email_in_any_case
);

async fn an_unverified_secondary_email_does_not_log_in_but_a_verified_one_does(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    db.execute(&format!(
        "INSERT INTO account_emails (id, account_id, address, address_key, verified, is_primary, created_at) \
         VALUES ('00000000-0000-7000-8000-000000000001', '{account}', 'a2@example.com', 'a2@example.com', false, false, 1767225600000000), \
                ('00000000-0000-7000-8000-000000000002', '{account}', 'a3@example.com', 'a3@example.com', true, false, 1767225600000000)"
    ))
    .await
    .unwrap();
    let credentials = SeaCredentials::new(db.connection());

    let unverified = credentials
        .find_by_login(&LoginKey::from_login("a2@example.com").unwrap())
        .await
        .unwrap();
    let verified = credentials
        .find_by_login(&LoginKey::from_login("a3@example.com").unwrap())
        .await
        .unwrap();

    assert_eq!(unverified, None);
    assert_eq!(verified.map(|c| c.account), Some(account));
}
on_both_engines!(
    secondary_emails,
    super::an_unverified_secondary_email_does_not_log_in_but_a_verified_one_does
);

async fn a_replaced_hash_is_the_one_found_next(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let credentials = SeaCredentials::new(db.connection());

    credentials
        .replace_hash(account, &hash("bmV3"), at(60))
        .await
        .unwrap();

    let found = credentials
        .find_by_login(&LoginKey::from_login("ada").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.password_hash, hash("bmV3"));
}
on_both_engines!(replace_hash, super::a_replaced_hash_is_the_one_found_next);
