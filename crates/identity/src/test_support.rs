//! Fixtures shared by this crate's unit tests.

use portico_kernel::{AccountId, EmailAddress, FixedClock};
use time::OffsetDateTime;

use crate::{
    AddressLine, CountryCode, LanguageTag, PersonName, PostalAddressFields, PostalCode, Profile,
    Registration, Username,
};

pub fn fixed_clock() -> FixedClock {
    FixedClock::at(OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap())
}

pub fn registration() -> Registration {
    Registration {
        username: Username::parse("ada").unwrap(),
        email: EmailAddress::parse("ada@example.com").unwrap(),
        first_name: PersonName::parse("Ada").unwrap(),
        last_name: PersonName::parse("Lovelace").unwrap(),
        language: LanguageTag::english(),
    }
}

pub fn profile(id: AccountId) -> Profile {
    Profile {
        id,
        username: Username::parse("ada").unwrap(),
        first_name: PersonName::parse("Ada").unwrap(),
        last_name: PersonName::parse("Lovelace").unwrap(),
        language: LanguageTag::english(),
        created_at: OffsetDateTime::UNIX_EPOCH,
    }
}

pub fn address_fields() -> PostalAddressFields {
    PostalAddressFields {
        line1: AddressLine::parse("Bahnhofstrasse 1").unwrap(),
        line2: None,
        city: AddressLine::parse("Zürich").unwrap(),
        region: Some(AddressLine::parse("ZH").unwrap()),
        postal_code: PostalCode::parse("8001").unwrap(),
        country: CountryCode::parse("CH").unwrap(),
    }
}
