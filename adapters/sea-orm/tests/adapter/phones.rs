use portico_identity::ports::{PhoneRepository, PhoneWriteError};
use portico_identity::{E164Phone, Phone, PhoneLabel};
use portico_kernel::{PageRequest, PhoneId};
use portico_sea_orm::{Database, SeaPhones};

use crate::support::{at, on_both_engines, registered};

fn phone(number: &str, second: i64) -> Phone {
    Phone {
        id: PhoneId::generate(),
        number: E164Phone::parse(number).unwrap(),
        label: Some(PhoneLabel::parse("office").unwrap()),
        created_at: at(second),
    }
}

async fn phones_are_stored_listed_oldest_first_and_counted(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let phones = SeaPhones::new(db.connection());
    let first = phone("+41446681800", 0);
    let second = phone("+16502530000", 5);
    phones.insert(account, &second).await.unwrap();
    phones.insert(account, &first).await.unwrap();

    let page = phones.list(account, &PageRequest::first()).await.unwrap();

    assert_eq!(page.items, vec![first, second]);
    assert_eq!(phones.count(account).await.unwrap(), 2);
}
on_both_engines!(
    list,
    super::phones_are_stored_listed_oldest_first_and_counted
);

async fn the_same_number_twice_on_one_account_is_a_duplicate_but_fine_on_another(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let other = registered(&db, "grace", "grace@example.com").await;
    let phones = SeaPhones::new(db.connection());
    phones
        .insert(account, &phone("+41446681800", 0))
        .await
        .unwrap();

    let again = phones.insert(account, &phone("+41446681800", 1)).await;
    let elsewhere = phones.insert(other, &phone("+41446681800", 1)).await;

    assert!(matches!(again, Err(PhoneWriteError::Duplicate)));
    assert!(elsewhere.is_ok());
    assert_eq!(phones.count(account).await.unwrap(), 1);
}
on_both_engines!(
    duplicates,
    super::the_same_number_twice_on_one_account_is_a_duplicate_but_fine_on_another
);

async fn another_accounts_phone_can_be_neither_read_changed_nor_removed(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let intruder = registered(&db, "mallory", "mallory@example.com").await;
    let phones = SeaPhones::new(db.connection());
    let mut stored = phone("+41446681800", 0);
    phones.insert(account, &stored).await.unwrap();
    stored.label = None;

    assert_eq!(phones.find(intruder, stored.id).await.unwrap(), None);
    assert!(!phones.update(intruder, &stored).await.unwrap());
    assert!(!phones.delete(intruder, stored.id).await.unwrap());
    let unchanged = phones.find(account, stored.id).await.unwrap().unwrap();
    assert_eq!(unchanged.label.unwrap().as_str(), "office");

    assert!(phones.update(account, &stored).await.unwrap());
    assert_eq!(
        phones
            .find(account, stored.id)
            .await
            .unwrap()
            .unwrap()
            .label,
        None
    );
    assert!(phones.delete(account, stored.id).await.unwrap());
    assert_eq!(phones.count(account).await.unwrap(), 0);
}
on_both_engines!(
    ownership,
    super::another_accounts_phone_can_be_neither_read_changed_nor_removed
);
