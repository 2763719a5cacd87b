//! Payment and refund events from the billing system, and the ledger they write.

use std::sync::Arc;

use portico_kernel::{AccountId, Clock, CommissionId, Money, Page, PageRequest, StorageError};

use crate::billing_event::BillingEventId;
use crate::commission::CommissionStatus;
use crate::model::Commission;
use crate::ports::{
    LedgerRepository, PaymentRecord, ProgramRepository, RefundOutcome, RefundRecord,
};
use crate::settings::ProgramSettings;

/// The largest amount an event may carry, in minor units (ten trillion): far above
/// any real payment, far below what could overflow a sum of many.
pub const MAX_EVENT_AMOUNT_MINOR: i64 = 10_000_000_000_000;

/// Why an event was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The amount is not positive, or absurdly large.
    #[error("the amount must be positive and at most 10^13 minor units")]
    InvalidAmount,
    /// Storage failed.
    #[error("the ledger operation failed unexpectedly")]
    Unexpected(#[from] StorageError),
}

/// A referred account paid.
#[derive(Debug, Clone)]
pub struct PaymentEvent {
    /// The billing system's event id.
    pub event_id: BillingEventId,
    /// The paying account.
    pub account: AccountId,
    /// What it paid.
    pub amount: Money,
}

/// A payment was refunded, wholly or in part.
#[derive(Debug, Clone)]
pub struct RefundEvent {
    /// The billing system's event id.
    pub event_id: BillingEventId,
    /// The payment's event id.
    pub payment_event_id: BillingEventId,
    /// How much was refunded; the whole payment when `None`.
    pub amount_minor: Option<i64>,
}

/// What a payment event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentOutcome {
    /// A pending commission was recorded.
    Recorded,
    /// The event id was seen before; nothing changed.
    Duplicate,
    /// The payer was referred by nobody; nothing to record.
    NotReferred,
}

/// The commission ledger.
#[derive(Clone)]
pub struct Ledger {
    program: Arc<dyn ProgramRepository>,
    ledger: Arc<dyn LedgerRepository>,
    clock: Arc<dyn Clock>,
    settings: ProgramSettings,
}

impl Ledger {
    /// Wires the service.
    pub fn new(
        program: Arc<dyn ProgramRepository>,
        ledger: Arc<dyn LedgerRepository>,
        clock: Arc<dyn Clock>,
        settings: ProgramSettings,
    ) -> Self {
        Self {
            program,
            ledger,
            clock,
            settings,
        }
    }

    /// Records the commission a referred client's payment earns: the configured
    /// percentage, rounded down to the minor unit, pending for the hold period.
    /// Idempotent on the event id.
    #[tracing::instrument(name = "Ledger::payment", skip_all)]
    pub async fn payment(&self, event: &PaymentEvent) -> Result<PaymentOutcome, LedgerError> {
        if !(1..=MAX_EVENT_AMOUNT_MINOR).contains(&event.amount.amount_minor) {
            return Err(LedgerError::InvalidAmount);
        }
        let Some(referral) = self.program.referral_of(event.account).await? else {
            return Ok(PaymentOutcome::NotReferred);
        };
        let amount = event
            .amount
            .percent(self.settings.rate_percent)
            .ok_or(LedgerError::InvalidAmount)?;
        let now = self.clock.now();
        let record = PaymentRecord {
            event_id: event.event_id.clone(),
            payment: event.amount,
            commission: Commission {
                id: CommissionId::generate(),
                affiliate: referral.affiliate,
                referred: event.account,
                payment_event_id: event.event_id.clone(),
                amount,
                status: CommissionStatus::Pending,
                approve_after: now + self.settings.hold,
                payout: None,
                created_at: now,
            },
        };
        Ok(if self.ledger.record_payment(&record).await? {
            PaymentOutcome::Recorded
        } else {
            PaymentOutcome::Duplicate
        })
    }

