use portico_kernel::{AccountContacts, AccountId, EmailAddress};
use portico_sea_orm::{Database, SeaAccountContacts};

use crate::emails::add_secondary;
use crate::support::{on_both_engines, registered};

async fn a_contact_has_the_typed_names_and_every_address_of_its_account(db: Database) {
    let account = registered(&db, "Ada.L", "ada@example.com").await;
    registered(&db, "grace", "grace@example.com").await;
    add_secondary(&db, account, "work@example.com", true).await;
    add_secondary(&db, account, "old@example.com", false).await;
    let contacts = SeaAccountContacts::new(db.connection());

    let contact = contacts.contact(account).await.unwrap().unwrap();

    assert_eq!(contact.username.as_str(), "Ada.L");
    assert_eq!(contact.language.as_str(), "en-GB");
    assert_eq!(contact.primary_email.as_str(), "ada@example.com");
    let texts = |addresses: &[EmailAddress]| {
        let mut texts: Vec<String> = addresses.iter().map(ToString::to_string).collect();
        texts.sort();
        texts
    };
    assert_eq!(texts(&contact.verified_emails), ["work@example.com"]);
    assert_eq!(
        texts(&contact.all_emails),
        ["ada@example.com", "old@example.com", "work@example.com"]
    );
    // The primary address hears of changes though unverified; the unverified
    // secondary one does not.
    let recipients: Vec<&str> = contact
        .notice_recipients()
        .into_iter()
        .map(EmailAddress::as_str)
        .collect();
    assert_eq!(recipients, ["ada@example.com", "work@example.com"]);
    assert!(
        contacts
            .contact(AccountId::generate())
            .await
            .unwrap()
            .is_none()
    );
}
on_both_engines!(
    contacts,
    super::a_contact_has_the_typed_names_and_every_address_of_its_account
);

async fn an_account_without_a_primary_address_is_reported_as_corrupt(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    db.execute(&format!(
        "UPDATE account_emails SET is_primary = false WHERE account_id = '{account}'"
    ))
    .await
    .unwrap();

    let read = SeaAccountContacts::new(db.connection())
        .contact(account)
        .await;

    assert!(read.is_err(), "{read:?}");
}
on_both_engines!(
    no_primary,
    super::an_account_without_a_primary_address_is_reported_as_corrupt
);
