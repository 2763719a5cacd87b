//! The ports of the identity domain: what it needs from storage and from security.
//!
//! Every port is an async trait, `Send + Sync`, with one implementation per adapter.
//! With the `mocks` feature (or in this crate's tests) each has a mockall double,
//! `Mock<PortName>`.

use async_trait::async_trait;
use portico_kernel::{
    AccountId, AddressId, ClientInfo, EmailAddress, EmailId, NewMessage, Page, PageRequest,
    PhoneId, StorageError, TokenDigest,
};

use time::OffsetDateTime;

use crate::account::{AccountEmail, NewAccount, Phone, Profile, ProfileChange};
use crate::company::Company;
use crate::email_verification::EmailVerification;
use crate::postal_address::{PostalAddress, PostalAddressFields};

/// Why an account could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum CreateAccountError {
    /// MUST mean: another account already has this username, compared case-insensitively.
    #[error("the username is taken")]
    UsernameTaken,
    /// MUST mean: another account already has this email address (any of its
    /// addresses), compared case-insensitively.
    #[error("the email address is taken")]
    EmailTaken,
    /// Storage failed; nothing was stored.
    #[error(transparent)]
    Unexpected(#[from] StorageError),
}

/// Accounts and their profile.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait AccountRepository: Send + Sync {
    /// Stores the account, its profile, its first email (primary, unverified), its
    /// password hash, the email's pending verification and the welcome message, all in
    /// one transaction: either all exist afterwards or none.
    async fn create(
        &self,
        account: &NewAccount,
        verification: &EmailVerification,
        welcome: &NewMessage,
    ) -> Result<(), CreateAccountError>;

    /// The profile of an account; `None` when the account does not exist.
    async fn profile(&self, account: AccountId) -> Result<Option<Profile>, StorageError>;

    /// Applies a partial change and returns the profile as it is afterwards; `None`
    /// when the account does not exist.
    async fn update_profile(
        &self,
        account: AccountId,
        change: &ProfileChange,
    ) -> Result<Option<Profile>, StorageError>;
}

/// The email addresses of accounts.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait EmailRepository: Send + Sync {
    /// One page of the account's addresses, oldest first.
    async fn list(
        &self,
        account: AccountId,
        page: &PageRequest,
    ) -> Result<Page<AccountEmail>, StorageError>;

    /// How many addresses the account has.
    async fn count(&self, account: AccountId) -> Result<u64, StorageError>;

    /// Adds an unverified, non-primary address with its pending verification and the
    /// verification message, in one transaction, unless the account already has
    /// `limit` addresses (counted under the account's lock).
    async fn add(
        &self,
        account: AccountId,
        email: &AccountEmail,
        verification: &EmailVerification,
        message: &NewMessage,
        limit: u64,
    ) -> Result<(), EmailWriteError>;

    /// Replaces a non-primary address with a new, unverified one, with a new pending
    /// verification (the old one is voided) and the verification message, in one
    /// transaction.
    async fn change_address(
        &self,
        account: AccountId,
        id: EmailId,
        address: &EmailAddress,
        verification: &EmailVerification,
        message: &NewMessage,
    ) -> Result<(), EmailWriteError>;

    /// Marks the address verified if `digest` is its pending token's and the token has
    /// not expired at `now`; the token is used up either way it succeeds. Only an
    /// address of `account` can be verified.
    async fn verify(
        &self,
        account: AccountId,
        id: EmailId,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> Result<VerifyOutcome, StorageError>;

    /// Makes a verified address the primary one, in one transaction under the
    /// account's lock, provided `former` is still the primary address (the notice was
    /// written for it); writes the notice, if any, in the same transaction.
    async fn make_primary(
        &self,
        account: AccountId,
        id: EmailId,
        former: EmailId,
        notice: Option<NewMessage>,
    ) -> Result<(), EmailWriteError>;

    /// Removes an address of the account if [`check_removal`] allows it, judged on
    /// the account's addresses as they are inside the same locked transaction, so two
    /// concurrent removals cannot together remove the last verified address.
    ///
    /// [`check_removal`]: crate::email_rules::check_removal
    async fn remove(&self, account: AccountId, id: EmailId) -> Result<(), RemoveEmailError>;
}

/// Why an email address could not be written; nothing changed in any case.
#[derive(Debug, thiserror::Error)]
pub enum EmailWriteError {
    /// MUST mean: the account has no address with this id.
    #[error("no such email address")]
    NotFound,
    /// MUST mean: another address (of any account) is the same, case-insensitively.
    #[error("the address is already in use")]
    Taken,
    /// MUST mean: the address is the primary one, which cannot be edited.
    #[error("the primary address cannot be edited")]
    Primary,
    /// MUST mean: the address is not verified, so it cannot become primary.
    #[error("the address is not verified")]
    NotVerified,
    /// MUST mean: the account already has as many addresses as allowed.
    #[error("the account has the most addresses allowed")]
    LimitReached,
    /// MUST mean: the primary address changed since the request read it.
    #[error("the addresses changed meanwhile")]
    Changed,
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StorageError),
}

