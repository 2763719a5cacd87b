//! The request and answer bodies of the affiliate API, and how a payout destination
//! is read.

use poem_openapi::Object;
use portico_affiliate::{
    Balance, Commission, Destination, DestinationInput, DestinationKind, Overview, Payout, Referral,
};
use portico_kernel::Money;

use crate::http::problem::{ApiError, FieldError};
use crate::http::timestamps::rfc3339;

/// An amount of money.
#[derive(Debug, Object)]
pub struct MoneyBody {
    /// Minor units (cents); never a float.
    amount_minor: i64,
    /// ISO 4217 code.
    currency: String,
}

impl From<Money> for MoneyBody {
    fn from(money: Money) -> Self {
        Self {
            amount_minor: money.amount_minor,
            currency: money.currency.to_string(),
        }
    }
}

/// Totals of one currency by state, in minor units.
#[derive(Debug, Object)]
pub struct BalanceBody {
    /// ISO 4217 code.
    currency: String,
    /// In the hold period.
    pending: i64,
    /// Payable now (clawbacks netted).
    approved: i64,
    /// Paid out.
    paid: i64,
}

impl From<Balance> for BalanceBody {
    fn from(b: Balance) -> Self {
        Self {
            currency: b.currency.to_string(),
            pending: b.pending,
            approved: b.approved,
            paid: b.paid,
        }
    }
}

/// My place in the program.
#[derive(Debug, Object)]
pub struct OverviewBody {
    /// `active` once joined, `not_joined` before.
    pub(super) status: String,
    /// When I joined.
    #[oai(skip_serializing_if_is_none)]
    pub(super) joined_at: Option<String>,
    /// Clicks on my links.
    pub(super) clicks: u64,
    /// Accounts I referred.
    pub(super) referrals: u64,
    /// Balances by currency and state.
    pub(super) balances: Vec<BalanceBody>,
}

impl From<Option<Overview>> for OverviewBody {
    fn from(overview: Option<Overview>) -> Self {
        match overview {
            Some(o) => Self {
                status: "active".into(),
                joined_at: Some(rfc3339(o.joined_at)),
                clicks: o.clicks,
                referrals: o.referrals,
                balances: o.balances.into_iter().map(BalanceBody::from).collect(),
            },
            None => Self {
                status: "not_joined".into(),
                joined_at: None,
                clicks: 0,
                referrals: 0,
                balances: Vec::new(),
            },
        }
    }
}

/// A new link.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewLink {
    /// Where the link leads (http or https); the portal when absent.
    #[oai(nullable)]
    pub(crate) landing_url: Option<String>,
    /// A campaign name.
    #[oai(nullable)]
    pub(crate) campaign: Option<String>,
}

/// One of my links.
#[derive(Debug, Object)]
pub struct LinkBody {
    /// Its id.
    pub(super) id: String,
    /// Its code.
    pub(super) code: String,
    /// The URL to share.
    pub(super) url: String,
    /// Where it leads.
    #[oai(skip_serializing_if_is_none)]
    pub(super) landing_url: Option<String>,
    /// Its campaign.
    #[oai(skip_serializing_if_is_none)]
    pub(super) campaign: Option<String>,
    /// When it was made.
    pub(super) created_at: String,
}

/// A list that fits one page.
#[derive(Debug, Object)]
pub struct LinkList {
    /// The links, newest first.
    pub(super) items: Vec<LinkBody>,
    /// Always `null`.
    #[oai(nullable)]
    pub(super) next_cursor: Option<String>,
}

/// One referral (the referred client's identity is not shown).
#[derive(Debug, Object)]
pub struct ReferralBody {
    /// When the referred client registered.
    created_at: String,
    /// The link that brought them.
    link_id: String,
}

impl From<Referral> for ReferralBody {
    fn from(r: Referral) -> Self {
        Self {
            created_at: rfc3339(r.at),
            link_id: r.link.to_string(),
        }
    }
}

/// A page of referrals.
#[derive(Debug, Object)]
pub struct ReferralList {
    /// The referrals, newest first.
    pub(super) items: Vec<ReferralBody>,
    /// Pass as `cursor` to read the next page; `null` on the last page.
    #[oai(nullable)]
    pub(super) next_cursor: Option<String>,
}

/// One ledger entry.
#[derive(Debug, Object)]
pub struct CommissionBody {
    /// Its id.
    id: String,
    /// The amount; negative for a clawback or the reversed share of a refund.
    amount: MoneyBody,
    /// `pending`, `approved`, `paid` or `reversed`.
    status: String,
    /// When it was recorded.
    created_at: String,
    /// When it leaves the hold period.
    approve_after: String,
}

impl From<Commission> for CommissionBody {
    fn from(c: Commission) -> Self {
        Self {
            id: c.id.to_string(),
            amount: c.amount.into(),
            status: c.status.to_string(),
            created_at: rfc3339(c.created_at),
            approve_after: rfc3339(c.approve_after),
        }
    }
}

