//! Portico's delegation domain: letting other people act for an account.
//!
//! Layout:
//! - [`product`]: the account's contract products, kept in sync by the billing system
//!   through the platform API (Portico does not own billing);
//! - [`scope`]: what a delegate may act on, `all` products (including ones added
//!   later) or a set the granting account owns;
//! - [`delegate`]: invitations (to an email address, a seven-day single-use token
//!   stored hashed) and the grants they become when the account holding that
//!   address, verified, accepts;
//! - [`ports`]: the storage of delegates, products and grants (what access
//!   decisions read), and the owner's audit trail ([`ports::DelegateAudit`],
//!   implemented where the trail's owner is known);
//! - [`services`]: [`Delegates`] (the owner's side), [`Invitations`] (accepting),
//!   [`AccessDecisions`] (may actor X act on product P of account A, answered from
//!   the current grants every time, never from a cache that outlives a revocation)
//!   and [`Products`].
//!
//! A delegate never gains the account's security settings (password, 2FA, IP
//! whitelist, delegates, payout details, email history): Portico's own `/v1/me`
//! API always acts for the session's own account, and delegation answers only the
//! access question the platform asks about products.
//!
//! It depends on `portico-kernel` alone; an embedder implements its ports with
//! `#[portico_kernel::async_trait]` and finds doubles under `mocks` (feature
//! `mocks`), see `docs/embedding.md`. `examples/access_decision.rs` answers the
//! access question over in-memory products and grants.
//!
//! ```no_run
//! use std::sync::Arc;
//! use portico_delegation::{AccessDecisions, ProductId};
//! use portico_delegation::ports::{GrantRepository, ProductRepository};
//! use portico_kernel::AccountId;
//!
//! async fn may_act(
//!     products: Arc<dyn ProductRepository>,
//!     grants: Arc<dyn GrantRepository>,
//!     actor: AccountId,
//!     owner: AccountId,
//! ) -> Result<bool, Box<dyn std::error::Error>> {
//!     let access = AccessDecisions::new(products, grants);
//!     Ok(access.decide(actor, owner, &ProductId::parse("vps-17")?).await?)
//! }
//! ```

pub mod delegate;
pub mod notice;
pub mod ports;
pub mod product;
pub mod scope;
pub mod services;

pub use delegate::{Delegate, DelegateStatus, INVITATION_LIFETIME, IssuedInvitation};
pub use notice::{DelegateChange, DelegationNotice};
pub use product::{InvalidProductId, InvalidProductName, Product, ProductId, ProductName};
pub use scope::{MAX_SCOPE_PRODUCTS, Scope, ScopeError};
pub use services::{
    AccessDecisions, DelegateError, DelegatePorts, DelegatedAccount, Delegates, Invitations,
    ProductError, Products,
};

/// mockall doubles of delegation's ports, for an embedder's unit tests (feature `mocks`).
#[cfg(any(test, feature = "mocks"))]
pub mod mocks {
    pub use crate::ports::{
        MockDelegateAudit, MockDelegateRepository, MockGrantRepository, MockProductRepository,
    };
}
