//! The versioned HTTP API, one module per section of the contract. Each operation
//! turns its request into domain values, calls one domain service and maps the answer.

pub mod accounts;
pub mod addresses;
pub mod affiliate;
pub mod affiliate_answers;
pub mod affiliate_bodies;
pub mod company;
pub mod delegate_answers;
pub mod delegates;
pub mod emails;
pub mod error_mapping;
pub mod ip_whitelist;
pub mod messages;
pub mod password_resets;
pub mod phones;
pub mod platform_affiliate;
pub mod platform_delegation;
pub mod platform_mail;
pub mod profile;
pub mod referral_redirect;
pub mod security;
pub mod sessions;
pub mod two_factor;

use std::sync::Arc;

use poem_openapi::{OpenApiService, ServerObject, Tags};

use crate::wiring::Services;

/// Declares the answer type of an operation that succeeds in one way only: its name,
/// status, what the spec says that answer means, and its body if it has one. One type
/// per operation, so that each answer is described in the operation's own words.
macro_rules! one_answer {
    ($(#[doc = $doc:literal])* $name:ident, $status:literal, $description:literal $(, $body:ty)?) => {
        $(#[doc = $doc])*
        #[derive(poem_openapi::ApiResponse)]
        pub enum $name {
            #[doc = $description]
            #[oai(status = $status)]
            Answer$(($body))?,
        }
    };
}
pub(crate) use one_answer;

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
    /// The affiliate program.
    Affiliate,
    /// The history of emails sent to me.
    Mail,
    /// Service-to-service operations, with the platform token.
    Platform,
}

/// Every API of the server, as one poem-openapi service: the account's own APIs,
/// then the delegation, affiliate and platform ones (grouped because a tuple holds
/// at most 16).
pub type PorticoApi = (
    (
        accounts::AccountsApi,
        sessions::SessionsApi,
        profile::ProfileApi,
        emails::EmailsApi,
        phones::PhonesApi,
        addresses::AddressesApi,
        company::CompanyApi,
        messages::MessagesApi,
        security::SecurityApi,
        two_factor::TwoFactorApi,
        password_resets::PasswordResetsApi,
        ip_whitelist::IpWhitelistApi,
    ),
    (
        delegates::DelegatesApi,
        affiliate::AffiliateApi,
        referral_redirect::ReferralRedirectApi,
        platform_mail::PlatformMailApi,
        platform_delegation::PlatformDelegationApi,
        platform_affiliate::PlatformAffiliateApi,
    ),
);

/// What the spec says about the API as a whole, including what no single operation
/// can say.
const DESCRIPTION: &str = "The \"My account\" area of a hosting and billing client portal.

Clients authenticate with the session token from `logIn`, sent as a Bearer token; the
platform (service-to-service) operations take the platform token instead.

Every error is an `application/problem+json` document (RFC 9457) whose `type` is
`urn:portico:problem:<slug>`; each operation lists the slugs it can answer. A method a
path does not answer gets `405` with an `Allow` header naming those it does. Lists are
read page by page: pass a page's `next_cursor` as `cursor` to read the next one.";

/// Builds the OpenAPI service for the `/v1` API.
pub fn service(services: &Arc<Services>) -> OpenApiService<PorticoApi, ()> {
    let own = (
        accounts::AccountsApi::new(services.clone()),
        sessions::SessionsApi::new(services.clone()),
        profile::ProfileApi::new(services.clone()),
        emails::EmailsApi::new(services.clone()),
        phones::PhonesApi::new(services.clone()),
        addresses::AddressesApi::new(services.clone()),
        company::CompanyApi::new(services.clone()),
        messages::MessagesApi::new(services.clone()),
        security::SecurityApi::new(services.clone()),
        two_factor::TwoFactorApi::new(services.clone()),
        password_resets::PasswordResetsApi::new(services.clone()),
        ip_whitelist::IpWhitelistApi::new(services.clone()),
    );
    let shared = (
        delegates::DelegatesApi::new(services.clone()),
        affiliate::AffiliateApi::new(services.clone()),
        referral_redirect::ReferralRedirectApi::new(services.clone()),
        platform_mail::PlatformMailApi::new(services.clone()),
        platform_delegation::PlatformDelegationApi::new(services.clone()),
        platform_affiliate::PlatformAffiliateApi::new(services.clone()),
    );
    OpenApiService::new((own, shared), "Portico", env!("CARGO_PKG_VERSION"))
        .description(DESCRIPTION)
        .server(ServerObject::new(&services.public_base_url).description("This server"))
}
