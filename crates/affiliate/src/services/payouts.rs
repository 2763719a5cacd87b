//! Payout destinations and payouts.

use std::sync::Arc;

use portico_kernel::mail::compose_for_account;
use portico_kernel::{AccountContacts, ComposeError, NoticeComposer};
use portico_kernel::{
    AccountId, ClientInfo, Clock, Currency, DestinationId, EmailAddress, PayoutId, StorageError,
};

use crate::notice::AffiliateNotice;

use crate::iban::{Bic, Iban};
use crate::model::{Destination, DestinationKind, Payout};
use crate::ports::{
    AffiliateAudit, AffiliateEvent, DestinationChange, LedgerRepository, PayoutRequest,
    PayoutWriteError, ProgramRepository,
};
use crate::settings::ProgramSettings;

/// A destination as a client describes it.
#[derive(Debug, Clone)]
pub enum DestinationInput {
    /// PayPal, by email address.
    PayPal {
        /// The address, as typed.
        email: String,
    },
    /// A bank transfer.
    BankTransfer {
        /// The holder's name.
        account_holder: String,
        /// The IBAN, as typed.
        iban: String,
        /// The BIC, as typed.
        bic: Option<String>,
    },
    /// Credit on the client's own account.
    AccountCredit,
}

/// Why a payout operation changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum PayoutError {
    /// The account has not joined the program.
    #[error("join the affiliate program first")]
    NotAffiliate,
    /// A field is not acceptable (named).
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// No such destination or payout.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// No approved balance to pay.
    #[error("there is no approved balance to pay out")]
    NoBalance,
    /// The approved balance is below the minimum.
    #[error("the approved balance of {balance} minor units is below the minimum of {minimum}")]
    BelowMinimum {
        /// The balance.
        balance: i64,
        /// The minimum.
        minimum: i64,
    },
    /// Several currencies have a balance: name one.
    #[error("several currencies have an approved balance; name the currency")]
    CurrencyRequired,
    /// A notice could not be composed.
    #[error("the notice could not be composed")]
    Compose(#[from] ComposeError),
    /// Storage failed.
    #[error("the payout operation failed unexpectedly")]
    Unexpected(#[from] StorageError),
}

fn invalid(field: &'static str, message: impl ToString) -> PayoutError {
    PayoutError::Invalid {
        field,
        message: message.to_string(),
    }
}

impl DestinationInput {
    /// The destination it describes: the address parsed, the holder's name bounded,
    /// the IBAN's checksum and the BIC checked. A refusal names the field. The API and
    /// the pages call this as they read a form, so [`Payouts::add_destination`] takes
    /// only a checked destination.
    pub fn try_into_kind(self) -> Result<DestinationKind, PayoutError> {
        Ok(match self {
            Self::PayPal { email } => DestinationKind::PayPal {
                email: EmailAddress::parse(&email).map_err(|e| invalid("email", e))?,
            },
            Self::BankTransfer {
                account_holder,
                iban,
                bic,
            } => {
                let holder = account_holder.trim();
                if holder.is_empty()
                    || holder.chars().count() > 100
                    || holder.chars().any(char::is_control)
                {
                    return Err(invalid(
                        "account_holder",
                        "an account holder has 1 to 100 characters",
                    ));
                }
                DestinationKind::BankTransfer {
                    account_holder: holder.to_owned(),
                    iban: Iban::parse(&iban).map_err(|e| invalid("iban", e))?,
                    bic: bic
                        .as_deref()
                        .map(Bic::parse)
                        .transpose()
                        .map_err(|e| invalid("bic", e))?,
                }
            }
            Self::AccountCredit => DestinationKind::AccountCredit,
        })
    }
}

/// Destinations and payouts of affiliates.
#[derive(Clone)]
pub struct Payouts {
    program: Arc<dyn ProgramRepository>,
    ledger: Arc<dyn LedgerRepository>,
    contacts: Arc<dyn AccountContacts>,
    composer: Arc<dyn NoticeComposer>,
    audit: Arc<dyn AffiliateAudit>,
    clock: Arc<dyn Clock>,
    settings: ProgramSettings,
}

/// Most destinations per affiliate.
pub const MAX_DESTINATIONS: usize = 10;

impl Payouts {
    /// Wires the service; destination changes are recorded through `audit` in the
    /// affiliate's audit trail.
    pub fn new(
        program: Arc<dyn ProgramRepository>,
        ledger: Arc<dyn LedgerRepository>,
        contacts: Arc<dyn AccountContacts>,
        composer: Arc<dyn NoticeComposer>,
        audit: Arc<dyn AffiliateAudit>,
        clock: Arc<dyn Clock>,
        settings: ProgramSettings,
    ) -> Self {
        Self {
            program,
            ledger,
            contacts,
            composer,
            audit,
            clock,
            settings,
        }
    }

    /// Refuses an account outside the program. Every operation here checks it first;
    /// the API also asks before it reads a destination's fields, so a non-member
    /// hears "join first" before anything about what it typed.
    #[tracing::instrument(name = "Payouts::require_affiliate", skip_all, fields(account = %account))]
    pub async fn require_affiliate(&self, account: AccountId) -> Result<(), PayoutError> {
        self.program
            .overview(account, self.clock.now())
            .await?
            .map(|_| ())
            .ok_or(PayoutError::NotAffiliate)
    }

    /// The affiliate's destinations.
    #[tracing::instrument(name = "Payouts::destinations", skip_all, fields(affiliate = %affiliate))]
    pub async fn destinations(
        &self,
        affiliate: AccountId,
    ) -> Result<Vec<Destination>, PayoutError> {
        self.require_affiliate(affiliate).await?;
        Ok(self.ledger.destinations(affiliate).await?)
    }

    /// Adds a destination (read with [`DestinationInput::try_into_kind`]); recorded
    /// and notified by mail.
    #[tracing::instrument(name = "Payouts::add_destination", skip_all, fields(affiliate = %affiliate))]
    pub async fn add_destination(
        &self,
        affiliate: AccountId,
        kind: DestinationKind,
        client: &ClientInfo,
    ) -> Result<Destination, PayoutError> {
        self.require_affiliate(affiliate).await?;
        if self.ledger.destinations(affiliate).await?.len() >= MAX_DESTINATIONS {
            return Err(invalid(
                "kind",
                format!("at most {MAX_DESTINATIONS} destinations"),
            ));
        }
        let destination = Destination {
            id: DestinationId::generate(),
            affiliate,
            kind,
            created_at: self.clock.now(),
        };
        let change = self.change(destination, true, client).await?;
        self.ledger.add_destination(&change).await?;
        Ok(change.destination)
    }

    /// Removes a destination; recorded and notified by mail.
    #[tracing::instrument(name = "Payouts::remove_destination", skip_all, fields(affiliate = %affiliate, id = %id))]
    pub async fn remove_destination(
        &self,
        affiliate: AccountId,
        id: DestinationId,
        client: &ClientInfo,
    ) -> Result<(), PayoutError> {
        let destination = self
            .ledger
            .destinations(affiliate)
            .await?
            .into_iter()
            .find(|d| d.id == id)
            .ok_or(PayoutError::NotFound("destination"))?;
        let change = self.change(destination, false, client).await?;
        if self.ledger.remove_destination(&change).await? {
            Ok(())
        } else {
            Err(PayoutError::NotFound("destination"))
        }
    }

    async fn change(
        &self,
        destination: Destination,
        added: bool,
        client: &ClientInfo,
    ) -> Result<DestinationChange, PayoutError> {
        let account = destination.affiliate;
        let detail = destination.kind.describe();
        let contact = self
            .contacts
            .contact(account)
            .await?
            .ok_or(PayoutError::NotAffiliate)?;
        let notice = AffiliateNotice::PayoutDestinationChanged {
            username: contact.username.clone(),
            destination: detail.clone(),
            added,
            ip: client.ip,
        };
        let notices = compose_for_account(self.composer.as_ref(), account, &contact, &notice)?;
        Ok(DestinationChange {
            event: self.audit.entry(&AffiliateEvent {
                account,
                added,
                at: self.clock.now(),
                client: client.clone(),
                detail,
            }),
            notices,
            destination,
        })
    }

    /// Pays the whole approved balance of one currency to a destination, if it
    /// reaches the minimum. Without `currency`, the one currency with an approved
    /// balance is taken.
    #[tracing::instrument(name = "Payouts::request", skip_all, fields(affiliate = %affiliate, destination = %destination))]
    pub async fn request(
        &self,
        affiliate: AccountId,
        destination: DestinationId,
        currency: Option<Currency>,
    ) -> Result<Payout, PayoutError> {
        let now = self.clock.now();
        self.ledger.approve_due(now).await?;
        let overview = self
            .program
            .overview(affiliate, now)
            .await?
            .ok_or(PayoutError::NotAffiliate)?;
        let currency = match currency {
            Some(currency) => currency,
            None => {
                let mut payable = overview.balances.iter().filter(|b| b.approved > 0);
                match (payable.next(), payable.next()) {
                    (Some(balance), None) => balance.currency,
                    (None, _) => return Err(PayoutError::NoBalance),
                    (Some(_), Some(_)) => return Err(PayoutError::CurrencyRequired),
                }
            }
        };
        let request = PayoutRequest {
            id: PayoutId::generate(),
            affiliate,
            currency,
            destination,
            minimum: self.settings.min_payout_minor,
            at: now,
        };
        self.ledger
            .request_payout(&request)
            .await
            .map_err(|error| match error {
                PayoutWriteError::NoBalance => PayoutError::NoBalance,
                PayoutWriteError::BelowMinimum { balance } => PayoutError::BelowMinimum {
                    balance,
                    minimum: self.settings.min_payout_minor,
                },
                PayoutWriteError::NoDestination => PayoutError::NotFound("destination"),
                PayoutWriteError::Storage(error) => PayoutError::Unexpected(error),
            })
    }

    /// The affiliate's payouts.
    #[tracing::instrument(name = "Payouts::payouts", skip_all, fields(affiliate = %affiliate))]
    pub async fn payouts(&self, affiliate: AccountId) -> Result<Vec<Payout>, PayoutError> {
        self.require_affiliate(affiliate).await?;
        Ok(self.ledger.payouts(affiliate).await?)
    }

    /// The platform reports a payout paid.
    #[tracing::instrument(name = "Payouts::mark_paid", skip_all, fields(id = %id))]
    pub async fn mark_paid(&self, id: PayoutId) -> Result<(), PayoutError> {
        if self.ledger.mark_paid(id, self.clock.now()).await? {
            Ok(())
        } else {
            Err(PayoutError::NotFound("payout"))
        }
    }
}

#[cfg(test)]
#[path = "payouts_tests.rs"]
mod tests;
