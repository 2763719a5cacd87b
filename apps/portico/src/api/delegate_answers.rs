//! What each delegate operation answers when it succeeds, one type per operation so
//! that the spec describes each answer in that operation's words.

use poem_openapi::ApiResponse;
use poem_openapi::payload::Json;

use crate::api::delegates::{DelegateBody, DelegateList, DelegatedAccountList, ProductList};
use crate::api::one_answer;

/// Answers of `GET /v1/me/products`.
#[derive(ApiResponse)]
pub enum ProductListResponse {
    /// My products.
    #[oai(status = 200)]
    Ok(Json<ProductList>),
}

/// Answers of `GET /v1/me/delegates`.
#[derive(ApiResponse)]
pub enum DelegateListResponse {
    /// My delegates.
    #[oai(status = 200)]
    Ok(Json<DelegateList>),
}

/// Answers of `POST /v1/me/delegates`.
#[derive(ApiResponse)]
pub enum InviteResponse {
    /// Invited; the link was mailed to the address.
    #[oai(status = 201)]
    Created(Json<DelegateBody>),
}

one_answer!(
    /// Answers of `changeDelegateScope`.
    ScopeChanged,
    200,
    "The delegate with its new scope, which the next access decision follows.",
    Json<DelegateBody>
);
one_answer!(
    /// Answers of `acceptDelegateInvitation`.
    InvitationAccepted,
    200,
    "I am now an active delegate of the inviting account.",
    Json<DelegateBody>
);

/// Answers of `DELETE /v1/me/delegates/{id}`.
#[derive(ApiResponse)]
pub enum RevokeResponse {
    /// Revoked (or the invitation withdrawn).
    #[oai(status = 204)]
    Revoked,
}

/// Answers of `GET /v1/me/delegated-accounts`.
#[derive(ApiResponse)]
pub enum DelegatedAccountsResponse {
    /// The accounts.
    #[oai(status = 200)]
    Ok(Json<DelegatedAccountList>),
}
