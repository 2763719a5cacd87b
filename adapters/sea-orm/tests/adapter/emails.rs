use portico_identity::email_rules::RemovalRefused;
use portico_identity::ports::{EmailRepository, RemoveEmailError};
use portico_kernel::{AccountId, EmailId, PageRequest};
use portico_sea_orm::testing::{Engine, TestDatabase};
use portico_sea_orm::{Database, SeaEmails};

use crate::support::{on_both_engines, registered};

/// Adds a secondary address directly (adding addresses comes with mail delivery).
pub async fn add_secondary(
    db: &Database,
    account: AccountId,
    address: &str,
    verified: bool,
) -> EmailId {
    let id = EmailId::generate();
    db.execute(&format!(
        "INSERT INTO account_emails (id, account_id, address, address_key, verified, is_primary, created_at) \
         VALUES ('{id}', '{account}', '{address}', '{address}', {verified}, false, 1767225600000000)"
    ))
    .await
    .unwrap();
    id
}

async fn primary_of(emails: &SeaEmails, account: AccountId) -> EmailId {
    emails
        .list(account, &PageRequest::first())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|e| e.primary)
        .unwrap()
        .id
}

fn refused(result: Result<(), RemoveEmailError>) -> Option<RemovalRefused> {
    match result {
        Err(RemoveEmailError::Refused(rule)) => Some(rule),
        _ => None,
    }
}

async fn removal_keeps_the_primary_and_the_last_verified_address(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let intruder = registered(&db, "mallory", "mallory@example.com").await;
    let emails = SeaEmails::new(db.connection());
    let primary = primary_of(&emails, account).await;
    let verified = add_secondary(&db, account, "work@example.com", true).await;
    let unverified = add_secondary(&db, account, "old@example.com", false).await;

    assert_eq!(
        refused(emails.remove(account, primary).await),
        Some(RemovalRefused::Primary)
    );
    assert_eq!(
        refused(emails.remove(account, verified).await),
        Some(RemovalRefused::LastVerified),
        "the registration address is not verified, so this is the only verified one"
    );
    assert_eq!(
        refused(emails.remove(intruder, unverified).await),
        Some(RemovalRefused::NotFound)
    );
    emails.remove(account, unverified).await.unwrap();

    let left: Vec<_> = emails
        .list(account, &PageRequest::first())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(left, vec![primary, verified]);
}
on_both_engines!(
    removal_rules,
    super::removal_keeps_the_primary_and_the_last_verified_address
);