/// A page of the ledger.
#[derive(Debug, Object)]
pub struct CommissionList {
    /// The entries, newest first.
    pub(super) items: Vec<CommissionBody>,
    /// Pass as `cursor` to read the next page; `null` on the last page.
    #[oai(nullable)]
    pub(super) next_cursor: Option<String>,
}

/// A new payout destination.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewDestination {
    /// `paypal`, `bank_transfer` or `account_credit`.
    pub(crate) kind: String,
    /// PayPal: the account's email address.
    #[oai(nullable)]
    pub(crate) email: Option<String>,
    /// Bank transfer: the account holder.
    #[oai(nullable)]
    pub(crate) account_holder: Option<String>,
    /// Bank transfer: the IBAN (checked).
    #[oai(nullable)]
    pub(crate) iban: Option<String>,
    /// Bank transfer: the BIC.
    #[oai(nullable)]
    pub(crate) bic: Option<String>,
}

/// A payout destination.
#[derive(Debug, Object)]
pub struct DestinationBody {
    /// Its id.
    id: String,
    /// `paypal`, `bank_transfer` or `account_credit`.
    kind: String,
    /// A description that never shows a whole IBAN.
    description: String,
    /// When it was added.
    created_at: String,
}

impl From<Destination> for DestinationBody {
    fn from(d: Destination) -> Self {
        Self {
            id: d.id.to_string(),
            kind: d.kind.kind().into(),
            description: d.kind.describe(),
            created_at: rfc3339(d.created_at),
        }
    }
}

/// My destinations.
#[derive(Debug, Object)]
pub struct DestinationList {
    /// The destinations.
    pub(super) items: Vec<DestinationBody>,
    /// Always `null`.
    #[oai(nullable)]
    pub(super) next_cursor: Option<String>,
}

/// A payout request.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct PayoutRequestBody {
    /// Where to pay.
    pub(crate) destination_id: String,
    /// Which currency's balance; needed only when several have one.
    #[oai(nullable)]
    pub(crate) currency: Option<String>,
}

/// A payout.
#[derive(Debug, Object)]
pub struct PayoutBody {
    /// Its id.
    id: String,
    /// How much.
    amount: MoneyBody,
    /// `requested` or `paid`.
    status: String,
    /// Where to.
    destination_id: String,
    /// When it was asked for.
    requested_at: String,
    /// When it was paid.
    #[oai(skip_serializing_if_is_none)]
    paid_at: Option<String>,
}

impl From<Payout> for PayoutBody {
    fn from(p: Payout) -> Self {
        Self {
            id: p.id.to_string(),
            amount: p.amount.into(),
            status: p.status.as_str().into(),
            destination_id: p.destination.to_string(),
            requested_at: rfc3339(p.requested_at),
            paid_at: p.paid_at.map(rfc3339),
        }
    }
}

/// My payouts.
#[derive(Debug, Object)]
pub struct PayoutList {
    /// Newest first.
    pub(super) items: Vec<PayoutBody>,
    /// Always `null`.
    #[oai(nullable)]
    pub(super) next_cursor: Option<String>,
}

/// Whether a payout destination of `kind` uses `field`.
pub(crate) fn kind_uses(kind: &str, field: &str) -> bool {
    matches!(
        (kind, field),
        ("paypal", "email") | ("bank_transfer", "account_holder" | "iban" | "bic")
    )
}

impl NewDestination {
    /// The kind and the fields it requires. Their values are checked by
    /// [`DestinationInput::try_into_kind`] once the caller is known to be in the
    /// program, so a non-member hears that first.
    pub(crate) fn try_into_domain(self) -> Result<DestinationInput, ApiError> {
        // A field the kind does not use is refused rather than ignored: a client that
        // sends one has misunderstood the kind, and its value would be checked by no
        // one.
        let given = [
            ("email", self.email.is_some()),
            ("account_holder", self.account_holder.is_some()),
            ("iban", self.iban.is_some()),
            ("bic", self.bic.is_some()),
        ];
        if DestinationKind::NAMES.contains(&self.kind.as_str()) {
            let stray: Vec<FieldError> = given
                .iter()
                .filter(|(field, present)| *present && !kind_uses(&self.kind, field))
                .map(|(field, _)| FieldError {
                    field: (*field).to_owned(),
                    message: format!("does not apply to {}", self.kind),
                })
                .collect();
            if !stray.is_empty() {
                return Err(ApiError::validation(stray));
            }
        }
        let missing = |field: &str| ApiError::invalid_field(field, "required for this kind");
        Ok(match self.kind.as_str() {
            "paypal" => DestinationInput::PayPal {
                email: self.email.ok_or_else(|| missing("email"))?,
            },
            "bank_transfer" => DestinationInput::BankTransfer {
                account_holder: self
                    .account_holder
                    .ok_or_else(|| missing("account_holder"))?,
                iban: self.iban.ok_or_else(|| missing("iban"))?,
                bic: self.bic,
            },
            "account_credit" => DestinationInput::AccountCredit,
            _ => {
                return Err(ApiError::invalid_field(
                    "kind",
                    "one of paypal, bank_transfer, account_credit",
                ));
            }
        })
    }
}
