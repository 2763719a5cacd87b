//! Accounts, their profile, emails and phones.

use portico_kernel::{AccountId, EmailAddress, EmailId, PasswordHash, PhoneId};
use time::OffsetDateTime;

use crate::language::LanguageTag;
use crate::person_name::PersonName;
use crate::phone::E164Phone;
use crate::username::Username;

/// What a client gives to open an account, already parsed.
#[derive(Debug, Clone)]
pub struct Registration {
    /// Login name.
    pub username: Username,
    /// First address; it becomes the primary one.
    pub email: EmailAddress,
    /// Given name.
    pub first_name: PersonName,
    /// Family name.
    pub last_name: PersonName,
    /// Preferred language (English when not given).
    pub language: LanguageTag,
}

/// An account ready to be stored: the registration plus everything the domain decided.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// The new id.
    pub id: AccountId,
    /// The id of the registration email.
    pub email_id: EmailId,
    /// What the client gave.
    pub registration: Registration,
    /// The first password, hashed and policy-checked.
    pub password_hash: PasswordHash,
    /// Registration time.
    pub created_at: OffsetDateTime,
}

/// The editable profile of an account plus its read-only username.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The account.
    pub id: AccountId,
    /// Login name; changed only through the security flow.
    pub username: Username,
    /// Given name.
    pub first_name: PersonName,
    /// Family name.
    pub last_name: PersonName,
    /// Preferred language.
    pub language: LanguageTag,
    /// Registration time.
    pub created_at: OffsetDateTime,
}

/// A partial profile update: `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileChange {
    /// New given name.
    pub first_name: Option<PersonName>,
    /// New family name.
    pub last_name: Option<PersonName>,
    /// New language.
    pub language: Option<LanguageTag>,
}

impl ProfileChange {
    /// True when the update would change nothing.
    pub fn is_empty(&self) -> bool {
        self.first_name.is_none() && self.last_name.is_none() && self.language.is_none()
    }
}

/// One email address of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountEmail {
    /// Its id.
    pub id: EmailId,
    /// The address.
    pub address: EmailAddress,
    /// Whether the client proved they read it.
    pub verified: bool,
    /// Whether it is the address Portico writes to first.
    pub primary: bool,
    /// When it was added.
    pub created_at: OffsetDateTime,
}

/// A phone number's optional label ("mobile", "office").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneLabel(String);

impl PhoneLabel {
    /// Most characters.
    pub const MAX_LEN: usize = 40;

    /// Parses user input with the free-text rules.
    pub fn parse(input: &str) -> Result<Self, crate::InvalidName> {
        crate::person_name::parse_free_text(input, Self::MAX_LEN).map(Self)
    }

    /// The label.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A stored phone number of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// Its id.
    pub id: PhoneId,
    /// The number.
    pub number: E164Phone,
    /// Its label.
    pub label: Option<PhoneLabel>,
    /// When it was added.
    pub created_at: OffsetDateTime,
}
