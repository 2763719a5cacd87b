//! [`LedgerRepository`] on SeaORM: commissions, refunds, destinations and payouts.
//!
//! Every write that depends on a balance runs in a transaction that first takes the
//! affiliate's account lock (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite runs one
//! transaction at a time), so a payout and a refund, or two payouts, never see the
//! same approved entries.

use async_trait::async_trait;
use portico_affiliate::commission::RefundShare;
use portico_affiliate::ports::{
    DestinationChange, LedgerRepository, PaymentRecord, PayoutRequest, PayoutWriteError,
    RefundOutcome, RefundRecord,
};
use portico_affiliate::{
    Commission, CommissionStatus, Destination, DestinationKind, LedgerEvent, Outcome, Payout,
    PayoutStatus,
};
use portico_kernel::{
    AccountId, CommissionId, Cursor, Money, Page, PageRequest, PayoutId, StorageError,
};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use time::OffsetDateTime;

use super::rows::{
    COMMISSION_COLUMNS, CommissionRow, DESTINATION_COLUMNS, DestinationRow, IdRow, PAYOUT_COLUMNS,
    PayableRow, PaymentRow, PayoutRow, affiliate_page, domain, execute, typed,
};
use crate::errors::storage;
use crate::locks::lock_account;
use crate::mapping::micros;
use crate::outbox::insert_message;
use crate::security_events::insert_event;
use crate::transactions::begin_write;

/// The ledger tables.
#[derive(Debug, Clone)]
pub struct SeaLedger {
    db: DatabaseConnection,
}

