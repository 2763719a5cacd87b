//! The company an account bills as.

use std::sync::Arc;

use portico_kernel::{AccountId, Clock, StorageError};

use crate::company::Company;
use crate::ports::CompanyRepository;

/// Why a company operation failed.
#[derive(Debug, thiserror::Error)]
pub enum CompanyError {
    /// The account has not set company details.
    #[error("no company details are set")]
    NotFound,
    /// Storage failed.
    #[error("company storage failed")]
    Unexpected(#[from] StorageError),
}

/// Reads, sets and removes an account's company details. The tax id was checked for
/// its country's format when it was parsed, so every stored one is valid.
#[derive(Clone)]
pub struct CompanyDetails {
    companies: Arc<dyn CompanyRepository>,
    clock: Arc<dyn Clock>,
}

impl CompanyDetails {
    /// Wires the service to its ports.
    pub fn new(companies: Arc<dyn CompanyRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { companies, clock }
    }

    /// The account's company.
    #[tracing::instrument(name = "CompanyDetails::get", skip_all, fields(account = %account))]
    pub async fn get(&self, account: AccountId) -> Result<Company, CompanyError> {
        self.companies
            .get(account)
            .await?
            .ok_or(CompanyError::NotFound)
    }

    /// Sets or replaces the account's company.
    #[tracing::instrument(name = "CompanyDetails::set", skip_all, fields(account = %account))]
    pub async fn set(&self, account: AccountId, company: Company) -> Result<Company, CompanyError> {
        self.companies
            .put(account, &company, self.clock.now())
            .await?;
        Ok(company)
    }

    /// Removes the account's company details.
    #[tracing::instrument(name = "CompanyDetails::remove", skip_all, fields(account = %account))]
    pub async fn remove(&self, account: AccountId) -> Result<(), CompanyError> {
        if self.companies.delete(account).await? {
            Ok(())
        } else {
            Err(CompanyError::NotFound)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MockCompanyRepository;
    use crate::test_support::fixed_clock;

    #[tokio::test]
    async fn an_account_without_company_details_reads_as_not_found() {
        let mut companies = MockCompanyRepository::new();
        companies.expect_get().returning(|_| Ok(None));
        let details = CompanyDetails::new(Arc::new(companies), Arc::new(fixed_clock()));

        assert!(matches!(
            details.get(AccountId::generate()).await,
            Err(CompanyError::NotFound)
        ));
    }

    #[tokio::test]
    async fn removing_absent_details_is_not_found() {
        let mut companies = MockCompanyRepository::new();
        companies.expect_delete().returning(|_| Ok(false));
        let details = CompanyDetails::new(Arc::new(companies), Arc::new(fixed_clock()));

        assert!(matches!(
            details.remove(AccountId::generate()).await,
            Err(CompanyError::NotFound)
        ));
    }
}
