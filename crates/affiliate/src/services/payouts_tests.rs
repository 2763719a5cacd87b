//! Unit tests of [`super::Payouts`].

use portico_kernel::contact::MockAccountContacts;
use portico_kernel::mail::plain::PlainComposer;
use portico_kernel::{AccountContact, AuditEntry, FixedClock, LanguageTag, Money, Username};
use time::OffsetDateTime;

use super::*;
use crate::model::{Balance, Overview, PayoutStatus};
use crate::ports::{MockLedgerRepository, MockProgramRepository};

/// An audit trail that names an addition `added` and a removal `removed`, so a test
/// reads what the service recorded.
struct AddedOrRemoved;

impl AffiliateAudit for AddedOrRemoved {
    fn entry(&self, event: &AffiliateEvent) -> AuditEntry {
        let kind = if event.added { "added" } else { "removed" };
        let detail = Some(event.detail.clone());
        AuditEntry::new(event.account, kind, event.at, &event.client, detail)
    }
}

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap()
}

fn eur() -> Currency {
    Currency::parse("EUR").unwrap()
}

fn overview(balances: Vec<Balance>) -> Overview {
    Overview {
        joined_at: now(),
        clicks: 0,
        referrals: 0,
        balances,
    }
}

fn approved(currency: &str, amount: i64) -> Balance {
    Balance {
        currency: Currency::parse(currency).unwrap(),
        pending: 0,
        approved: amount,
        paid: 0,
    }
}

/// Doubles of an affiliate with no destination and nothing to pay, whose ledger
/// accepts no write unless a test allows it.
struct Doubles {
    program: MockProgramRepository,
    ledger: MockLedgerRepository,
}

impl Doubles {
    fn affiliate(balances: Vec<Balance>) -> Self {
        let mut program = MockProgramRepository::new();
        program
            .expect_overview()
            .returning(move |_, _| Ok(Some(overview(balances.clone()))));
        let mut ledger = MockLedgerRepository::new();
        ledger.expect_destinations().returning(|_| Ok(Vec::new()));
        ledger.expect_approve_due().returning(|_| Ok(()));
        Self { program, ledger }
    }

    fn stranger() -> Self {
        let mut program = MockProgramRepository::new();
        program.expect_overview().returning(|_, _| Ok(None));
        Self {
            program,
            ledger: MockLedgerRepository::new(),
        }
    }

    fn service(self) -> Payouts {
        let mut contacts = MockAccountContacts::new();
        contacts.expect_contact().returning(|_| {
            let address = EmailAddress::parse("ada@example.com").unwrap();
            Ok(Some(AccountContact {
                username: Username::parse("ada").unwrap(),
                primary_email: address.clone(),
                verified_emails: vec![address.clone()],
                all_emails: vec![address],
                language: LanguageTag::english(),
            }))
        });
        Payouts::new(
            Arc::new(self.program),
            Arc::new(self.ledger),
            Arc::new(contacts),
            Arc::new(PlainComposer),
            Arc::new(AddedOrRemoved),
            Arc::new(FixedClock::at(now())),
            ProgramSettings::default(),
        )
    }
}

fn paypal(email: &str) -> DestinationInput {
    DestinationInput::PayPal {
        email: email.into(),
    }
}

fn paypal_kind(email: &str) -> DestinationKind {
    paypal(email).try_into_kind().unwrap()
}

#[tokio::test]
async fn a_destination_is_recorded_and_told_to_the_affiliate_in_one_write() {
    let mut d = Doubles::affiliate(Vec::new());
    let affiliate = AccountId::generate();
    d.ledger
        .expect_add_destination()
        .withf(move |change| {
            change.destination.affiliate == affiliate
                && change.event.kind == "added"
                && change.event.detail.as_deref() == Some("PayPal pay@example.com")
                && change.notices.len() == 1
                && change.notices[0].template == "payout_destination_changed"
                && change.notices[0].stored.text.contains("added: yes")
                && change.notices[0].stored.text.contains("ip: 192.0.2.9")
        })
        .times(1)
        .returning(|_| Ok(()));
    let client = ClientInfo {
        ip: Some("192.0.2.9".parse().unwrap()),
        user_agent: None,
    };

    let added = d
        .service()
        .add_destination(affiliate, paypal_kind("pay@example.com"), &client)
        .await
        .unwrap();

    assert_eq!(added.created_at, now());
}

