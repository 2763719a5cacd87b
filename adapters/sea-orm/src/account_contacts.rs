//! [`AccountContacts`] over identity's tables: the one read model every domain that
//! mails a person or checks a password against their names is given.

use async_trait::async_trait;
use portico_kernel::{
    AccountContact, AccountContacts, AccountId, EmailAddress, LanguageTag, StorageError, Username,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::{account, account_email};
use crate::errors::storage;
use crate::mapping::stored;

/// Account contacts read from the `accounts` and `account_emails` tables.
#[derive(Debug, Clone)]
pub struct SeaAccountContacts {
    db: DatabaseConnection,
}

impl SeaAccountContacts {
    /// Contacts over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl AccountContacts for SeaAccountContacts {
    #[tracing::instrument(level = "debug", name = "SeaAccountContacts::contact", skip_all, fields(account = %account))]
    async fn contact(&self, account: AccountId) -> Result<Option<AccountContact>, StorageError> {
        let Some(row) = account::Entity::find_by_id(account.to_string())
            .one(&self.db)
            .await
            .map_err(storage)?
        else {
            return Ok(None);
        };
        let rows = account_email::Entity::find()
            .filter(account_email::Column::AccountId.eq(account.to_string()))
            .order_by_desc(account_email::Column::IsPrimary)
            .all(&self.db)
            .await
            .map_err(storage)?;
        let mut primary = None;
        let mut all_emails = Vec::with_capacity(rows.len());
        let mut verified_emails = Vec::new();
        for row in &rows {
            let address = stored(&row.address, EmailAddress::parse, "email address")?;
            if row.verified {
                verified_emails.push(address.clone());
            }
            if row.is_primary && primary.is_none() {
                primary = Some(address.clone());
            }
            all_emails.push(address);
        }
        let Some(primary_email) = primary else {
            return Err(StorageError::corrupt("account without a primary email"));
        };
        Ok(Some(AccountContact {
            username: stored(&row.username, Username::parse, "username")?,
            primary_email,
            verified_emails,
            all_emails,
            language: stored(&row.language, LanguageTag::parse, "language tag")?,
        }))
    }
}
