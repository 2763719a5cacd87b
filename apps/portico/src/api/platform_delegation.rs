//! Platform side of delegation: product sync and access decisions.

use std::sync::Arc;

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_delegation::{ProductId, ProductName};
use portico_kernel::AccountId;

use crate::api::{ApiTags, one_answer};
use crate::contract::operation_problems::OperationProblems;
use crate::http::platform_auth::PlatformAuth;
use crate::http::problem::ApiError;
use crate::wiring::Services;

/// The problem types this module's operations answer beyond those their shape implies
/// (see `crate::contract`).
pub const PROBLEMS: &[OperationProblems] = &[
    OperationProblems {
        operation: "decideAccess",
        slugs: &["validation-failed"],
    },
    OperationProblems {
        operation: "setProduct",
        slugs: &["not-found"],
    },
    OperationProblems {
        operation: "removeProduct",
        slugs: &["not-found"],
    },
];

/// A product as the billing system describes it.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct ProductPut {
    /// Its display name.
    #[oai(nullable)]
    name: Option<String>,
}

impl ProductPut {
    /// The display name, when one is given.
    fn try_into_domain(&self) -> Result<Option<ProductName>, ApiError> {
        self.name
            .as_deref()
            .map(ProductName::parse)
            .transpose()
            .map_err(|e| ApiError::invalid_field("name", e))
    }
}

/// An access decision.
#[derive(Debug, Object)]
pub struct AccessBody {
    /// Whether the actor may act on the product of the account.
    allowed: bool,
}

one_answer!(
    /// Answers of `setProduct`.
    ProductSet,
    204,
    "The product is stored under this id, with this name."
);
one_answer!(
    /// Answers of `removeProduct`.
    ProductRemoved,
    204,
    "The product is gone; no delegate may act on it any more."
);

/// Answers of `GET /v1/platform/access`.
#[derive(ApiResponse)]
pub enum AccessResponse {
    /// The decision.
    #[oai(status = 200)]
    Ok(Json<AccessBody>),
}

/// Delegation for the platform.
pub struct PlatformDelegationApi {
    services: Arc<Services>,
}

impl PlatformDelegationApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

fn account_id(text: &str, field: &str) -> Result<AccountId, ApiError> {
    AccountId::parse(text).map_err(|_| ApiError::invalid_field(field, "not an account id"))
}

#[OpenApi(prefix_path = "/v1/platform", tag = "ApiTags::Platform")]
impl PlatformDelegationApi {
    /// Decide whether an account may act on a product.
    ///
    /// The account itself may act on its own products; a delegate only within its
    /// current scope. Decided afresh every time, so a revocation takes effect at once.
    #[oai(path = "/access", method = "get", operation_id = "decideAccess")]
    async fn access(
        &self,
        _auth: PlatformAuth,
        /// The acting account.
        actor: Query<String>,
        /// The account that owns the product.
        account: Query<String>,
        /// The product id.
        product: Query<String>,
    ) -> Result<AccessResponse, ApiError> {
        let actor = account_id(&actor.0, "actor")?;
        let account = account_id(&account.0, "account")?;
        let product =
            ProductId::parse(&product.0).map_err(|e| ApiError::invalid_field("product", e))?;
        let allowed = self
            .services
            .access
            .decide(actor, account, &product)
            .await
            .map_err(|e| ApiError::internal(&e))?;
        Ok(AccessResponse::Ok(Json(AccessBody { allowed })))
    }

    /// Store a product of an account.
    ///
    /// For the billing system: creates the product, or renames it.
    #[oai(
        path = "/accounts/:id/products/:product_id",
        method = "put",
        operation_id = "setProduct"
    )]
    async fn put_product(
        &self,
        _auth: PlatformAuth,
        id: Path<String>,
        product_id: Path<String>,
        body: Json<ProductPut>,
    ) -> Result<ProductSet, ApiError> {
        let account = AccountId::parse(&id.0).map_err(|_| ApiError::not_found("account"))?;
        let product = ProductId::parse(&product_id.0)
            .map_err(|e| ApiError::invalid_field("product_id", e))?;
        let name = body.0.try_into_domain()?;
        self.services.products.put(account, product, name).await?;
        Ok(ProductSet::Answer)
    }

    /// Remove a product of an account.
    ///
    /// For the billing system: no delegate may act on it any more.
    #[oai(
        path = "/accounts/:id/products/:product_id",
        method = "delete",
        operation_id = "removeProduct"
    )]
    async fn remove_product(
        &self,
        _auth: PlatformAuth,
        id: Path<String>,
        product_id: Path<String>,
    ) -> Result<ProductRemoved, ApiError> {
        let account = AccountId::parse(&id.0).map_err(|_| ApiError::not_found("account"))?;
        let product =
            ProductId::parse(&product_id.0).map_err(|_| ApiError::not_found("product"))?;
        self.services.products.remove(account, &product).await?;
        Ok(ProductRemoved::Answer)
    }
}
