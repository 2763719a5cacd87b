//! HTTP tests through the real router, on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engines;
mod support;

mod addresses;
mod affiliate;
mod affiliate_pages;
mod axe;
mod brand;
mod browser_delegation;
mod browser_pages;
mod browser_security;
mod company;
mod crate_boundaries;
mod delegate_pages;
mod delegates;
mod emails;
mod errors;
mod form_browser;
mod health;
mod history_pages;
mod ip_whitelist;
mod limits;
mod link_pages;
mod live;
mod mail;
mod mail_links;
mod metrics;
mod next_request;
mod pages;
mod password_resets;
mod persistence;
mod phones;
mod profile;
mod profile_pages;
mod protection;
mod registration;
mod security;
mod security_pages;
mod sessions;
mod sockets;
mod step_up;
mod traces;
mod two_factor;
mod username;
mod webdriver;
