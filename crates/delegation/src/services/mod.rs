//! The delegation services.

pub mod access;
pub mod delegates;
pub mod invitations;
pub mod products;

pub use access::{AccessDecisions, DelegatedAccount};
pub use delegates::{DelegateError, DelegatePorts, Delegates};
pub use invitations::Invitations;
pub use products::{ProductError, Products};
