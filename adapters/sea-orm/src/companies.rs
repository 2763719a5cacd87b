//! [`CompanyRepository`] on SeaORM.

use async_trait::async_trait;
use portico_identity::ports::CompanyRepository;
use portico_identity::{Company, CompanyName, TaxId};
use portico_kernel::{AccountId, StorageError};
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, EntityTrait, Set};
use time::OffsetDateTime;

use crate::entities::company;
use crate::errors::storage;
use crate::mapping::{micros, stored, stored_opt};

/// Company details in the `companies` table, one row per account.
#[derive(Debug, Clone)]
pub struct SeaCompanies {
    db: DatabaseConnection,
}

impl SeaCompanies {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl CompanyRepository for SeaCompanies {
    #[tracing::instrument(level = "debug", name = "SeaCompanies::get", skip_all, fields(account = %account))]
    async fn get(&self, account: AccountId) -> Result<Option<Company>, StorageError> {
        let Some(row) = company::Entity::find_by_id(account.to_string())
            .one(&self.db)
            .await
            .map_err(storage)?
        else {
            return Ok(None);
        };
        Ok(Some(Company {
            name: stored(&row.name, CompanyName::parse, "company name")?,
            tax_id: stored_opt(row.tax_id.as_deref(), TaxId::parse, "tax id")?,
        }))
    }

    #[tracing::instrument(level = "debug", name = "SeaCompanies::put", skip_all, fields(account = %account))]
    async fn put(
        &self,
        account: AccountId,
        details: &Company,
        at: OffsetDateTime,
    ) -> Result<(), StorageError> {
        let row = company::ActiveModel {
            account_id: Set(account.to_string()),
            name: Set(details.name.as_str().to_owned()),
            tax_id: Set(details.tax_id.as_ref().map(|t| t.as_str().to_owned())),
            updated_at: Set(micros(at)),
        };
        // One statement, so two concurrent PUTs cannot both try to insert.
        company::Entity::insert(row)
            .on_conflict(
                OnConflict::column(company::Column::AccountId)
                    .update_columns([
                        company::Column::Name,
                        company::Column::TaxId,
                        company::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec(&self.db)
            .await
            .map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaCompanies::delete", skip_all, fields(account = %account))]
    async fn delete(&self, account: AccountId) -> Result<bool, StorageError> {
        let result = company::Entity::delete_by_id(account.to_string())
            .exec(&self.db)
            .await
            .map_err(storage)?;
        Ok(result.rows_affected > 0)
    }
}