#[tokio::test]
async fn a_bad_destination_or_a_stranger_changes_nothing() {
    let affiliate = AccountId::generate();
    let client = ClientInfo::default();
    let bad_iban = DestinationInput::BankTransfer {
        account_holder: "Ada Lovelace".into(),
        iban: "DE89370400440532013001".into(),
        bic: None,
    };
    let no_holder = DestinationInput::BankTransfer {
        account_holder: "  ".into(),
        iban: "DE89370400440532013000".into(),
        bic: None,
    };
    for (input, field) in [
        (bad_iban, "iban"),
        (no_holder, "account_holder"),
        (paypal("not an address"), "email"),
    ] {
        // Refused as it is read, before any service sees it.
        let result = input.try_into_kind();
        assert!(
            matches!(result, Err(PayoutError::Invalid { field: f, .. }) if f == field),
            "{field}: {result:?}"
        );
    }
    let stranger = Doubles::stranger()
        .service()
        .add_destination(affiliate, paypal_kind("pay@example.com"), &client)
        .await;
    assert!(matches!(stranger, Err(PayoutError::NotAffiliate)));
}

#[tokio::test]
async fn the_destinations_are_bounded() {
    let mut d = Doubles::affiliate(Vec::new());
    let affiliate = AccountId::generate();
    d.ledger.checkpoint();
    d.ledger.expect_destinations().returning(move |_| {
        Ok((0..MAX_DESTINATIONS)
            .map(|_| Destination {
                id: DestinationId::generate(),
                affiliate,
                kind: DestinationKind::AccountCredit,
                created_at: now(),
            })
            .collect())
    });

    let result = d
        .service()
        .add_destination(
            affiliate,
            DestinationKind::AccountCredit,
            &ClientInfo::default(),
        )
        .await;

    assert!(matches!(
        result,
        Err(PayoutError::Invalid { field: "kind", .. })
    ));
}

#[tokio::test]
async fn removing_a_destination_the_affiliate_does_not_have_is_not_found() {
    let result = Doubles::affiliate(Vec::new())
        .service()
        .remove_destination(
            AccountId::generate(),
            DestinationId::generate(),
            &ClientInfo::default(),
        )
        .await;
    assert!(matches!(result, Err(PayoutError::NotFound("destination"))));
}

#[tokio::test]
async fn without_a_currency_the_one_approved_balance_is_paid() {
    let mut d = Doubles::affiliate(vec![approved("EUR", 7_000), approved("USD", 0)]);
    let affiliate = AccountId::generate();
    let destination = DestinationId::generate();
    d.ledger
        .expect_request_payout()
        .withf(move |request| {
            request.affiliate == affiliate
                && request.currency == eur()
                && request.destination == destination
                && request.minimum == 5_000
                && request.at == now()
        })
        .times(1)
        .returning(move |request| {
            Ok(Payout {
                id: request.id,
                affiliate,
                destination,
                amount: Money::new(7_000, eur()),
                status: PayoutStatus::Requested,
                requested_at: request.at,
                paid_at: None,
            })
        });

    let payout = d
        .service()
        .request(affiliate, destination, None)
        .await
        .unwrap();

    assert_eq!(payout.amount, Money::new(7_000, eur()));
}

#[tokio::test]
async fn a_payout_names_its_currency_when_it_is_not_obvious_and_needs_enough() {
    let affiliate = AccountId::generate();
    let destination = DestinationId::generate();
    let two = Doubles::affiliate(vec![approved("EUR", 7_000), approved("USD", 9_000)])
        .service()
        .request(affiliate, destination, None)
        .await;
    assert!(matches!(two, Err(PayoutError::CurrencyRequired)));
    let none = Doubles::affiliate(vec![approved("EUR", 0)])
        .service()
        .request(affiliate, destination, None)
        .await;
    assert!(matches!(none, Err(PayoutError::NoBalance)));

    let mut d = Doubles::affiliate(vec![approved("EUR", 1_200)]);
    d.ledger
        .expect_request_payout()
        .returning(|_| Err(PayoutWriteError::BelowMinimum { balance: 1_200 }));
    let low = d
        .service()
        .request(affiliate, destination, Some(eur()))
        .await;
    assert!(matches!(
        low,
        Err(PayoutError::BelowMinimum {
            balance: 1_200,
            minimum: 5_000
        })
    ));
}
