//! `POST /v1/platform/mail/bounces`: the platform reports bounced mail.

use std::sync::Arc;

use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use crate::api::ApiTags;
use crate::http::platform_auth::PlatformAuth;
use crate::http::problem::ApiError;
use crate::wiring::Services;

/// A bounce report.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct BounceReport {
    /// Portico's message id, or the `Message-ID` header the message was sent with.
    message_id: String,
    /// Why it bounced (the remote server's answer), at most 500 characters.
    reason: String,
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
    /// Mark a sent message bounced.
    #[oai(path = "/mail/bounces", method = "post")]
    async fn bounce(
        &self,
        _auth: PlatformAuth,
        body: Json<BounceReport>,
    ) -> Result<BounceResponse, ApiError> {
        if body.0.message_id.trim().is_empty() || body.0.message_id.len() > 255 {
            return Err(ApiError::invalid_field(
                "message_id",
                "a message id has 1 to 255 characters",
            ));
        }
        self.services
            .bounces
            .report(&body.0.message_id, &body.0.reason)
            .await?;
        Ok(BounceResponse::Recorded)
    }
}
