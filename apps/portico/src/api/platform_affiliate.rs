//! Platform side of the affiliate program: payments, refunds, payouts paid.

use std::sync::Arc;

use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_affiliate::ports::RefundOutcome;
use portico_affiliate::{BillingEventId, PaymentEvent, PaymentOutcome, RefundEvent};
use portico_kernel::{AccountId, Currency, Money, PayoutId};

use crate::api::ApiTags;
use crate::api::affiliate::program_enabled;
use crate::http::platform_auth::PlatformAuth;
use crate::http::problem::ApiError;
use crate::wiring::Services;

/// A referred account paid.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct PaymentBody {
    /// The billing system's event id; the same id again changes nothing.
    event_id: String,
    /// The paying account.
    account_id: String,
    /// The amount, in minor units.
    amount_minor: i64,
    /// ISO 4217 code.
    currency: String,
}

/// A payment was refunded.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct RefundBody {
    /// The billing system's event id; the same id again changes nothing.
    event_id: String,
    /// The refunded payment's event id.
    payment_event_id: String,
    /// How much was refunded, in minor units; the whole payment when absent.
    #[oai(nullable)]
    amount_minor: Option<i64>,
}

/// What an event did.
#[derive(Debug, Object)]
pub struct EventOutcome {
    /// `recorded`, `duplicate`, `not_referred`, `reversed`, `clawed_back` or
    /// `no_commission`.
    outcome: String,
}

/// Answers of the event operations.
#[derive(ApiResponse)]
pub enum EventResponse {
    /// Taken (idempotently).
    #[oai(status = 200)]
    Ok(Json<EventOutcome>),
}

/// Answers of `POST /v1/platform/affiliate/payouts/{id}/paid`.
#[derive(ApiResponse)]
pub enum PaidResponse {
    /// Marked paid.
    #[oai(status = 204)]
    Paid,
}

/// The affiliate program for the platform.
pub struct PlatformAffiliateApi {
    services: Arc<Services>,
}

impl PlatformAffiliateApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }

    fn enabled(&self) -> Result<(), ApiError> {
        program_enabled(&self.services)
    }
}

impl PaymentBody {
    /// The payment: the account and currency first, then the event id, as the
    /// ledger's answers have always named them.
    fn try_into_domain(self) -> Result<PaymentEvent, ApiError> {
        let account = AccountId::parse(&self.account_id)
            .map_err(|_| ApiError::invalid_field("account_id", "not an account id"))?;
        let currency =
            Currency::parse(&self.currency).map_err(|e| ApiError::invalid_field("currency", e))?;
        Ok(PaymentEvent {
            event_id: event_id("event_id", &self.event_id)?,
            account,
            amount: Money::new(self.amount_minor, currency),
        })
    }
}

impl RefundBody {
    /// The refund, each event id refused with its own field named.
    fn try_into_domain(self) -> Result<RefundEvent, ApiError> {
        Ok(RefundEvent {
            event_id: event_id("event_id", &self.event_id)?,
            payment_event_id: event_id("payment_event_id", &self.payment_event_id)?,
            amount_minor: self.amount_minor,
        })
    }
}

/// A billing event id from the body, refused with its field named.
fn event_id(field: &str, text: &str) -> Result<BillingEventId, ApiError> {
    BillingEventId::parse(text).map_err(|error| ApiError::invalid_field(field, error))
}

fn outcome(text: &str) -> EventResponse {
    EventResponse::Ok(Json(EventOutcome {
        outcome: text.into(),
    }))
}

#[OpenApi(prefix_path = "/v1/platform/affiliate", tag = "ApiTags::Platform")]
impl PlatformAffiliateApi {
    /// A referred account paid: a pending commission at the configured rate.
    #[oai(path = "/payments", method = "post", operation_id = "recordPayment")]
    async fn payment(
        &self,
        _auth: PlatformAuth,
        body: Json<PaymentBody>,
    ) -> Result<EventResponse, ApiError> {
        self.enabled()?;
        let event = body.0.try_into_domain()?;
        let done = self.services.ledger.payment(&event).await?;
        Ok(outcome(match done {
            PaymentOutcome::Recorded => "recorded",
            PaymentOutcome::Duplicate => "duplicate",
            PaymentOutcome::NotReferred => "not_referred",
        }))
    }

    /// A payment was refunded: its commission is reversed, or clawed back when it was
    /// already paid out.
    #[oai(path = "/refunds", method = "post", operation_id = "recordRefund")]
    async fn refund(
        &self,
        _auth: PlatformAuth,
        body: Json<RefundBody>,
    ) -> Result<EventResponse, ApiError> {
        self.enabled()?;
        let event = body.0.try_into_domain()?;
        let done = self.services.ledger.refund(&event).await?;
        Ok(outcome(match done {
            RefundOutcome::Reversed => "reversed",
            RefundOutcome::ClawedBack => "clawed_back",
            RefundOutcome::Duplicate => "duplicate",
            RefundOutcome::NoCommission => "no_commission",
        }))
    }

    /// The platform paid a payout.
    #[oai(
        path = "/payouts/:id/paid",
        method = "post",
        operation_id = "markPayoutPaid"
    )]
    async fn paid(&self, _auth: PlatformAuth, id: Path<String>) -> Result<PaidResponse, ApiError> {
        self.enabled()?;
        let id = PayoutId::parse(&id.0).map_err(|_| ApiError::not_found("payout"))?;
        self.services.payouts.mark_paid(id).await?;
        Ok(PaidResponse::Paid)
    }
}
