//! The pages' words, one table per page group; [`crate::web::text`] looks them up.

pub mod affiliate;
pub mod delegates;
pub mod mail;
pub mod profile;
pub mod security;
pub mod sign_in;

/// Every table.
pub const ALL: &[&[(&str, &str, &str)]] = &[
    sign_in::TEXTS,
    profile::TEXTS,
    security::TEXTS,
    mail::TEXTS,
    delegates::TEXTS,
    affiliate::TEXTS,
];
