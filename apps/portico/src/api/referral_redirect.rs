//! `GET /r/{code}`: the public end of an affiliate link.

use std::sync::Arc;

use poem::Request;
use poem_openapi::param::Path;
use poem_openapi::{ApiResponse, OpenApi};
use portico_affiliate::{LinkCode, Visit};

use crate::api::ApiTags;
use crate::api::affiliate::program_enabled;
use crate::contract::operation_problems::OperationProblems;
use crate::http::client::client_info;
use crate::http::cookies::cookie_value;
use crate::http::problem::ApiError;
use crate::wiring::Services;

/// The problem types this module's operations answer beyond those their shape implies
/// (see `crate::contract`).
pub const PROBLEMS: &[OperationProblems] = &[OperationProblems {
    operation: "followReferralLink",
    slugs: &["not-found"],
}];

/// The referral cookie's name.
pub const REFERRAL_COOKIE: &str = "portico_ref";

/// Answers of `GET /r/{code}`.
#[derive(ApiResponse)]
pub enum RedirectResponse {
    /// To the landing page, with the referral cookie when the code names a link.
    #[oai(status = 302)]
    Found(
        #[oai(header = "Location")] String,
        #[oai(header = "Set-Cookie")] Option<String>,
        #[oai(header = "Cache-Control")] String,
    ),
}

/// Affiliate links.
pub struct ReferralRedirectApi {
    services: Arc<Services>,
}

impl ReferralRedirectApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

/// The code and click time a referral cookie carries (`code.unix_seconds`).
pub fn read_referral_cookie(req: &Request) -> Option<(String, time::OffsetDateTime)> {
    let value = cookie_value(req, REFERRAL_COOKIE)?;
    let (code, at) = value.split_once('.')?;
    let at = time::OffsetDateTime::from_unix_timestamp(at.parse().ok()?).ok()?;
    Some((code.to_owned(), at))
}

#[OpenApi(tag = "ApiTags::Affiliate")]
impl ReferralRedirectApi {
    /// Follow an affiliate link.
    ///
    /// Records a click and redirects to the link's landing page, setting the referral
    /// cookie. The first link clicked keeps the referral while its cookie lasts. An
    /// unknown code records nothing and lands on the portal.
    #[oai(path = "/r/:code", method = "get", operation_id = "followReferralLink")]
    async fn visit(&self, req: &Request, code: Path<String>) -> Result<RedirectResponse, ApiError> {
        program_enabled(&self.services)?;
        // A code that cannot be one names no link: nothing is recorded, and the
        // visitor lands on the portal like any unknown code's.
        let visit = match LinkCode::parse(&code.0) {
            Ok(code) => self
                .services
                .tracking
                .visit(&code, &client_info(req))
                .await
                .map_err(|e| ApiError::internal(&e))?,
            Err(_) => Visit::nowhere(),
        };
        let location = visit.landing_url.map_or_else(
            || self.services.public_base_url.clone(),
            |u| u.as_str().to_owned(),
        );
        let first_touch = read_referral_cookie(req).is_none();
        let cookie = visit.code.filter(|_| first_touch).map(|code| {
            let window = self.services.affiliate.attribution_window;
            format!(
                "{REFERRAL_COOKIE}={code}.{}; Max-Age={}; Path=/; HttpOnly; SameSite=Lax",
                self.services.clock_now().unix_timestamp(),
                window.whole_seconds()
            )
        });
        Ok(RedirectResponse::Found(location, cookie, "no-store".into()))
    }
}
