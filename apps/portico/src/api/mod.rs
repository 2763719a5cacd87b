//! The versioned HTTP API, one module per section of the contract. Each operation
//! turns its request into domain values, calls one domain service and maps the answer.

pub mod accounts;
pub mod addresses;
pub mod company;
pub mod delegates;
pub mod emails;
pub mod error_mapping;
pub mod ip_whitelist;
pub mod messages;
pub mod password_resets;
pub mod phones;
pub mod platform_delegation;
pub mod platform_mail;
pub mod profile;
pub mod security;
pub mod sessions;
pub mod two_factor;

use std::sync::Arc;

use poem_openapi::{OpenApiService, Tags};

use crate::wiring::Services;

/// Groups of operations in the published spec.
#[derive(Debug, Tags)]
pub enum ApiTags {
    /// Registration.
    Accounts,
    /// Logging in and out, listing and revoking sessions.
    Sessions,
    /// Name, language, emails, phones, addresses and company details.
    Profile,
    /// Password, username, two-factor, resets, IP whitelist and the audit trail.
    Security,
    /// Products, delegates and the accounts I may act for.
    Delegates,
    /// The history of emails sent to me.
    Mail,
    /// Service-to-service operations, with the platform token.
    Platform,
}

/// Every API of the server, as one poem-openapi service.
pub type PorticoApi = (
    accounts::AccountsApi,
    sessions::SessionsApi,
    profile::ProfileApi,
    emails::EmailsApi,
    phones::PhonesApi,
    addresses::AddressesApi,
    company::CompanyApi,
    messages::MessagesApi,
    platform_mail::PlatformMailApi,
    security::SecurityApi,
    two_factor::TwoFactorApi,
    password_resets::PasswordResetsApi,
    ip_whitelist::IpWhitelistApi,
    delegates::DelegatesApi,
    platform_delegation::PlatformDelegationApi,
);

/// Builds the OpenAPI service for the `/v1` API.
pub fn service(services: &Arc<Services>) -> OpenApiService<PorticoApi, ()> {
    let apis = (
        accounts::AccountsApi::new(services.clone()),
        sessions::SessionsApi::new(services.clone()),
        profile::ProfileApi::new(services.clone()),
        emails::EmailsApi::new(services.clone()),
        phones::PhonesApi::new(services.clone()),
        addresses::AddressesApi::new(services.clone()),
        company::CompanyApi::new(services.clone()),
        messages::MessagesApi::new(services.clone()),
        platform_mail::PlatformMailApi::new(services.clone()),
        security::SecurityApi::new(services.clone()),
        two_factor::TwoFactorApi::new(services.clone()),
        password_resets::PasswordResetsApi::new(services.clone()),
        ip_whitelist::IpWhitelistApi::new(services.clone()),
        delegates::DelegatesApi::new(services.clone()),
        platform_delegation::PlatformDelegationApi::new(services.clone()),
    );
    OpenApiService::new(apis, "Portico", env!("CARGO_PKG_VERSION"))
        .description("The \"My account\" area of a hosting and billing client portal.")
}
