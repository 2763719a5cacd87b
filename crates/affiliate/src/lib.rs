//! Portico's affiliate domain: the referral program.
//!
//! Layout:
//! - [`link`]: links (an unguessable short code, an optional http(s) landing URL and
//!   a campaign);
//! - [`model`]: clicks (time, link, keyed digests of the client address and user
//!   agent: no raw personal data), referrals (one referrer per referred account,
//!   first touch, within an attribution window; nobody refers themselves), ledger
//!   entries, destinations and payouts;
//! - [`commission`]: the ledger's state machine: `pending` when the billing system
//!   reports a payment, `approved` after the hold period, `paid` by a payout,
//!   `reversed` by a refund, or clawed back by a negative entry when already paid;
//! - [`iban`]: IBANs (ISO 13616 checksum) and BICs for bank transfers;
//! - [`billing_event`]: the billing system's event ids, on which payments and
//!   refunds are idempotent;
//! - [`ports`] and [`services`]: [`Program`], [`Tracking`], [`Ledger`], [`Payouts`].
//!
//! Money is integer minor units with a currency ([`portico_kernel::Money`]); no float
//! touches it anywhere. Payment and refund events are idempotent on their event id,
//! and a payout of the whole approved balance of one currency happens in one
//! transaction that concurrent requests can never both win.
//!
//! It depends on `portico-kernel` alone; an embedder implements its ports with
//! `#[portico_kernel::async_trait]`, composes its [`AffiliateNotice`]s with a
//! `NoticeComposer` of their own, and finds doubles under `mocks` (feature `mocks`).
//! `examples/ledger.rs` walks the ledger's rules: earnings, hold, payouts, refunds.
//!
//! ```
//! use portico_affiliate::commission::{CommissionStatus, LedgerEvent, Outcome};
//!
//! let paid = CommissionStatus::Approved.on(LedgerEvent::PaidOut).unwrap();
//! assert_eq!(paid, Outcome::MovesTo(CommissionStatus::Paid));
//! assert_eq!(CommissionStatus::Paid.on(LedgerEvent::Refunded), Ok(Outcome::ClawBack));
//! ```

pub mod billing_event;
pub mod commission;
pub mod iban;
pub mod link;
pub mod model;
pub mod notice;
pub mod ports;
pub mod services;
pub mod settings;

pub use billing_event::{BillingEventId, InvalidBillingEventId};
pub use commission::{CommissionStatus, LedgerEvent, Outcome};
pub use iban::{Bic, Iban, InvalidBic, InvalidIban};
pub use link::{
    Campaign, InvalidCampaign, InvalidCode, InvalidLandingHost, InvalidLandingUrl, LandingHosts,
    LandingUrl, LinkCode,
};
pub use model::{
    Balance, Click, ClickHasher, Commission, Destination, DestinationKind, Link, Overview, Payout,
    PayoutStatus, Referral,
};
pub use notice::AffiliateNotice;
pub use services::ledger::PaymentOutcome;
pub use services::{
    DestinationInput, Ledger, LedgerError, PaymentEvent, PayoutError, Payouts, Program,
    ProgramError, RefundEvent, Tracking, Visit,
};
pub use settings::ProgramSettings;

/// mockall doubles of the affiliate program's ports, for an embedder's unit tests (feature `mocks`).
#[cfg(any(test, feature = "mocks"))]
pub mod mocks {
    pub use crate::ports::{MockAffiliateAudit, MockLedgerRepository, MockProgramRepository};
}
