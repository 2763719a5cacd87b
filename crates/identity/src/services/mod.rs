//! The identity services: where the rules of each aggregate live.

pub mod address_book;
pub mod company_details;
pub mod email_book;
pub mod phone_book;
pub mod profiles;
pub mod registration;

pub use address_book::{AddressBook, AddressChange, AddressError};
pub use company_details::{CompanyDetails, CompanyError};
pub use email_book::{EmailBook, EmailError};
pub use phone_book::{PhoneBook, PhoneChange, PhoneError};
pub use profiles::{ProfileError, Profiles};
pub use registration::{RegisterError, Registrations};
