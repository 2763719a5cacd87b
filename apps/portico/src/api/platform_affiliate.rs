//! Platform side of the affiliate program: payments, refunds, payouts paid.

use std::sync::Arc;

use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};
use portico_affiliate::ports::RefundOutcome;
use portico_affiliate::{BillingEventId, PaymentEvent, PaymentOutcome, RefundEvent};
use portico_kernel::{AccountId, Currency, Money, PayoutId};

use crate::api::affiliate::program_enabled;
use crate::api::{ApiTags, one_answer};
use crate::contract::operation_problems::OperationProblems;
use crate::http::platform_auth::PlatformAuth;
use crate::http::problem::ApiError;
use crate::wiring::Services;

/// The problem types this module's operations answer beyond those their shape implies
/// (see `crate::contract`).
pub const PROBLEMS: &[OperationProblems] = &[
    OperationProblems {
        operation: "recordPayment",
        slugs: &["not-found"],
    },
    OperationProblems {
        operation: "recordRefund",
        slugs: &["not-found"],
    },
    OperationProblems {
        operation: "markPayoutPaid",
        slugs: &["not-found"],
    },
];

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

/// What a payment did to the ledger.
#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "snake_case")]
pub enum PaymentEffect {
    /// A pending commission was recorded for the referrer.
    Recorded,
    /// This event id was taken before; nothing changed.
    Duplicate,
    /// The paying account was not referred; nothing is owed.
    NotReferred,
}

/// What a refund did to the ledger.
#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "snake_case")]
pub enum RefundEffect {
    /// The commission, not yet paid out, was reversed.
    Reversed,
    /// The commission was paid out already; its share is taken back from the next
    /// payout.
    ClawedBack,
    /// This event id was taken before; nothing changed.
    Duplicate,
    /// The payment earned no commission; nothing changed.
    NoCommission,
}

/// What a payment event did.
#[derive(Debug, Object)]
pub struct PaymentOutcomeBody {
    /// The effect on the ledger.
    outcome: PaymentEffect,
}

/// What a refund event did.
#[derive(Debug, Object)]
pub struct RefundOutcomeBody {
    /// The effect on the ledger.
    outcome: RefundEffect,
}

one_answer!(
    /// Answers of `recordPayment`.
    PaymentTaken,
    200,
    "The payment was taken; sending the same event id again changes nothing.",
    Json<PaymentOutcomeBody>
);
one_answer!(
    /// Answers of `recordRefund`.
    RefundTaken,
    200,
    "The refund was taken; sending the same event id again changes nothing.",
    Json<RefundOutcomeBody>
);
one_answer!(
    /// Answers of `markPayoutPaid`.
    PayoutMarkedPaid,
    204,
    "The payout is paid; marking it again changes nothing."
);

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

#[OpenApi(prefix_path = "/v1/platform/affiliate", tag = "ApiTags::Platform")]
impl PlatformAffiliateApi {
    /// Record a payment by a referred account.
    ///
    /// For the billing system: a pending commission at the program's rate is recorded
    /// for the referrer. Sending the same event id again changes nothing.
    #[oai(path = "/payments", method = "post", operation_id = "recordPayment")]
    async fn payment(
        &self,
        _auth: PlatformAuth,
        body: Json<PaymentBody>,
    ) -> Result<PaymentTaken, ApiError> {
        self.enabled()?;
        let event = body.0.try_into_domain()?;
        let outcome = match self.services.ledger.payment(&event).await? {
            PaymentOutcome::Recorded => PaymentEffect::Recorded,
            PaymentOutcome::Duplicate => PaymentEffect::Duplicate,
            PaymentOutcome::NotReferred => PaymentEffect::NotReferred,
        };
        Ok(PaymentTaken::Answer(Json(PaymentOutcomeBody { outcome })))
    }

    /// Record a refund.
    ///
    /// For the billing system: the payment's commission is reversed, or taken back from
    /// the next payout when it was already paid out. Sending the same event id again
    /// changes nothing.
    #[oai(path = "/refunds", method = "post", operation_id = "recordRefund")]
    async fn refund(
        &self,
        _auth: PlatformAuth,
        body: Json<RefundBody>,
    ) -> Result<RefundTaken, ApiError> {
        self.enabled()?;
        let event = body.0.try_into_domain()?;
        let outcome = match self.services.ledger.refund(&event).await? {
            RefundOutcome::Reversed => RefundEffect::Reversed,
            RefundOutcome::ClawedBack => RefundEffect::ClawedBack,
            RefundOutcome::Duplicate => RefundEffect::Duplicate,
            RefundOutcome::NoCommission => RefundEffect::NoCommission,
        };
        Ok(RefundTaken::Answer(Json(RefundOutcomeBody { outcome })))
    }

    /// Mark a payout paid.
    ///
    /// For the billing system, once the money has left.
    #[oai(
        path = "/payouts/:id/paid",
        method = "post",
        operation_id = "markPayoutPaid"
    )]
    async fn paid(
        &self,
        _auth: PlatformAuth,
        id: Path<String>,
    ) -> Result<PayoutMarkedPaid, ApiError> {
        self.enabled()?;
        let id = PayoutId::parse(&id.0).map_err(|_| ApiError::not_found("payout"))?;
        self.services.payouts.mark_paid(id).await?;
        Ok(PayoutMarkedPaid::Answer)
    }
}
