//! SeaORM entities: one module per table. They never leave this crate; the
//! repositories map them to domain types at the boundary.

pub mod account;
pub mod account_email;
pub mod company;
pub mod credential;
pub mod delegate;
pub mod delegate_product;
pub mod email_verification;
pub mod ip_whitelist_entry;
pub mod known_device;
pub mod message;
pub mod message_event;
pub mod message_secret;
pub mod password_reset;
pub mod phone;
pub mod postal_address;
pub mod product;
pub mod recovery_code;
pub mod security_event;
pub mod session;
pub mod two_factor;
