//! Adapter tests: every test body runs on in-memory SQLite and on a fresh PostgreSQL
//! database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod account_contacts;
mod accounts;
mod addresses;
mod affiliate;
mod companies;
mod concurrency;
mod connections;
mod credentials;
mod delegation;
mod devices;
mod emails;
mod ip_whitelist;
mod outbox;
mod password_resets;
mod phones;
mod sessions;
mod throttles;
mod two_factor;
mod usernames;
