//! The commission ledger's state machine.
//!
//! A commission is `pending` when the billing system reports a referred client's
//! payment, `approved` once the hold period has passed, `paid` when a payout takes
//! it, and `reversed` when the payment is refunded before it was paid out. A refund
//! after payout cannot undo the payout: it adds a negative entry instead (a
//! clawback), which the next payout nets. Nothing else moves.

use std::fmt;

/// Where a ledger entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommissionStatus {
    /// Earned, within the hold period.
    Pending,
    /// Past the hold period; counts towards the payable balance.
    Approved,
    /// Taken by a payout.
    Paid,
    /// Cancelled by a refund before payout.
    Reversed,
}

/// What can happen to an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LedgerEvent {
    /// The hold period passed.
    HoldElapsed,
    /// A payout took the entry.
    PaidOut,
    /// The payment behind it was refunded.
    Refunded,
}

/// What a refund does to an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The entry moves to this status.
    MovesTo(CommissionStatus),
    /// The entry stays paid and a negative entry (approved at once) claws it back.
    ClawBack,
}

/// The event does not apply to an entry in this status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {from} commission cannot be {event:?}")]
pub struct RefusedTransition {
    /// The status.
    pub from: CommissionStatus,
    /// The event.
    pub event: LedgerEvent,
}

impl CommissionStatus {
    /// Every status.
    pub const ALL: [Self; 4] = [Self::Pending, Self::Approved, Self::Paid, Self::Reversed];

    /// The wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Paid => "paid",
            Self::Reversed => "reversed",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// The one place that says what an event does to an entry.
    pub fn on(self, event: LedgerEvent) -> Result<Outcome, RefusedTransition> {
        use CommissionStatus::{Approved, Paid, Pending, Reversed};
        use LedgerEvent::{HoldElapsed, PaidOut, Refunded};
        match (self, event) {
            (Pending, HoldElapsed) => Ok(Outcome::MovesTo(Approved)),
            (Approved, PaidOut) => Ok(Outcome::MovesTo(Paid)),
            (Pending | Approved, Refunded) => Ok(Outcome::MovesTo(Reversed)),
            (Paid, Refunded) => Ok(Outcome::ClawBack),
            (from, event) => Err(RefusedTransition { from, event }),
        }
    }
}

/// What one refund of a payment takes back of the commission the payment earned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundShare {
    /// The payment's refunded total after this refund (never more than the payment).
    pub refunded_total: i64,
    /// The part of the commission this refund takes back.
    pub share: i64,
}

impl RefundShare {
    /// A refund of `refund` out of a payment of `payment` that had `refunded_before`
    /// refunded already, on a commission of `earned`. Refunds of one payment add up,
    /// and each takes back only the share its part of the running total earns, so
    /// repeated partial refunds never take back more than the commission, and
    /// rounding does not drift.
    pub fn of(earned: i64, payment: i64, refunded_before: i64, refund: i64) -> Self {
        let refunded_total = refunded_before.saturating_add(refund).min(payment);
        let share = refunded_share(earned, refunded_total, payment)
            - refunded_share(earned, refunded_before, payment);
        Self {
            refunded_total,
            share,
        }
    }
}

/// The part of a commission of `earned` that refunds adding up to `refunded` out of a
/// payment of `payment` take back, rounded towards zero and never more than the
/// whole.
fn refunded_share(earned: i64, refunded: i64, payment: i64) -> i64 {
    if payment <= 0 || refunded >= payment {
        return earned;
    }
    let share = i128::from(earned) * i128::from(refunded) / i128::from(payment);
    i64::try_from(share).unwrap_or(earned)
}

impl fmt::Display for CommissionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CommissionStatus::{Approved, Paid, Pending, Reversed};
    use LedgerEvent::{HoldElapsed, PaidOut, Refunded};

    #[test]
    fn every_status_and_event_pair_has_exactly_the_expected_outcome() {
        let allowed = [
            (Pending, HoldElapsed, Outcome::MovesTo(Approved)),
            (Approved, PaidOut, Outcome::MovesTo(Paid)),
            (Pending, Refunded, Outcome::MovesTo(Reversed)),
            (Approved, Refunded, Outcome::MovesTo(Reversed)),
            (Paid, Refunded, Outcome::ClawBack),
        ];
        for from in CommissionStatus::ALL {
            for event in [HoldElapsed, PaidOut, Refunded] {
                let expected = allowed
                    .iter()
                    .find(|(f, e, _)| *f == from && *e == event)
                    .map(|(_, _, outcome)| *outcome);
                match expected {
                    Some(outcome) => assert_eq!(from.on(event), Ok(outcome), "{from} {event:?}"),
                    None => assert_eq!(
                        from.on(event),
                        Err(RefusedTransition { from, event }),
                        "{from} {event:?}"
                    ),
                }
            }
        }
    }

    #[test]
    fn a_refund_takes_back_its_share_rounded_toward_zero() {
        assert_eq!(refunded_share(1_000, 5_000, 10_000), 500);
        assert_eq!(refunded_share(999, 1, 3), 333);
        assert_eq!(refunded_share(1_000, 20_000, 10_000), 1_000);
        assert_eq!(refunded_share(1_000, 5_000, 0), 1_000);
    }

    #[test]
    fn partial_refunds_add_up_to_the_commission_and_no_more() {
        let (earned, payment) = (1_000, 3_000);
        let mut refunded = 0;
        let mut taken_back = 0;
        for refund in [1_000, 1_000, 1_000, 500] {
            let step = RefundShare::of(earned, payment, refunded, refund);
            refunded = step.refunded_total;
            taken_back += step.share;
        }
        assert_eq!(refunded, payment);
        assert_eq!(taken_back, earned);
        assert_eq!(RefundShare::of(999, 3, 0, 1).share, 333);
    }

    #[test]
    fn statuses_read_back_their_names() {
        for status in CommissionStatus::ALL {
            assert_eq!(CommissionStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(CommissionStatus::parse("refunded"), None);
    }
}
