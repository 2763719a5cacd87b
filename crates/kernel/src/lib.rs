//! The shared kernel of Portico: the few value types every domain crate speaks.
//!
//! It stays tiny on purpose. Anything here is a dependency of every domain, so only
//! types that truly cross domains live here, and none of them does I/O:
//!
//! - [`ids`]: typed identifiers ([`AccountId`], [`SessionId`], ...) so an id of one kind
//!   can never be passed where another is expected.
//! - [`ClientInfo`]: where a request came from (address, user agent), as recorded by
//!   every domain's audit trail.
//! - [`clock`]: the [`Clock`] port, so rules that depend on time are testable with a
//!   [`FixedClock`].
//! - [`email`]: [`EmailAddress`], parsed once and safe to hand to a mail transport.
//! - [`Money`] and [`Currency`]: integer minor units, never floats.
//! - [`page`]: keyset pagination ([`PageRequest`], [`Cursor`], [`Page`]).
//! - [`secret`]: [`PasswordHash`], the opaque stored form of a password, and
//!   [`PasswordRejection`], the policy rule a password broke; both are shared by
//!   registration (identity) and login and password changes (security).
//! - [`storage`]: [`StorageError`], the infrastructure failure every port may report.
//! - [`username`] and [`language`]: [`Username`] and [`LanguageTag`], the names and
//!   language every domain that addresses a person speaks.
//! - [`credential`]: [`CredentialPreparer`], through which registration (identity)
//!   has a first password checked and hashed (security implements it);
//! - [`contact`]: [`AccountContact`], the one read model of an account's names and
//!   addresses, behind the [`AccountContacts`] port that identity's storage serves.
//! - [`mail`]: [`NewMessage`], the mail a change writes in its own transaction, and
//!   [`NoticeComposer`], the port through which a domain has its notices rendered.
//! - [`audit`]: [`AuditEntry`], the audit-trail line a change writes in its own
//!   transaction (the security domain names its kinds; the app translates).
//! - [`token`]: [`SecretToken`] and [`TokenDigest`]: random tokens stored only as
//!   SHA-256 digests.
//!
//! ```
//! use portico_kernel::{AccountId, EmailAddress, PageRequest};
//!
//! let id = AccountId::generate();
//! assert_eq!(AccountId::parse(&id.to_string()), Ok(id));
//! let email = EmailAddress::parse("Ada@Example.COM").unwrap();
//! assert_eq!(email.as_str(), "Ada@example.com");
//! let page = PageRequest::new(Some(500), None).unwrap();
//! assert_eq!(page.limit(), 200);
//! ```

pub mod audit;
mod client;
mod clock;
pub mod contact;
pub mod credential;
pub mod email;
pub mod ids;
pub mod language;
pub mod mail;
mod money;
pub mod page;
pub mod secret;
pub mod storage;
pub mod text_rules;
pub mod token;
pub mod username;

/// Ports are async traits written with this macro; an embedder implementing one
/// puts `#[portico_kernel::async_trait]` on the `impl` block (a plain `async fn`
/// in the impl does not match the boxed future the trait declares: error E0195).
pub use async_trait::async_trait;

pub use audit::AuditEntry;
pub use client::ClientInfo;
pub use clock::{Clock, FixedClock, SystemClock};
pub use contact::{AccountContact, AccountContacts};
pub use credential::{CredentialPreparer, PrepareCredentialError};
pub use email::{EmailAddress, InvalidEmail};
pub use ids::{
    AccountId, AddressId, CommissionId, DelegateId, DestinationId, EmailId, EventId, InvalidId,
    LinkId, MessageId, PayoutId, PhoneId, SessionId, WhitelistEntryId,
};
pub use language::{InvalidLanguageTag, LanguageTag};
pub use mail::{
    ComposeError, Content, NewMessage, Notice, NoticeComposer, NoticeValue, OneTimeLink,
};
pub use money::{Currency, InvalidCurrency, Money};
pub use page::{Cursor, InvalidCursor, Page, PageRequest};
pub use secret::{Password, PasswordHash, PasswordRejection};
pub use storage::StorageError;
pub use token::{SecretToken, TokenDigest};
pub use username::{InvalidUsername, Username};

/// mockall doubles of the kernel's ports, and a plain composer that writes a notice's values as text, for an embedder's unit tests (feature `mocks`).
#[cfg(any(test, feature = "mocks"))]
pub mod mocks {
    pub use crate::contact::MockAccountContacts;
    pub use crate::credential::MockCredentialPreparer;
    pub use crate::mail::MockNoticeComposer;
    pub use crate::mail::plain::PlainComposer;
}