impl SeaLedger {
    /// A repository over the given pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl LedgerRepository for SeaLedger {
    #[tracing::instrument(level = "debug", name = "SeaLedger::record_payment", skip_all)]
    async fn record_payment(&self, record: &PaymentRecord) -> Result<bool, StorageError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        let fresh = execute(
            &txn,
            "INSERT INTO affiliate_payment_events (event_id, payment_minor) VALUES ($1, $2) \
             ON CONFLICT (event_id) DO NOTHING",
            vec![
                record.event_id.as_str().into(),
                record.payment.amount_minor.into(),
            ],
        )
        .await?;
        if fresh != 1 {
            return Ok(false);
        }
        insert_commission(&txn, &record.commission).await?;
        txn.commit().await.map_err(storage)?;
        Ok(true)
    }

    #[tracing::instrument(level = "debug", name = "SeaLedger::record_refund", skip_all)]
    async fn record_refund(&self, refund: &RefundRecord) -> Result<RefundOutcome, StorageError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        let earned: Vec<CommissionRow> = typed(
            &txn,
            &format!(
                "SELECT {COMMISSION_COLUMNS} FROM commissions \
                 WHERE payment_event_id = $1 AND amount_minor > 0 ORDER BY created_at LIMIT 1"
            ),
            vec![refund.payment_event_id.as_str().into()],
        )
        .await?;
        let Some(original) = domain::<_, Commission>(earned)?.into_iter().next() else {
            return Ok(RefundOutcome::NoCommission);
        };
        lock_account(&txn, original.affiliate).await?;
        let fresh = execute(
            &txn,
            "INSERT INTO affiliate_refund_events (event_id) VALUES ($1) \
             ON CONFLICT (event_id) DO NOTHING",
            vec![refund.event_id.as_str().into()],
        )
        .await?;
        if fresh != 1 {
            return Ok(RefundOutcome::Duplicate);
        }
        // Read again under the lock: a payout may have taken it meanwhile.
        let current: Vec<CommissionRow> = typed(
            &txn,
            &format!("SELECT {COMMISSION_COLUMNS} FROM commissions WHERE id = $1"),
            vec![original.id.to_string().into()],
        )
        .await?;
        let Some(current) = domain::<_, Commission>(current)?.into_iter().next() else {
            return Ok(RefundOutcome::NoCommission);
        };
        let payment_row: Vec<PaymentRow> = typed(
            &txn,
            "SELECT payment_minor, refunded_minor FROM affiliate_payment_events WHERE event_id = $1",
            vec![refund.payment_event_id.as_str().into()],
        )
        .await?;
        let (payment, refunded_before) = payment_row
            .first()
            .map_or((0, 0), |row| (row.payment_minor, row.refunded_minor));
        let earned = current.amount.amount_minor;
        let RefundShare {
            refunded_total: refunded_now,
            share,
        } = RefundShare::of(earned, payment, refunded_before, refund.amount_minor);
        execute(
            &txn,
            "UPDATE affiliate_payment_events SET refunded_minor = $1 WHERE event_id = $2",
            vec![refunded_now.into(), refund.payment_event_id.as_str().into()],
        )
        .await?;
        let first_and_whole = refunded_before == 0 && share == earned;
        let negative = |status, approve_after| Commission {
            id: CommissionId::generate(),
            amount: Money::new(-share, current.amount.currency),
            status,
            approve_after,
            payout: None,
            created_at: refund.at,
            ..current.clone()
        };
        let outcome = match current.status.on(LedgerEvent::Refunded) {
            _ if share <= 0 => RefundOutcome::Duplicate,
            Ok(Outcome::MovesTo(reversed)) if first_and_whole => {
                execute(
                    &txn,
                    "UPDATE commissions SET status = $1 WHERE id = $2",
                    vec![reversed.as_str().into(), current.id.to_string().into()],
                )
                .await?;
                RefundOutcome::Reversed
            }
            Ok(Outcome::MovesTo(_)) => {
                // Part of an unpaid commission: a negative entry that follows the
                // original through its hold.
                insert_commission(&txn, &negative(current.status, current.approve_after)).await?;
                RefundOutcome::Reversed
            }
            Ok(Outcome::ClawBack) => {
                insert_commission(&txn, &negative(CommissionStatus::Approved, refund.at)).await?;
                RefundOutcome::ClawedBack
            }
            Err(_) => RefundOutcome::Duplicate,
        };
        txn.commit().await.map_err(storage)?;
        Ok(outcome)
    }

    #[tracing::instrument(level = "debug", name = "SeaLedger::approve_due", skip_all)]
    async fn approve_due(&self, now: OffsetDateTime) -> Result<(), StorageError> {
        execute(
            &self.db,
            "UPDATE commissions SET status = 'approved' \
             WHERE status = 'pending' AND approve_after <= $1",
            vec![micros(now).into()],
        )
        .await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "SeaLedger::commissions", skip_all, fields(affiliate = %affiliate))]
    async fn commissions(
        &self,
        affiliate: AccountId,
        page: &PageRequest,
    ) -> Result<Page<Commission>, StorageError> {
        affiliate_page::<CommissionRow, _>(
            &self.db,
            ("commissions", COMMISSION_COLUMNS, "id"),
            affiliate,
            page,
            |last: &Commission| Cursor {
                created_at: last.created_at,
                id: last.id.to_string(),
            },
        )
        .await
    }

    #[tracing::instrument(level = "debug", name = "SeaLedger::add_destination", skip_all)]
    async fn add_destination(&self, change: &DestinationChange) -> Result<(), StorageError> {
        let d = &change.destination;
        let (paypal, holder, iban, bic) = match &d.kind {
            DestinationKind::PayPal { email } => (Some(email.to_string()), None, None, None),
            DestinationKind::BankTransfer {
                account_holder,
                iban,
                bic,
            } => (
                None,
                Some(account_holder.clone()),
                Some(iban.to_string()),
                bic.as_ref().map(|b| b.as_str().to_owned()),
            ),
            DestinationKind::AccountCredit => (None, None, None, None),
        };
        let txn = begin_write(&self.db).await.map_err(storage)?;
        execute(
            &txn,
            "INSERT INTO payout_destinations \
             (id, affiliate_id, kind, paypal_email, account_holder, iban, bic, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            vec![
                d.id.to_string().into(),
                d.affiliate.to_string().into(),
                d.kind.kind().into(),
                paypal.into(),
                holder.into(),
                iban.into(),
                bic.into(),
                micros(d.created_at).into(),
            ],
        )
        .await?;
        insert_event(&txn, &change.event).await?;
        for notice in &change.notices {
            insert_message(&txn, notice).await?;
        }
        txn.commit().await.map_err(storage)
    }

    #[tracing::instrument(level = "debug", name = "SeaLedger::destinations", skip_all, fields(affiliate = %affiliate))]
    async fn destinations(&self, affiliate: AccountId) -> Result<Vec<Destination>, StorageError> {
        let found: Vec<DestinationRow> = typed(
            &self.db,
            &format!(
                "SELECT {DESTINATION_COLUMNS} FROM payout_destinations \
                 WHERE affiliate_id = $1 ORDER BY created_at, id"
            ),
            vec![affiliate.to_string().into()],
        )
        .await?;
        domain(found)
    }

    #[tracing::instrument(level = "debug", name = "SeaLedger::remove_destination", skip_all)]
    async fn remove_destination(&self, change: &DestinationChange) -> Result<bool, StorageError> {
        let txn = begin_write(&self.db).await.map_err(storage)?;
        let removed = execute(
            &txn,
            "DELETE FROM payout_destinations WHERE id = $1 AND affiliate_id = $2",
            vec![
                change.destination.id.to_string().into(),
                change.destination.affiliate.to_string().into(),
            ],
        )
        .await?;
        if removed != 1 {
            return Ok(false);
        }
        insert_event(&txn, &change.event).await?;
        for notice in &change.notices {
            insert_message(&txn, notice).await?;
        }
        txn.commit().await.map_err(storage)?;
        Ok(true)
    }

    #[tracing::instrument(level = "debug", name = "SeaLedger::request_payout", skip_all)]
    async fn request_payout(&self, request: &PayoutRequest) -> Result<Payout, PayoutWriteError> {
        let affiliate = request.affiliate.to_string();
        let currency = request.currency.as_str().to_owned();
        let txn = begin_write(&self.db).await.map_err(storage)?;
        lock_account(&txn, request.affiliate).await?;
        let destination: Vec<IdRow> = typed(
            &txn,
            "SELECT id FROM payout_destinations WHERE id = $1 AND affiliate_id = $2",
            vec![
                request.destination.to_string().into(),
                affiliate.clone().into(),
            ],
        )
        .await?;
        if destination.is_empty() {
            return Err(PayoutWriteError::NoDestination);
        }
        // Mark first, then add up exactly what was marked: an entry approved by a
        // concurrent statement between two reads can never be marked without being
        // paid. A refusal below rolls the marks back.
        execute(
            &txn,
            "UPDATE commissions SET status = 'paid', payout_id = $1 \
             WHERE affiliate_id = $2 AND currency = $3 AND status = 'approved' \
             AND payout_id IS NULL",
            vec![
                request.id.to_string().into(),
                affiliate.clone().into(),
                currency.clone().into(),
            ],
        )
        .await?;
        let payable: Vec<PayableRow> = typed(
            &txn,
            "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS balance FROM commissions \
             WHERE payout_id = $1",
            vec![request.id.to_string().into()],
        )
        .await?;
        let balance = payable.first().map_or(0, |row| row.balance);
        if balance <= 0 {
            return Err(PayoutWriteError::NoBalance);
        }
        if balance < request.minimum {
            return Err(PayoutWriteError::BelowMinimum { balance });
        }
        let payout = Payout {
            id: request.id,
            affiliate: request.affiliate,
            destination: request.destination,
            amount: Money::new(balance, request.currency),
            status: PayoutStatus::Requested,
            requested_at: request.at,
            paid_at: None,
        };
        execute(
            &txn,
            "INSERT INTO payouts (id, affiliate_id, destination_id, amount_minor, currency, \
             status, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            vec![
                payout.id.to_string().into(),
                affiliate.into(),
                payout.destination.to_string().into(),
                balance.into(),
                currency.into(),
                PayoutStatus::Requested.as_str().into(),
                micros(request.at).into(),
            ],
        )
        .await?;
        txn.commit().await.map_err(storage)?;
        Ok(payout)
    }

    #[tracing::instrument(level = "debug", name = "SeaLedger::payouts", skip_all, fields(affiliate = %affiliate))]
    async fn payouts(&self, affiliate: AccountId) -> Result<Vec<Payout>, StorageError> {
        let found: Vec<PayoutRow> = typed(
            &self.db,
            &format!(
                "SELECT {PAYOUT_COLUMNS} FROM payouts WHERE affiliate_id = $1 \
                 ORDER BY requested_at DESC, id DESC"
            ),
            vec![affiliate.to_string().into()],
        )
        .await?;
        domain(found)
    }

    #[tracing::instrument(level = "debug", name = "SeaLedger::mark_paid", skip_all, fields(id = %id))]
    async fn mark_paid(&self, id: PayoutId, at: OffsetDateTime) -> Result<bool, StorageError> {
        Ok(execute(
            &self.db,
            "UPDATE payouts SET status = 'paid', paid_at = $1 WHERE id = $2 AND status = 'requested'",
            vec![micros(at).into(), id.to_string().into()],
        )
        .await?
            == 1)
    }
}

async fn insert_commission(
    conn: &impl ConnectionTrait,
    entry: &Commission,
) -> Result<(), StorageError> {
    execute(
        conn,
        &format!(
            "INSERT INTO commissions ({COMMISSION_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ),
        vec![
            entry.id.to_string().into(),
            entry.affiliate.to_string().into(),
            entry.referred.to_string().into(),
            entry.payment_event_id.as_str().into(),
            entry.amount.amount_minor.into(),
            entry.amount.currency.as_str().into(),
            entry.status.as_str().into(),
            micros(entry.approve_after).into(),
            entry.payout.map(|p| p.to_string()).into(),
            micros(entry.created_at).into(),
        ],
    )
    .await?;
    Ok(())
}
