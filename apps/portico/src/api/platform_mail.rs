//! `POST /v1/platform/mail/bounces`: the platform reports bounced mail.

use std::sync::Arc;

use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use portico_mail_log::{BounceReason, BounceReference};

use crate::api::ApiTags;
use crate::contract::operation_problems::OperationProblems;
use crate::http::platform_auth::PlatformAuth;
use crate::http::problem::ApiError;
use crate::wiring::Services;

/// The problem types this module's operations answer beyond those their shape implies
/// (see `crate::contract`).
pub const PROBLEMS: &[OperationProblems] = &[OperationProblems {
    operation: "reportBounce",
    slugs: &["not-found", "message-not-sent"],
}];

/// A bounce report.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct BounceReport {
    /// Portico's message id, or the `Message-ID` header the message was sent with.
    message_id: String,
    /// Why it bounced (the remote server's answer), at most 500 characters.
    reason: String,
}

impl BounceReport {
    /// The report as mail-log's values: the reference first, then the reason, each
    /// refused with its field named.
    fn try_into_domain(self) -> Result<(BounceReference, BounceReason), ApiError> {
        let reference = BounceReference::parse(&self.message_id)
            .map_err(|error| ApiError::invalid_field("message_id", error))?;
        let reason = BounceReason::parse(&self.reason)
            .map_err(|error| ApiError::invalid_field("reason", error))?;
        Ok((reference, reason))
    }
}

/// Answers of `POST /v1/platform/mail/bounces`.
#[derive(ApiResponse)]
pub enum BounceResponse {
    /// The message is marked bounced (reporting the same bounce again is harmless).
    #[oai(status = 204)]
    Recorded,
}

/// Bounce reports.
pub struct PlatformMailApi {
    services: Arc<Services>,
}

impl PlatformMailApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

#[OpenApi(prefix_path = "/v1/platform", tag = "ApiTags::Platform")]
impl PlatformMailApi {
    /// Report a bounced message.
    ///
    /// For the mail system: marks a sent message bounced, with the reason, so that its
    /// recipient sees it in the history.
    #[oai(path = "/mail/bounces", method = "post", operation_id = "reportBounce")]
    async fn bounce(
        &self,
        _auth: PlatformAuth,
        body: Json<BounceReport>,
    ) -> Result<BounceResponse, ApiError> {
        let (reference, reason) = body.0.try_into_domain()?;
        self.services.bounces.report(&reference, &reason).await?;
        Ok(BounceResponse::Recorded)
    }
}