async fn two_concurrent_removals_never_remove_the_last_verified_address(engine: Engine) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let db = test_db.database().clone();
    let account = registered(&db, "ada", "ada@example.com").await;
    let emails = SeaEmails::new(db.connection());
    let first = add_secondary(&db, account, "one@example.com", true).await;
    let second = add_secondary(&db, account, "two@example.com", true).await;

    let a = tokio::spawn({
        let emails = emails.clone();
        async move { emails.remove(account, first).await }
    });
    let b = tokio::spawn({
        let emails = emails.clone();
        async move { emails.remove(account, second).await }
    });
    let outcomes = [a.await.unwrap(), b.await.unwrap()];

    assert_eq!(outcomes.iter().filter(|r| r.is_ok()).count(), 1);
    let verified = emails
        .list(account, &PageRequest::first())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|e| e.verified)
        .count();
    assert_eq!(verified, 1);
    test_db.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_removals_on_a_sqlite_file() {
    two_concurrent_removals_never_remove_the_last_verified_address(Engine::SqliteFile).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_removals_on_postgres() {
    two_concurrent_removals_never_remove_the_last_verified_address(Engine::Postgres).await;
}

fn verify_message(account: AccountId, to: &str) -> portico_mail_log::NewMessage {
    let id = portico_kernel::MessageId::generate();
    portico_mail_log::NewMessage {
        id,
        account: Some(account),
        to: portico_kernel::EmailAddress::parse(to).unwrap(),
        template: "verify_email",
        language: "en".into(),
        stored: portico_mail_log::Content {
            subject: "Confirm".into(),
            text: "token=REDACTED".into(),
            html: "<p>token=REDACTED</p>".into(),
        },
        secret_delivery: None,
        message_id_header: format!("<{id}@mail.example>"),
        created_at: crate::support::at(0),
    }
}

fn new_email(address: &str) -> portico_identity::AccountEmail {
    portico_identity::AccountEmail {
        id: EmailId::generate(),
        address: portico_kernel::EmailAddress::parse(address).unwrap(),
        verified: false,
        primary: false,
        created_at: crate::support::at(1),
    }
}

async fn an_added_address_is_verified_once_by_its_token_before_it_expires(db: Database) {
    use portico_identity::EmailVerification;
    use portico_identity::ports::VerifyOutcome;
    use portico_mail_log::OutboxRepository;

    let account = registered(&db, "ada", "ada@example.com").await;
    let intruder = registered(&db, "mallory", "mallory@example.com").await;
    let emails = SeaEmails::new(db.connection());
    let email = new_email("work@example.com");
    let (token, verification) = EmailVerification::issue(email.id, crate::support::at(1)).unwrap();
    emails
        .add(
            account,
            &email,
            &verification,
            &verify_message(account, "work@example.com"),
            10,
        )
        .await
        .unwrap();
    let history = portico_sea_orm::SeaOutbox::new(db.connection())
        .list(account, None, &PageRequest::first())
        .await
        .unwrap();
    assert_eq!(
        history.items.len(),
        2,
        "welcome and verification, written with the changes"
    );

    let digest = token.digest();
    let wrong = portico_kernel::SecretToken::generate().unwrap().digest();
    let now = crate::support::at(60);
    assert_eq!(
        emails.verify(account, email.id, &wrong, now).await.unwrap(),
        VerifyOutcome::InvalidToken
    );
    assert_eq!(
        emails
            .verify(intruder, email.id, &digest, now)
            .await
            .unwrap(),
        VerifyOutcome::NotFound
    );
    let late = crate::support::at(1) + time::Duration::hours(24);
    assert_eq!(
        emails
            .verify(account, email.id, &digest, late)
            .await
            .unwrap(),
        VerifyOutcome::InvalidToken
    );
    assert_eq!(
        emails
            .verify(account, email.id, &digest, now)
            .await
            .unwrap(),
        VerifyOutcome::Verified
    );
    assert_eq!(
        emails
            .verify(account, email.id, &digest, now)
            .await
            .unwrap(),
        VerifyOutcome::AlreadyVerified,
        "a used token does not work twice, but the address stays verified"
    );
    let listed = emails
        .list(account, &PageRequest::first())
        .await
        .unwrap()
        .items;
    assert!(listed.iter().find(|e| e.id == email.id).unwrap().verified);
}
on_both_engines!(
    verification,
    super::an_added_address_is_verified_once_by_its_token_before_it_expires
);

async fn an_address_in_use_cannot_be_added_again(db: Database) {
    use portico_identity::EmailVerification;
    use portico_identity::ports::EmailWriteError;

    let account = registered(&db, "ada", "ada@example.com").await;
    let emails = SeaEmails::new(db.connection());
    let email = new_email("GRACE@example.com");
    registered(&db, "grace", "grace@example.com").await;
    let (_, verification) = EmailVerification::issue(email.id, crate::support::at(1)).unwrap();

    let result = emails
        .add(
            account,
            &email,
            &verification,
            &verify_message(account, "grace@example.com"),
            10,
        )
        .await;

    assert!(matches!(result, Err(EmailWriteError::Taken)));
    assert_eq!(emails.count(account).await.unwrap(), 1);
}
on_both_engines!(taken, super::an_address_in_use_cannot_be_added_again);

async fn a_verified_address_becomes_primary_and_an_edit_needs_verification_again(db: Database) {
    use portico_identity::EmailVerification;
    use portico_identity::ports::EmailWriteError;

    let account = registered(&db, "ada", "ada@example.com").await;
    let emails = SeaEmails::new(db.connection());
    let primary = primary_of(&emails, account).await;
    let verified = add_secondary(&db, account, "work@example.com", true).await;
    let unverified = add_secondary(&db, account, "home@example.com", false).await;
    let notice = verify_message(account, "ada@example.com");

    assert!(matches!(
        emails
            .make_primary(account, unverified, primary, Some(notice.clone()))
            .await,
        Err(EmailWriteError::NotVerified)
    ));
    emails
        .make_primary(account, verified, primary, Some(notice.clone()))
        .await
        .unwrap();
    assert_eq!(primary_of(&emails, account).await, verified);

    let (_, verification) = EmailVerification::issue(primary, crate::support::at(2)).unwrap();
    let new_address = portico_kernel::EmailAddress::parse("ada2@example.com").unwrap();
    emails
        .change_address(
            account,
            primary,
            &new_address,
            &verification,
            &verify_message(account, "ada2@example.com"),
        )
        .await
        .unwrap();
    let (_, verification) = EmailVerification::issue(verified, crate::support::at(2)).unwrap();
    assert!(matches!(
        emails
            .change_address(
                account,
                verified,
                &new_address,
                &verification,
                &verify_message(account, "x@example.com")
            )
            .await,
        Err(EmailWriteError::Primary)
    ));
    let listed = emails
        .list(account, &PageRequest::first())
        .await
        .unwrap()
        .items;
    let edited = listed.iter().find(|e| e.id == primary).unwrap();
    assert_eq!(edited.address.as_str(), "ada2@example.com");
    assert!(!edited.verified);
}
on_both_engines!(
    primary_and_edit,
    super::a_verified_address_becomes_primary_and_an_edit_needs_verification_again
);

async fn the_address_limit_holds_and_a_stale_primary_change_is_refused(db: Database) {
    use portico_identity::EmailVerification;
    use portico_identity::ports::EmailWriteError;

    let account = registered(&db, "ada", "ada@example.com").await;
    let emails = SeaEmails::new(db.connection());
    let email = new_email("two@example.com");
    let (_, verification) = EmailVerification::issue(email.id, crate::support::at(1)).unwrap();
    let full = emails
        .add(
            account,
            &email,
            &verification,
            &verify_message(account, "two@example.com"),
            1,
        )
        .await;
    assert!(matches!(full, Err(EmailWriteError::LimitReached)));

    let verified = add_secondary(&db, account, "work@example.com", true).await;
    let not_the_primary = add_secondary(&db, account, "home@example.com", true).await;
    let stale = emails
        .make_primary(account, verified, not_the_primary, None)
        .await;
    assert!(matches!(stale, Err(EmailWriteError::Changed)));
    assert_ne!(primary_of(&emails, account).await, verified);
}
on_both_engines!(
    limits,
    super::the_address_limit_holds_and_a_stale_primary_change_is_refused
);
