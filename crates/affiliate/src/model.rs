//! The records of the affiliate program.

use std::net::IpAddr;

use portico_kernel::{
    AccountId, CommissionId, DestinationId, EmailAddress, LinkId, Money, PayoutId,
};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::billing_event::BillingEventId;
use crate::commission::CommissionStatus;
use crate::iban::{Bic, Iban};
use crate::link::{Campaign, LandingUrl, LinkCode};

/// An affiliate link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Its id.
    pub id: LinkId,
    /// The affiliate's account.
    pub affiliate: AccountId,
    /// The public code in `/r/{code}`.
    pub code: LinkCode,
    /// Where it leads; the configured default when `None`.
    pub landing_url: Option<LandingUrl>,
    /// A campaign name.
    pub campaign: Option<Campaign>,
    /// When it was made.
    pub created_at: OffsetDateTime,
}

/// Keyed SHA-256 of a client's address and user agent: clicks can be counted and
/// told apart, but no raw personal data is kept, and without the key the digests
/// cannot be matched against a list of addresses.
#[derive(Clone)]
pub struct ClickHasher {
    key: [u8; 32],
}

impl std::fmt::Debug for ClickHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClickHasher(<key redacted>)")
    }
}

impl ClickHasher {
    /// A hasher with a secret key.
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    fn digest(&self, purpose: &str, value: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.key);
        hasher.update(purpose.as_bytes());
        hasher.update([0]);
        hasher.update(value.as_bytes());
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The digest of a client address.
    pub fn address(&self, ip: Option<IpAddr>) -> Option<String> {
        ip.map(|ip| self.digest("ip", &ip.to_string()))
    }

    /// The digest of a user agent.
    pub fn user_agent(&self, user_agent: Option<&str>) -> Option<String> {
        user_agent.map(|ua| self.digest("ua", ua))
    }
}

/// One click on a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Click {
    /// The link.
    pub link: LinkId,
    /// When.
    pub at: OffsetDateTime,
    /// Keyed digest of the client address.
    pub address_digest: Option<String>,
    /// Keyed digest of the user agent.
    pub user_agent_digest: Option<String>,
}

/// A referred account and who referred it (first touch, once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    /// The referred account.
    pub referred: AccountId,
    /// The referring affiliate.
    pub affiliate: AccountId,
    /// The link that brought it.
    pub link: LinkId,
    /// When the referred account registered.
    pub at: OffsetDateTime,
}

/// One entry of the commission ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commission {
    /// Its id.
    pub id: CommissionId,
    /// The affiliate earning it.
    pub affiliate: AccountId,
    /// The referred account whose payment it comes from.
    pub referred: AccountId,
    /// The billing system's payment event.
    pub payment_event_id: BillingEventId,
    /// The amount; negative for a clawback.
    pub amount: Money,
    /// Where it stands.
    pub status: CommissionStatus,
    /// When it leaves the hold period.
    pub approve_after: OffsetDateTime,
    /// The payout that took it.
    pub payout: Option<PayoutId>,
    /// When it was recorded.
    pub created_at: OffsetDateTime,
}

/// Where payouts go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DestinationKind {
    /// A PayPal account.
    PayPal {
        /// Its address.
        email: EmailAddress,
    },
    /// A bank account.
    BankTransfer {
        /// The holder's name.
        account_holder: String,
        /// The IBAN, checksum verified.
        iban: Iban,
        /// The BIC, if given.
        bic: Option<Bic>,
    },
    /// Credit on the client's own hosting account.
    AccountCredit,
}

impl DestinationKind {
    /// The wire name of every kind, in the order of [`Self::kind`]'s arms.
    pub const NAMES: [&'static str; 3] = ["paypal", "bank_transfer", "account_credit"];

    /// The wire name.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::PayPal { .. } => "paypal",
            Self::BankTransfer { .. } => "bank_transfer",
            Self::AccountCredit => "account_credit",
        }
    }

    /// A public description for events and mails (never the whole IBAN).
    pub fn describe(&self) -> String {
        match self {
            Self::PayPal { email } => format!("PayPal {email}"),
            Self::BankTransfer { iban, .. } => format!("bank account ending {}", iban.last_four()),
            Self::AccountCredit => "account credit".into(),
        }
    }
}

/// A payout destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// Its id.
    pub id: DestinationId,
    /// Whose.
    pub affiliate: AccountId,
    /// Where payouts go.
    pub kind: DestinationKind,
    /// When it was added.
    pub created_at: OffsetDateTime,
}

/// Where a payout stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayoutStatus {
    /// Asked for; the platform pays it.
    Requested,
    /// The platform reported it paid.
    Paid,
}

impl PayoutStatus {
    /// Every status, in the order a payout goes through them.
    pub const ALL: [Self; 2] = [Self::Requested, Self::Paid];

    /// The wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Paid => "paid",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A payout of the whole approved balance of one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payout {
    /// Its id.
    pub id: PayoutId,
    /// Whose.
    pub affiliate: AccountId,
    /// Where it goes.
    pub destination: DestinationId,
    /// How much.
    pub amount: Money,
    /// Where it stands.
    pub status: PayoutStatus,
    /// When it was asked for.
    pub requested_at: OffsetDateTime,
    /// When the platform paid it.
    pub paid_at: Option<OffsetDateTime>,
}

/// Totals of one currency, by status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    /// The currency.
    pub currency: portico_kernel::Currency,
    /// Pending, in minor units.
    pub pending: i64,
    /// Approved and not yet paid out (clawbacks netted).
    pub approved: i64,
    /// Paid out.
    pub paid: i64,
}

/// What the affiliate page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    /// When the account joined.
    pub joined_at: OffsetDateTime,
    /// Clicks on all its links.
    pub clicks: u64,
    /// Accounts it referred.
    pub referrals: u64,
    /// Balances by currency.
    pub balances: Vec<Balance>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn click_digests_are_keyed_and_hide_the_input() {
        let a = ClickHasher::new([1; 32]);
        let b = ClickHasher::new([2; 32]);
        let ip = "192.0.2.1".parse().ok();
        let digest = a.address(ip).unwrap();
        assert_eq!(digest.len(), 64);
        assert!(!digest.contains("192"));
        assert_eq!(a.address(ip), Some(digest.clone()));
        assert_ne!(b.address(ip), Some(digest.clone()));
        assert_ne!(a.user_agent(Some("192.0.2.1")), Some(digest));
        assert_eq!(a.address(None), None);
    }

    #[test]
    fn destinations_never_describe_a_whole_iban() {
        let bank = DestinationKind::BankTransfer {
            account_holder: "Ada Lovelace".into(),
            iban: Iban::parse("DE89370400440532013000").unwrap(),
            bic: None,
        };
        assert_eq!(bank.describe(), "bank account ending 3000");
        assert_eq!(bank.kind(), "bank_transfer");
    }

    #[test]
    fn the_list_of_kind_names_holds_each_kinds_name() {
        let kinds = [
            DestinationKind::PayPal {
                email: EmailAddress::parse("ada@example.com").unwrap(),
            },
            DestinationKind::BankTransfer {
                account_holder: "Ada Lovelace".into(),
                iban: Iban::parse("DE89370400440532013000").unwrap(),
                bic: None,
            },
            DestinationKind::AccountCredit,
        ];
        let names: Vec<&str> = kinds.iter().map(DestinationKind::kind).collect();
        assert_eq!(names, DestinationKind::NAMES);
    }
}
