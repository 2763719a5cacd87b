//! `GET, PUT, DELETE /v1/me/company`.

use std::sync::Arc;

use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_identity::{Company, CompanyName, TaxId};

use crate::api::{ApiTags, one_answer};
use crate::contract::operation_problems::OperationProblems;
use crate::http::auth::SessionAuth;
use crate::http::problem::ApiError;
use crate::http::validation::Validator;
use crate::wiring::Services;

/// The problem types this module's operations answer beyond those their shape implies
/// (see `crate::contract`).
pub const PROBLEMS: &[OperationProblems] = &[
    OperationProblems {
        operation: "getCompany",
        slugs: &["not-found"],
    },
    OperationProblems {
        operation: "removeCompany",
        slugs: &["not-found"],
    },
];

/// The company I bill as.
#[derive(Debug, Object)]
pub struct CompanyBody {
    /// Legal name.
    name: String,
    /// VAT or other tax id. VAT IDs of EU member states, XI, GB, CH and NO are checked
    /// for their country's format and stored compact (`DE123456789`).
    #[oai(skip_serializing_if_is_none)]
    tax_id: Option<String>,
}

impl From<Company> for CompanyBody {
    fn from(company: Company) -> Self {
        Self {
            name: company.name.as_str().to_owned(),
            tax_id: company.tax_id.map(|t| t.as_str().to_owned()),
        }
    }
}

/// Company details to set.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct CompanyRequest {
    /// Legal name.
    pub(crate) name: String,
    /// VAT or other tax id.
    #[oai(nullable)]
    pub(crate) tax_id: Option<String>,
}

impl CompanyRequest {
    /// The details as the domain takes them, or every field at fault.
    pub(crate) fn try_into_domain(&self) -> Result<Company, ApiError> {
        let mut v = Validator::default();
        let name = v.check("name", CompanyName::parse(&self.name));
        let tax_id = v.check_opt("tax_id", self.tax_id.as_deref().map(TaxId::parse));
        let (Some(name), Some(tax_id)) = (name, tax_id) else {
            return Err(v.into_error());
        };
        Ok(Company { name, tax_id })
    }
}

one_answer!(
    /// Answers of `getCompany`.
    CompanyFound,
    200,
    "My company details.",
    Json<CompanyBody>
);
one_answer!(
    /// Answers of `setCompany`.
    CompanySet,
    200,
    "The company details as they are now.",
    Json<CompanyBody>
);

/// Answers of `DELETE /v1/me/company`.
#[derive(ApiResponse)]
pub enum CompanyDeleted {
    /// The details are gone.
    #[oai(status = 204)]
    Deleted,
}

/// Company details.
pub struct CompanyApi {
    services: Arc<Services>,
}

impl CompanyApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

#[OpenApi(prefix_path = "/v1/me", tag = "ApiTags::Profile")]
impl CompanyApi {
    /// Read my company details.
    ///
    /// The company name and Tax/VAT ID of my account; 404 while none are set.
    #[oai(path = "/company", method = "get", operation_id = "getCompany")]
    async fn get(&self, auth: SessionAuth) -> Result<CompanyFound, ApiError> {
        let company = self.services.companies.get(auth.0.account).await?;
        Ok(CompanyFound::Answer(Json(company.into())))
    }

    /// Set my company details.
    ///
    /// Sets or replaces the company name and the Tax/VAT ID of my account.
    #[oai(path = "/company", method = "put", operation_id = "setCompany")]
    async fn put(
        &self,
        auth: SessionAuth,
        body: Json<CompanyRequest>,
    ) -> Result<CompanySet, ApiError> {
        let company = body.0.try_into_domain()?;
        let company = self.services.companies.set(auth.0.account, company).await?;
        Ok(CompanySet::Answer(Json(company.into())))
    }

    /// Remove my company details.
    ///
    /// The account has no company name or Tax/VAT ID any more.
    #[oai(path = "/company", method = "delete", operation_id = "removeCompany")]
    async fn delete(&self, auth: SessionAuth) -> Result<CompanyDeleted, ApiError> {
        self.services.companies.remove(auth.0.account).await?;
        Ok(CompanyDeleted::Deleted)
    }
}
