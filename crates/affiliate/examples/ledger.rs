//! The affiliate ledger's rules on their own, as a billing platform would check them
//! against its own books: what a referred client's payment earns, when it becomes
//! payable, what a payout and a refund do to it, how partial refunds add up, and how
//! a payout destination is read. No storage and no other Portico crate: these are
//! the rules the `Ledger` and `Payouts` services and the storage adapters all follow.
//!
//! Run it with `cargo run -p portico-affiliate --example ledger`; the test suite runs
//! it too.

use portico_affiliate::commission::RefundShare;
use portico_affiliate::{
    CommissionStatus, DestinationInput, DestinationKind, LedgerEvent, LinkCode, Outcome,
    PayoutError, ProgramSettings,
};
use portico_kernel::{Currency, Money};
use time::{Duration, OffsetDateTime};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let settings = ProgramSettings::default();
    let eur = Currency::parse("EUR")?;

    // A referred client pays 120.00 EUR: the affiliate earns the configured rate,
    // pending until the hold period has passed (refunds come within it).
    let paid_at = OffsetDateTime::now_utc();
    let payment = Money::new(12_000, eur);
    let earned = payment
        .percent(settings.rate_percent)
        .ok_or("the commission overflows")?;
    let payable_from = paid_at + settings.hold;
    println!(
        "a payment of {} minor units earns {} at {}%, payable after {} days",
        payment.amount_minor,
        earned.amount_minor,
        settings.rate_percent,
        settings.hold.whole_days()
    );
    assert_eq!(
        earned.amount_minor,
        12_000 * i64::from(settings.rate_percent) / 100
    );
    assert_eq!(payable_from - paid_at, Duration::days(30));

    // The one table of what moves an entry: pending, approved once held, paid by a
    // payout; a refund reverses what is unpaid and claws back what was paid.
    let status = CommissionStatus::Pending;
    let approved = status.on(LedgerEvent::HoldElapsed)?;
    assert_eq!(approved, Outcome::MovesTo(CommissionStatus::Approved));
    let paid = CommissionStatus::Approved.on(LedgerEvent::PaidOut)?;
    assert_eq!(paid, Outcome::MovesTo(CommissionStatus::Paid));
    assert_eq!(
        CommissionStatus::Pending.on(LedgerEvent::Refunded)?,
        Outcome::MovesTo(CommissionStatus::Reversed)
    );
    assert_eq!(
        CommissionStatus::Paid.on(LedgerEvent::Refunded)?,
        Outcome::ClawBack
    );
    let refused = CommissionStatus::Reversed.on(LedgerEvent::PaidOut);
    println!(
        "a reversed entry cannot be paid out: {}",
        refused.err().ok_or("it was")?
    );

    // Three partial refunds of the payment (40.00, 40.00 and 50.00 of 120.00) take
    // back shares that never exceed the commission, whatever the rounding.
    // This is the rule the storage adapter applies inside the refund's transaction.
    let mut refunded = 0;
    let mut taken_back = 0;
    for refund in [4_000, 4_000, 5_000] {
        let step = RefundShare::of(earned.amount_minor, payment.amount_minor, refunded, refund);
        refunded = step.refunded_total;
        taken_back += step.share;
        println!("a refund of {refund} takes back {}", step.share);
    }
    assert_eq!(refunded, payment.amount_minor);
    assert_eq!(taken_back, earned.amount_minor);

    // Payout destinations are read before any service sees them: the IBAN's checksum
    // is checked, and a refusal names the field at fault.
    let bank = DestinationInput::BankTransfer {
        account_holder: "Ada Lovelace".into(),
        iban: "DE89 3704 0044 0532 0130 00".into(),
        bic: None,
    }
    .try_into_kind()?;
    assert!(matches!(bank, DestinationKind::BankTransfer { .. }));
    println!("payouts go to the {}", bank.describe());
    let typo = DestinationInput::BankTransfer {
        account_holder: "Ada Lovelace".into(),
        iban: "DE89 3704 0044 0532 0130 01".into(),
        bic: None,
    }
    .try_into_kind();
    assert!(matches!(
        typo,
        Err(PayoutError::Invalid { field: "iban", .. })
    ));

    // Link codes are 12 unguessable characters; anything else names no link.
    let code = LinkCode::generate()?;
    assert_eq!(LinkCode::parse(code.as_str())?, code);
    assert!(LinkCode::parse("<script>").is_err());
    println!("a fresh link: /r/{code}");
    Ok(())
}
