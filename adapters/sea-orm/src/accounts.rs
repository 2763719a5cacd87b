//! [`AccountRepository`] on SeaORM.

use async_trait::async_trait;
use portico_identity::ports::{AccountRepository, CreateAccountError};
use portico_identity::{
    EmailVerification, LanguageTag, NewAccount, PersonName, Profile, ProfileChange, Username,
};
use portico_kernel::{AccountId, StorageError};
use portico_mail_log::NewMessage;
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, Set};

use crate::emails::save_verification;
use crate::entities::{account, account_email, credential};
use crate::errors::{is_unique_violation, storage};
use crate::mapping::{instant, micros, stored};
use crate::outbox::insert_message;
use crate::transactions::begin_write;

/// Accounts and profiles in the `accounts` table; registration also writes
/// `account_emails` and `credentials`.
#[derive(Debug, Clone)]
pub struct SeaAccounts {
    db: DatabaseConnection,
    reads: DatabaseConnection,
}

impl SeaAccounts {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            reads: db.clone(),
            db,
        }
    }

    /// The same repository, reading profiles from `reads` (see
    /// `Database::read_connection`).
    pub fn reading_from(self, reads: DatabaseConnection) -> Self {
        Self { reads, ..self }
    }
}

fn classify(error: DbErr) -> CreateAccountError {
    if is_unique_violation(&error, "username_key") {
        CreateAccountError::UsernameTaken
    } else if is_unique_violation(&error, "address_key") {
        CreateAccountError::EmailTaken
    } else {
        CreateAccountError::Unexpected(storage(error))
    }
}

pub(crate) fn to_profile(row: account::Model) -> Result<Profile, StorageError> {
    Ok(Profile {
        id: stored(&row.id, AccountId::parse, "account id")?,
        username: stored(&row.username, Username::parse, "username")?,
        first_name: stored(&row.first_name, PersonName::parse, "first name")?,
        last_name: stored(&row.last_name, PersonName::parse, "last name")?,
        language: stored(&row.language, LanguageTag::parse, "language")?,
        created_at: instant(row.created_at)?,
    })
}

#[async_trait]
impl AccountRepository for SeaAccounts {
    #[tracing::instrument(level = "debug", name = "SeaAccounts::create", skip_all)]
    async fn create(
        &self,
        new: &NewAccount,
        verification: &EmailVerification,
        welcome: &NewMessage,
    ) -> Result<(), CreateAccountError> {
        let registration = &new.registration;
        let txn = begin_write(&self.db).await.map_err(classify)?;
        // No look-ups first: the unique indexes on the folded username and address
        // decide, also between concurrent registrations, and any failure rolls the
        // whole transaction back when `txn` is dropped.
        let id = new.id.to_string();
        account::ActiveModel {
            id: Set(id.clone()),
            username: Set(registration.username.as_str().to_owned()),
            username_key: Set(registration.username.key()),
            first_name: Set(registration.first_name.as_str().to_owned()),
            last_name: Set(registration.last_name.as_str().to_owned()),
            language: Set(registration.language.as_str().to_owned()),
            created_at: Set(micros(new.created_at)),
        }
        .insert(&txn)
        .await
        .map_err(classify)?;
        account_email::ActiveModel {
            id: Set(new.email_id.to_string()),
            account_id: Set(id.clone()),
            address: Set(registration.email.as_str().to_owned()),
            address_key: Set(registration.email.key()),
            verified: Set(false),
            is_primary: Set(true),
            created_at: Set(micros(new.created_at)),
        }
        .insert(&txn)
        .await
        .map_err(classify)?;
        credential::ActiveModel {
            account_id: Set(id),
            password_hash: Set(new.password_hash.as_phc().to_owned()),
            updated_at: Set(micros(new.created_at)),
        }
        .insert(&txn)
        .await
        .map_err(classify)?;
        save_verification(&txn, verification).await?;
        insert_message(&txn, welcome).await?;
        txn.commit().await.map_err(classify)
    }

    #[tracing::instrument(level = "debug", name = "SeaAccounts::profile", skip_all, fields(account = %id))]
    async fn profile(&self, id: AccountId) -> Result<Option<Profile>, StorageError> {
        account::Entity::find_by_id(id.to_string())
            .one(&self.reads)
            .await
            .map_err(storage)?
            .map(to_profile)
            .transpose()
    }

    #[tracing::instrument(level = "debug", name = "SeaAccounts::update_profile", skip_all, fields(account = %id))]
    async fn update_profile(
        &self,
        id: AccountId,
        change: &ProfileChange,
    ) -> Result<Option<Profile>, StorageError> {
        let Some(row) = account::Entity::find_by_id(id.to_string())
            .one(&self.db)
            .await
            .map_err(storage)?
        else {
            return Ok(None);
        };
        let mut active = row.into_active_model();
        if let Some(first_name) = &change.first_name {
            active.first_name = Set(first_name.as_str().to_owned());
        }
        if let Some(last_name) = &change.last_name {
            active.last_name = Set(last_name.as_str().to_owned());
        }
        if let Some(language) = &change.language {
            active.language = Set(language.as_str().to_owned());
        }
        let row = active.update(&self.db).await.map_err(storage)?;
        to_profile(row).map(Some)
    }
}
