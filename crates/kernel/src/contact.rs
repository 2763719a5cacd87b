//! The one read model of "who is this account and how do we reach them" that every
//! domain needs to mail a person or to check a password against their names.
//!
//! Identity owns these facts; its storage serves [`AccountContacts`], and the
//! application hands that one implementation to every domain that asks.

use async_trait::async_trait;

use crate::{AccountId, EmailAddress, LanguageTag, StorageError, Username};

/// An account's names and addresses, as other domains may read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountContact {
    /// The username.
    pub username: Username,
    /// The primary address (verified or not: it is the one the client chose).
    pub primary_email: EmailAddress,
    /// The verified addresses, the primary one too once verified.
    pub verified_emails: Vec<EmailAddress>,
    /// Every address, verified or not (a password must not be built from any).
    pub all_emails: Vec<EmailAddress>,
    /// The language the account reads mail in.
    pub language: LanguageTag,
}

impl AccountContact {
    /// Where notices about the account go: the primary address, then every other
    /// verified one, each once.
    pub fn notice_recipients(&self) -> Vec<&EmailAddress> {
        EmailAddress::notice_recipients(&self.primary_email, &self.verified_emails)
    }
}

/// Reads [`AccountContact`]s.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait AccountContacts: Send + Sync {
    /// The account's contact facts; `None` when the account does not exist.
    async fn contact(&self, account: AccountId) -> Result<Option<AccountContact>, StorageError>;
}
