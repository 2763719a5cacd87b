//! Portico's identity domain: who a client is.
//!
//! An account has a username, a profile (first and last name, language), several
//! email addresses (one primary), phone numbers, postal addresses (one the default
//! billing address) and optional company details with a tax or VAT id.
//!
//! Layout:
//! - value types, each parsed once and valid from then on: [`Username`],
//!   [`PersonName`], [`LanguageTag`], [`E164Phone`], [`CountryCode`], [`TaxId`],
//!   [`PostalCode`], [`AddressLine`];
//! - [`ports`]: the storage ports (and the kernel's `CredentialPreparer`, through
//!   which security's `Passwords` checks and hashes the first password);
//! - [`services`]: the rules, one service per aggregate;
//! - [`notices`]: what identity mails ([`IdentityNotice`]), composed through the
//!   kernel's `NoticeComposer` port.
//!
//! It depends on `portico-kernel` alone. To embed it, implement its ports with
//! `#[portico_kernel::async_trait]` on each `impl` block, and see `docs/embedding.md`
//! for mail, test doubles (feature `mocks`) and build settings.
//!
//! ```
//! use std::sync::Arc;
//! use portico_identity::{E164Phone, PhoneBook, ports::PhoneRepository};
//! use portico_kernel::{AccountId, SystemClock};
//!
//! async fn add_office_number(phones: Arc<dyn PhoneRepository>, account: AccountId) {
//!     let book = PhoneBook::new(phones, Arc::new(SystemClock));
//!     let number = E164Phone::parse("+41 44 668 18 00").expect("a valid number");
//!     let phone = book.add(account, number, None).await;
//!     assert!(phone.is_ok());
//! }
//! ```

pub mod account;
pub mod company;
pub mod country;
pub mod email_rules;
pub mod email_verification;
pub mod language;
pub mod notices;
pub mod person_name;
pub mod phone;
pub mod ports;
pub mod postal_address;
pub mod services;
pub mod username;
pub mod vat;

#[cfg(test)]
mod test_support;

pub use account::{
    AccountEmail, NewAccount, Phone, PhoneLabel, Profile, ProfileChange, Registration,
};
pub use company::{Company, CompanyName};
pub use country::{CountryCode, InvalidCountry};
pub use email_verification::{EmailVerification, Links, VERIFICATION_LIFETIME};
pub use language::{InvalidLanguageTag, LanguageTag};
pub use notices::IdentityNotice;
pub use person_name::{InvalidName, PersonName};
pub use phone::{E164Phone, InvalidPhone};
pub use postal_address::{
    AddressLine, InvalidPostalCode, PostalAddress, PostalAddressFields, PostalCode,
};
pub use services::{
    AddressBook, AddressChange, AddressError, CompanyDetails, CompanyError, EmailBook, EmailError,
    PhoneBook, PhoneChange, PhoneError, ProfileError, Profiles, RegisterError, Registrations,
};
pub use username::{InvalidUsername, Username};
pub use vat::{InvalidTaxId, TaxId};

/// mockall doubles of identity's ports, for an embedder's unit tests (feature `mocks`).
#[cfg(any(test, feature = "mocks"))]
pub mod mocks {
    pub use crate::ports::{
        MockAccountRepository, MockAddressRepository, MockCompanyRepository,
        MockCredentialPreparer, MockEmailAuditTrail, MockEmailRepository, MockPhoneRepository,
    };
}
