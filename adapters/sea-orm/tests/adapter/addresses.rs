use portico_identity::ports::AddressRepository;
use portico_identity::{AddressLine, CountryCode, PostalAddress, PostalAddressFields, PostalCode};
use portico_kernel::{AccountId, AddressId, PageRequest};
use portico_sea_orm::{Database, SeaAddresses};

use crate::support::{at, on_both_engines, registered};

pub fn address(city: &str, second: i64, default_billing: bool) -> PostalAddress {
    PostalAddress {
        id: AddressId::generate(),
        fields: PostalAddressFields {
            line1: AddressLine::parse("Bahnhofstrasse 1").unwrap(),
            line2: None,
            city: AddressLine::parse(city).unwrap(),
            region: None,
            postal_code: PostalCode::parse("8001").unwrap(),
            country: CountryCode::parse("CH").unwrap(),
        },
        default_billing,
        created_at: at(second),
    }
}

async fn defaults(addresses: &SeaAddresses, account: AccountId) -> Vec<String> {
    addresses
        .list(account, &PageRequest::first())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|a| a.default_billing)
        .map(|a| a.fields.city.as_str().to_owned())
        .collect()
}

async fn a_new_default_address_takes_the_default_from_the_old_one(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let addresses = SeaAddresses::new(db.connection());
    addresses
        .insert(account, &address("Zürich", 0, true))
        .await
        .unwrap();
    addresses
        .insert(account, &address("Basel", 1, false))
        .await
        .unwrap();
    assert_eq!(defaults(&addresses, account).await, vec!["Zürich"]);

    addresses
        .insert(account, &address("Bern", 2, true))
        .await
        .unwrap();

    assert_eq!(defaults(&addresses, account).await, vec!["Bern"]);
}
on_both_engines!(
    default_on_insert,
    super::a_new_default_address_takes_the_default_from_the_old_one
);

async fn an_update_making_an_address_default_moves_the_default(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let addresses = SeaAddresses::new(db.connection());
    addresses
        .insert(account, &address("Zürich", 0, true))
        .await
        .unwrap();
    let basel = address("Basel", 1, false);
    addresses.insert(account, &basel).await.unwrap();

    let stored = addresses
        .update(account, basel.id, &basel.fields, true)
        .await
        .unwrap()
        .unwrap();

    assert!(stored.default_billing);
    assert_eq!(defaults(&addresses, account).await, vec!["Basel"]);
}
on_both_engines!(
    default_on_update,
    super::an_update_making_an_address_default_moves_the_default
);

async fn removing_the_default_hands_it_to_the_oldest_remaining_address(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let addresses = SeaAddresses::new(db.connection());
    let bern = address("Bern", 0, true);
    addresses.insert(account, &bern).await.unwrap();
    addresses
        .insert(account, &address("Zürich", 1, false))
        .await
        .unwrap();
    addresses
        .insert(account, &address("Basel", 2, false))
        .await
        .unwrap();

    assert!(addresses.delete(account, bern.id).await.unwrap());

    assert_eq!(defaults(&addresses, account).await, vec!["Zürich"]);
    assert_eq!(addresses.count(account).await.unwrap(), 2);
}
on_both_engines!(
    default_on_delete,
    super::removing_the_default_hands_it_to_the_oldest_remaining_address
);

async fn the_database_refuses_a_second_default_written_behind_the_domains_back(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let addresses = SeaAddresses::new(db.connection());
    addresses
        .insert(account, &address("Zürich", 0, true))
        .await
        .unwrap();

    let result = db
        .execute(&format!(
            "INSERT INTO postal_addresses (id, account_id, line1, city, postal_code, country, default_billing, created_at) \
             VALUES ('00000000-0000-7000-8000-0000000000aa', '{account}', 'x', 'Basel', '4001', 'CH', true, 1767225600000000)"
        ))
        .await;

    assert!(result.is_err());
    assert_eq!(defaults(&addresses, account).await, vec!["Zürich"]);
}
on_both_engines!(
    one_default_index,
    super::the_database_refuses_a_second_default_written_behind_the_domains_back
);

async fn another_accounts_address_is_out_of_reach(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let intruder = registered(&db, "mallory", "mallory@example.com").await;
    let addresses = SeaAddresses::new(db.connection());
    let stored = address("Zürich", 0, true);
    addresses.insert(account, &stored).await.unwrap();

    assert_eq!(addresses.find(intruder, stored.id).await.unwrap(), None);
    let mut hijack = stored.fields.clone();
    hijack.city = AddressLine::parse("Nowhere").unwrap();
    assert_eq!(
        addresses
            .update(intruder, stored.id, &hijack, true)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        addresses
            .update(intruder, stored.id, &hijack, false)
            .await
            .unwrap(),
        None
    );
    assert!(!addresses.delete(intruder, stored.id).await.unwrap());
    assert_eq!(
        addresses.find(account, stored.id).await.unwrap(),
        Some(stored)
    );
}
on_both_engines!(ownership, super::another_accounts_address_is_out_of_reach);

async fn an_edit_that_does_not_ask_for_the_default_leaves_the_flag_alone(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let addresses = SeaAddresses::new(db.connection());
    let zurich = address("Zürich", 0, true);
    let basel = address("Basel", 1, false);
    addresses.insert(account, &zurich).await.unwrap();
    addresses.insert(account, &basel).await.unwrap();

    let mut moved = zurich.fields.clone();
    moved.city = AddressLine::parse("Winterthur").unwrap();
    let edited = addresses
        .update(account, zurich.id, &moved, false)
        .await
        .unwrap()
        .unwrap();
    let other = addresses
        .update(account, basel.id, &basel.fields, false)
        .await
        .unwrap()
        .unwrap();

    assert!(edited.default_billing, "still the default");
    assert!(!other.default_billing, "not made the default by an edit");
    assert_eq!(defaults(&addresses, account).await, vec!["Winterthur"]);
}
on_both_engines!(
    edit_keeps_default,
    super::an_edit_that_does_not_ask_for_the_default_leaves_the_flag_alone
);