/// What a verification attempt found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyOutcome {
    /// The address is now verified.
    Verified,
    /// The address was already verified; nothing changed.
    AlreadyVerified,
    /// The token is wrong, used up or expired.
    InvalidToken,
    /// The account has no such address.
    NotFound,
}

/// Why an email address was not removed; nothing changed in any case.
#[derive(Debug, thiserror::Error)]
pub enum RemoveEmailError {
    /// The rules refuse it (or the account has no such address).
    #[error(transparent)]
    Refused(#[from] crate::email_rules::RemovalRefused),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StorageError),
}

/// Why a phone number could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PhoneWriteError {
    /// MUST mean: the account already lists this number under another id.
    #[error("the number is already listed")]
    Duplicate,
    /// Storage failed; nothing was written.
    #[error(transparent)]
    Unexpected(#[from] StorageError),
}

/// The phone numbers of accounts.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PhoneRepository: Send + Sync {
    /// One page of the account's numbers, oldest first.
    async fn list(
        &self,
        account: AccountId,
        page: &PageRequest,
    ) -> Result<Page<Phone>, StorageError>;
    /// How many numbers the account lists.
    async fn count(&self, account: AccountId) -> Result<u64, StorageError>;
    /// One number, if the account has it.
    async fn find(&self, account: AccountId, id: PhoneId) -> Result<Option<Phone>, StorageError>;
    /// Adds a number.
    async fn insert(&self, account: AccountId, phone: &Phone) -> Result<(), PhoneWriteError>;
    /// Replaces a number's fields; `false` when the account has no such number.
    async fn update(&self, account: AccountId, phone: &Phone) -> Result<bool, PhoneWriteError>;
    /// Removes a number; `false` when the account has no such number.
    async fn delete(&self, account: AccountId, id: PhoneId) -> Result<bool, StorageError>;
}

/// The postal addresses of accounts.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait AddressRepository: Send + Sync {
    /// One page of the account's addresses, oldest first.
    async fn list(
        &self,
        account: AccountId,
        page: &PageRequest,
    ) -> Result<Page<PostalAddress>, StorageError>;
    /// How many addresses the account has.
    async fn count(&self, account: AccountId) -> Result<u64, StorageError>;
    /// One address, if the account has it.
    async fn find(
        &self,
        account: AccountId,
        id: AddressId,
    ) -> Result<Option<PostalAddress>, StorageError>;
    /// Adds an address. When it is the default billing address, every other address of
    /// the account stops being the default in the same transaction.
    async fn insert(&self, account: AccountId, address: &PostalAddress)
    -> Result<(), StorageError>;
    /// Replaces an address's fields. With `make_default` it becomes the default
    /// billing address and every other address of the account stops being it, in the
    /// same transaction; without, the stored default flag is left as it is (so a
    /// concurrent change of the default is never undone). Returns the address as
    /// stored afterwards; `None` when the account has no such address.
    async fn update(
        &self,
        account: AccountId,
        id: AddressId,
        fields: &PostalAddressFields,
        make_default: bool,
    ) -> Result<Option<PostalAddress>, StorageError>;
    /// Removes an address. When it was the default, the oldest remaining address
    /// becomes the default in the same transaction. `false` when there was no such
    /// address.
    async fn delete(&self, account: AccountId, id: AddressId) -> Result<bool, StorageError>;
}

/// The company details of accounts (at most one per account).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CompanyRepository: Send + Sync {
    /// The account's company, if it set one.
    async fn get(&self, account: AccountId) -> Result<Option<Company>, StorageError>;
    /// Sets or replaces the account's company, recording when.
    async fn put(
        &self,
        account: AccountId,
        company: &Company,
        at: OffsetDateTime,
    ) -> Result<(), StorageError>;
    /// Removes it; `false` when there was none.
    async fn delete(&self, account: AccountId) -> Result<bool, StorageError>;
}

#[cfg(any(test, feature = "mocks"))]
pub use portico_kernel::credential::MockCredentialPreparer;
pub use portico_kernel::credential::{CredentialPreparer, PrepareCredentialError};

/// A change to an account's email addresses, for its security audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailChange {
    /// An address was added (unverified).
    Added,
    /// An address was replaced by another (unverified again).
    Changed,
    /// An address was verified.
    Verified,
    /// Another address became the primary one.
    MadePrimary,
    /// An address was removed.
    Removed,
}

/// The security audit trail, as far as email changes go (implemented over the
/// security domain's trail).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait EmailAuditTrail: Send + Sync {
    /// Records an email change of the account, with a public detail (the address).
    async fn record(
        &self,
        account: AccountId,
        change: EmailChange,
        detail: String,
        at: OffsetDateTime,
        client: &ClientInfo,
    ) -> Result<(), StorageError>;
}