    /// Applies a refund: an unpaid commission (or the refunded share of it) is
    /// reversed; a paid one is clawed back by a negative entry the next payout nets.
    /// Idempotent on the event id.
    #[tracing::instrument(name = "Ledger::refund", skip_all)]
    pub async fn refund(&self, event: &RefundEvent) -> Result<RefundOutcome, LedgerError> {
        if event
            .amount_minor
            .is_some_and(|amount| !(1..=MAX_EVENT_AMOUNT_MINOR).contains(&amount))
        {
            return Err(LedgerError::InvalidAmount);
        }
        Ok(self
            .ledger
            .record_refund(&RefundRecord {
                event_id: event.event_id.clone(),
                payment_event_id: event.payment_event_id.clone(),
                amount_minor: event.amount_minor.unwrap_or(i64::MAX),
                at: self.clock.now(),
            })
            .await?)
    }

    /// One page of the affiliate's ledger (entries past their hold are shown
    /// approved).
    #[tracing::instrument(name = "Ledger::commissions", skip_all, fields(affiliate = %affiliate))]
    pub async fn commissions(
        &self,
        affiliate: AccountId,
        page: &PageRequest,
    ) -> Result<Page<Commission>, LedgerError> {
        self.ledger.approve_due(self.clock.now()).await?;
        Ok(self.ledger.commissions(affiliate, page).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Referral;
    use crate::ports::{MockLedgerRepository, MockProgramRepository};
    use portico_kernel::{Currency, FixedClock, LinkId};
    use time::{Duration, OffsetDateTime};

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap()
    }

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::parse("EUR").unwrap())
    }

    fn ledger(program: MockProgramRepository, ledger: MockLedgerRepository) -> Ledger {
        Ledger::new(
            Arc::new(program),
            Arc::new(ledger),
            Arc::new(FixedClock::at(now())),
            ProgramSettings::default(),
        )
    }

    #[tokio::test]
    async fn a_referred_payment_earns_a_pending_tenth_rounded_down() {
        let affiliate = AccountId::generate();
        let mut program = MockProgramRepository::new();
        program.expect_referral_of().returning(move |referred| {
            Ok(Some(Referral {
                referred,
                affiliate,
                link: LinkId::generate(),
                at: now(),
            }))
        });
        let mut store = MockLedgerRepository::new();
        store
            .expect_record_payment()
            .withf(move |r| {
                r.commission.amount == eur(1_234)
                    && r.commission.affiliate == affiliate
                    && r.commission.status == CommissionStatus::Pending
                    && r.commission.approve_after == now() + Duration::days(30)
            })
            .times(1)
            .returning(|_| Ok(true));

        let outcome = ledger(program, store)
            .payment(&PaymentEvent {
                event_id: BillingEventId::parse("pay-1").unwrap(),
                account: AccountId::generate(),
                amount: eur(12_345),
            })
            .await
            .unwrap();

        assert_eq!(outcome, PaymentOutcome::Recorded);
    }

    #[tokio::test]
    async fn unreferred_payments_and_bad_input_record_nothing() {
        let mut program = MockProgramRepository::new();
        program.expect_referral_of().returning(|_| Ok(None));
        let mut store = MockLedgerRepository::new();
        store.expect_record_payment().times(0);
        let ledger = ledger(program, store);
        let event = |id: &str, amount| PaymentEvent {
            event_id: BillingEventId::parse(id).unwrap(),
            account: AccountId::generate(),
            amount: eur(amount),
        };

        assert_eq!(
            ledger.payment(&event("pay-2", 100)).await.unwrap(),
            PaymentOutcome::NotReferred
        );
        assert!(matches!(
            ledger.payment(&event("pay-3", 0)).await,
            Err(LedgerError::InvalidAmount)
        ));
        assert!(matches!(
            ledger
                .payment(&event("pay-4", MAX_EVENT_AMOUNT_MINOR + 1))
                .await,
            Err(LedgerError::InvalidAmount)
        ));
    }
}
