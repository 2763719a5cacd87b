//! Platform side of delegation: product sync and access decisions.

use std::sync::Arc;

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_delegation::{ProductId, ProductName};
use portico_kernel::AccountId;

use crate::api::ApiTags;
use crate::http::platform_auth::PlatformAuth;
use crate::http::problem::ApiError;
use crate::wiring::Services;

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

/// Answers of the product sync operations.
#[derive(ApiResponse)]
pub enum ProductSyncResponse {
    /// Stored (or removed).
    #[oai(status = 204)]
    Done,
}

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
    /// May `actor` act on `product` of `account`? The account itself may, on its own
    /// products; a delegate within its current scope. Decided afresh every time.
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

    /// Create or rename a product of an account.
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
    ) -> Result<ProductSyncResponse, ApiError> {
        let account = AccountId::parse(&id.0).map_err(|_| ApiError::not_found("account"))?;
        let product = ProductId::parse(&product_id.0)
            .map_err(|e| ApiError::invalid_field("product_id", e))?;
        let name = body.0.try_into_domain()?;
        self.services.products.put(account, product, name).await?;
        Ok(ProductSyncResponse::Done)
    }

    /// Remove a product of an account; no delegate may act on it any more.
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
    ) -> Result<ProductSyncResponse, ApiError> {
        let account = AccountId::parse(&id.0).map_err(|_| ApiError::not_found("account"))?;
        let product =
            ProductId::parse(&product_id.0).map_err(|_| ApiError::not_found("product"))?;
        self.services.products.remove(account, &product).await?;
        Ok(ProductSyncResponse::Done)
    }
}
