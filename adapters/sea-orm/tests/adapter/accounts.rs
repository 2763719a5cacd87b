use portico_identity::ports::{AccountRepository, CreateAccountError, EmailRepository};
use portico_identity::{LanguageTag, PersonName, ProfileChange};
use portico_kernel::{AccountId, PageRequest};
use portico_sea_orm::{Database, SeaAccounts, SeaEmails};

use crate::support::{at, create, new_account, on_both_engines};

async fn a_registered_account_reads_back_with_its_primary_unverified_email(db: Database) {
    let accounts = SeaAccounts::new(db.connection());
    let account = new_account("Ada", "Ada@Example.com");

    create(&accounts, &account).await.unwrap();

    let profile = accounts.profile(account.id).await.unwrap().unwrap();
    assert_eq!(profile.username.as_str(), "Ada");
    assert_eq!(profile.language.as_str(), "en-GB");
    assert_eq!(profile.created_at, at(0));
    let emails = SeaEmails::new(db.connection())
        .list(account.id, &PageRequest::first())
        .await
        .unwrap();
    assert_eq!(emails.items.len(), 1);
    assert_eq!(emails.items[0].address.as_str(), "Ada@example.com");
    assert!(emails.items[0].primary);
    assert!(!emails.items[0].verified);
}
on_both_engines!(
    registered_account_reads_back,
    super::a_registered_account_reads_back_with_its_primary_unverified_email
);

async fn a_username_differing_only_in_case_is_taken_and_nothing_is_stored(db: Database) {
    let accounts = SeaAccounts::new(db.connection());
    create(&accounts, &new_account("ada", "ada@example.com"))
        .await
        .unwrap();
    let second = new_account("ADA", "other@example.com");

    let result = create(&accounts, &second).await;

    assert!(matches!(result, Err(CreateAccountError::UsernameTaken)));
    assert_eq!(accounts.profile(second.id).await.unwrap(), None);
    let emails = SeaEmails::new(db.connection())
        .list(second.id, &PageRequest::first())
        .await
        .unwrap();
    assert!(emails.items.is_empty());
}
on_both_engines!(
    duplicate_username,
    super::a_username_differing_only_in_case_is_taken_and_nothing_is_stored
);

async fn an_email_differing_only_in_case_is_taken(db: Database) {
    let accounts = SeaAccounts::new(db.connection());
    create(&accounts, &new_account("ada", "ada@example.com"))
        .await
        .unwrap();
    let second = new_account("grace", "ADA@EXAMPLE.COM");

    let result = create(&accounts, &second).await;

    assert!(matches!(result, Err(CreateAccountError::EmailTaken)));
    assert_eq!(accounts.profile(second.id).await.unwrap(), None);
}
on_both_engines!(
    duplicate_email,
    super::an_email_differing_only_in_case_is_taken
);

async fn a_partial_profile_change_keeps_the_other_fields(db: Database) {
    let accounts = SeaAccounts::new(db.connection());
    let account = new_account("ada", "ada@example.com");
    create(&accounts, &account).await.unwrap();
    let change = ProfileChange {
        language: Some(LanguageTag::parse("de-CH").unwrap()),
        last_name: Some(PersonName::parse("Byron").unwrap()),
        ..ProfileChange::default()
    };

    let profile = accounts
        .update_profile(account.id, &change)
        .await
        .unwrap()
        .unwrap();

    assert_eq!(profile.first_name.as_str(), "Ada");
    assert_eq!(profile.last_name.as_str(), "Byron");
    assert_eq!(profile.language.as_str(), "de-CH");
    assert_eq!(accounts.profile(account.id).await.unwrap(), Some(profile));
    assert_eq!(
        accounts
            .update_profile(AccountId::generate(), &change)
            .await
            .unwrap(),
        None
    );
}
on_both_engines!(
    partial_profile_change,
    super::a_partial_profile_change_keeps_the_other_fields
);

async fn a_failing_message_write_rolls_the_whole_registration_back(db: Database) {
    use crate::support::welcome_message;
    use portico_identity::EmailVerification;

    let accounts = SeaAccounts::new(db.connection());
    let first = new_account("ada", "ada@example.com");
    let first_welcome = welcome_message(&first);
    let (_, verification) = EmailVerification::issue(first.email_id, first.created_at).unwrap();
    accounts
        .create(&first, &verification, &first_welcome)
        .await
        .unwrap();

    // A second registration whose welcome message cannot be stored (its Message-ID
    // header collides) must leave no account, email or token behind.
    let second = new_account("grace", "grace@example.com");
    let mut clash = welcome_message(&second);
    clash.message_id_header = first_welcome.message_id_header.clone();
    let (_, verification) = EmailVerification::issue(second.email_id, second.created_at).unwrap();
    let result = accounts.create(&second, &verification, &clash).await;

    assert!(result.is_err());
    assert_eq!(accounts.profile(second.id).await.unwrap(), None);
    let emails = SeaEmails::new(db.connection())
        .list(second.id, &PageRequest::first())
        .await
        .unwrap();
    assert!(emails.items.is_empty());
    create(&accounts, &new_account("grace", "grace@example.com"))
        .await
        .unwrap();
}
on_both_engines!(
    same_transaction,
    super::a_failing_message_write_rolls_the_whole_registration_back
);
