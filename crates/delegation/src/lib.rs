//! Portico's delegation domain: letting other people act for an account.
//!
//! This crate will hold:
//! - the account's contract products, kept in sync by the billing system through the
//!   platform API (Portico does not own billing);
//! - invitations: invitee email, scope, inviter, a seven-day single-use token stored
//!   hashed and bound to the invited email;
//! - grants with a scope of `all` products (including ones added later) or a set of
//!   product ids owned by the granting account, scope changes and revocation;
//! - one access decision: may actor X act on product P of account A, answered from the
//!   current grants every time, never from a cache that outlives a revocation.
//!
//! A delegate never gains the account's security settings (password, 2FA, IP
//! whitelist, delegates, payout details, email history).
//!
//! It depends only on the shared kernel, like every domain crate, and defines its
//! storage and mail needs as ports.
