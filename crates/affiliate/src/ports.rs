//! The storage ports of the affiliate domain.

use async_trait::async_trait;
use portico_kernel::{
    AccountId, ClientInfo, Currency, DestinationId, LinkId, Money, Page, PageRequest, PayoutId,
    StorageError,
};
use portico_kernel::{AuditEntry, NewMessage};
use time::OffsetDateTime;

use crate::billing_event::BillingEventId;
use crate::link::LinkCode;
use crate::model::{Click, Commission, Destination, Link, Overview, Payout, Referral};

/// The program: affiliates, links, clicks and referrals.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ProgramRepository: Send + Sync {
    /// Makes the account an affiliate; `false` when it already is one.
    async fn join(&self, account: AccountId, at: OffsetDateTime) -> Result<bool, StorageError>;

    /// The account's overview at `now` (entries past their hold count as approved);
    /// `None` when it is not an affiliate.
    async fn overview(
        &self,
        account: AccountId,
        now: OffsetDateTime,
    ) -> Result<Option<Overview>, StorageError>;

    /// Stores a link.
    async fn add_link(&self, link: &Link) -> Result<(), StorageError>;

    /// The affiliate's links, newest first.
    async fn links(&self, affiliate: AccountId) -> Result<Vec<Link>, StorageError>;

    /// Removes one of the affiliate's links; `false` when it has no such link.
    async fn remove_link(&self, affiliate: AccountId, id: LinkId) -> Result<bool, StorageError>;

    /// The link with this code.
    async fn link_by_code(&self, code: &LinkCode) -> Result<Option<Link>, StorageError>;

    /// Records a click.
    async fn record_click(&self, click: &Click) -> Result<(), StorageError>;

    /// Records a referral; `false` when the referred account already has a referrer
    /// (the first one stays).
    async fn add_referral(&self, referral: &Referral) -> Result<bool, StorageError>;

    /// Who referred the account, if anyone.
    async fn referral_of(&self, referred: AccountId) -> Result<Option<Referral>, StorageError>;

    /// One page of the affiliate's referrals, newest first.
    async fn referrals(
        &self,
        affiliate: AccountId,
        page: &PageRequest,
    ) -> Result<Page<Referral>, StorageError>;
}

/// A payment event turned into a commission.
#[derive(Debug, Clone)]
pub struct PaymentRecord {
    /// The billing system's event id (idempotency key).
    pub event_id: BillingEventId,
    /// The payment amount.
    pub payment: Money,
    /// The commission it earns.
    pub commission: Commission,
}

/// A refund event and what it does to the commission.
#[derive(Debug, Clone)]
pub struct RefundRecord {
    /// The billing system's event id (idempotency key).
    pub event_id: BillingEventId,
    /// The payment event refunded.
    pub payment_event_id: BillingEventId,
    /// The refunded amount.
    pub amount_minor: i64,
    /// When.
    pub at: OffsetDateTime,
}

/// What a refund did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundOutcome {
    /// The commission (or its refunded share) was cancelled before payout.
    Reversed,
    /// The commission had been paid out: a negative entry claws it back.
    ClawedBack,
    /// The refund event was seen before; nothing changed.
    Duplicate,
    /// No commission belongs to that payment (not a referred client's).
    NoCommission,
}

/// A payout destination with its event and notices.
#[derive(Debug, Clone)]
pub struct DestinationChange {
    /// The destination.
    pub destination: Destination,
    /// The affiliate's audit-trail line.
    pub event: AuditEntry,
    /// The notices to the affiliate.
    pub notices: Vec<NewMessage>,
}

/// Security-relevant affiliate changes, recorded in the account's audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffiliateEvent {
    /// Whose account.
    pub account: AccountId,
    /// Added (`true`) or removed.
    pub added: bool,
    /// When.
    pub at: OffsetDateTime,
    /// The request it came from.
    pub client: ClientInfo,
    /// A public description of the destination.
    pub detail: String,
}

/// The affiliate's audit trail, as seen from the program: it turns an
/// [`AffiliateEvent`] into the [`AuditEntry`] the change then writes in its own
/// transaction. The trail and the names of its kinds belong to another domain; the
/// app implements this port where the two meet.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait AffiliateAudit: Send + Sync {
    /// The audit-trail line that records `event`.
    fn entry(&self, event: &AffiliateEvent) -> AuditEntry;
}

/// Why a payout was not created.
#[derive(Debug, thiserror::Error)]
pub enum PayoutWriteError {
    /// MUST mean: the approved balance of the currency is zero or negative.
    #[error("no approved balance")]
    NoBalance,
    /// MUST mean: the approved balance is below the minimum.
    #[error("the approved balance of {balance} is below the minimum")]
    BelowMinimum {
        /// The balance, in minor units.
        balance: i64,
    },
    /// MUST mean: the affiliate has no such destination.
    #[error("no such destination")]
    NoDestination,
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// A payout request.
#[derive(Debug, Clone)]
pub struct PayoutRequest {
    /// The new payout's id.
    pub id: PayoutId,
    /// Whose balance.
    pub affiliate: AccountId,
    /// Which currency.
    pub currency: Currency,
    /// Where to.
    pub destination: DestinationId,
    /// The least that may be paid out, in minor units.
    pub minimum: i64,
    /// When.
    pub at: OffsetDateTime,
}

/// The commission ledger, destinations and payouts.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait LedgerRepository: Send + Sync {
    /// Records a payment's commission; `false` when the event id was seen before
    /// (nothing written).
    async fn record_payment(&self, record: &PaymentRecord) -> Result<bool, StorageError>;

    /// Applies a refund to the commission of its payment in one transaction:
    /// reverses an unpaid commission (or its refunded share), or adds a negative,
    /// approved entry for a paid one. Idempotent on the refund's event id.
    async fn record_refund(&self, refund: &RefundRecord) -> Result<RefundOutcome, StorageError>;

    /// Moves every pending entry whose hold period ended by `now` to approved.
    async fn approve_due(&self, now: OffsetDateTime) -> Result<(), StorageError>;

    /// One page of the affiliate's ledger, newest first.
    async fn commissions(
        &self,
        affiliate: AccountId,
        page: &PageRequest,
    ) -> Result<Page<Commission>, StorageError>;

    /// Stores a destination with its event and notices.
    async fn add_destination(&self, change: &DestinationChange) -> Result<(), StorageError>;

    /// The affiliate's destinations.
    async fn destinations(&self, affiliate: AccountId) -> Result<Vec<Destination>, StorageError>;

    /// Removes a destination with its event and notices; `false` when the affiliate
    /// has no such destination.
    async fn remove_destination(&self, change: &DestinationChange) -> Result<bool, StorageError>;

    /// Pays the whole approved balance of the currency, if it reaches the minimum, in
    /// one transaction that concurrent requests for the same affiliate cannot both
    /// win: every approved, unpaid entry of the currency moves to paid under the new
    /// payout.
    async fn request_payout(&self, request: &PayoutRequest) -> Result<Payout, PayoutWriteError>;

    /// The affiliate's payouts, newest first.
    async fn payouts(&self, affiliate: AccountId) -> Result<Vec<Payout>, StorageError>;

    /// Marks a requested payout paid; `false` when there is no such requested payout.
    async fn mark_paid(&self, id: PayoutId, at: OffsetDateTime) -> Result<bool, StorageError>;
}
