use portico_affiliate::ports::{
    DestinationChange, LedgerRepository, PaymentRecord, PayoutRequest, PayoutWriteError,
    ProgramRepository, RefundOutcome, RefundRecord,
};
use portico_affiliate::{
    BillingEventId, Click, Commission, CommissionStatus, Destination, DestinationKind, Link,
    LinkCode, Referral,
};
use portico_kernel::{
    AccountId, AuditEntry, ClientInfo, CommissionId, Currency, DestinationId, LinkId, Money,
    PageRequest, PayoutId,
};
use portico_sea_orm::testing::{Engine, TestDatabase};
use portico_sea_orm::{Database, SeaAffiliates, SeaLedger};
use portico_security::SecurityEventKind;

use crate::support::{at, on_both_engines, registered};

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::parse("EUR").unwrap())
}

struct Fixture {
    program: SeaAffiliates,
    ledger: SeaLedger,
    affiliate: AccountId,
    referred: AccountId,
    destination: DestinationId,
}

async fn fixture(db: &Database) -> Fixture {
    let affiliate = registered(db, "ada", "ada@example.com").await;
    let referred = registered(db, "bob", "bob@example.com").await;
    let program = SeaAffiliates::new(db.connection());
    let ledger = SeaLedger::new(db.connection());
    assert!(program.join(affiliate, at(0)).await.unwrap());
    assert!(!program.join(affiliate, at(1)).await.unwrap());
    let link = Link {
        id: LinkId::generate(),
        affiliate,
        code: LinkCode::generate().unwrap(),
        landing_url: None,
        campaign: None,
        created_at: at(0),
    };
    program.add_link(&link).await.unwrap();
    assert!(
        program
            .add_referral(&Referral {
                referred,
                affiliate,
                link: link.id,
                at: at(1),
            })
            .await
            .unwrap()
    );
    let destination = Destination {
        id: DestinationId::generate(),
        affiliate,
        kind: DestinationKind::AccountCredit,
        created_at: at(0),
    };
    ledger
        .add_destination(&DestinationChange {
            destination: destination.clone(),
            event: AuditEntry::new(
                affiliate,
                SecurityEventKind::PayoutDestinationAdded.as_str(),
                at(0),
                &ClientInfo::default(),
                Some("account credit".into()),
            ),
            notices: vec![],
        })
        .await
        .unwrap();
    Fixture {
        program,
        ledger,
        affiliate,
        referred,
        destination: destination.id,
    }
}

/// A billing event id, as the platform sends one.
fn billing(id: &str) -> BillingEventId {
    BillingEventId::parse(id).unwrap()
}

fn payment(f: &Fixture, event: &str, commission_minor: i64) -> PaymentRecord {
    PaymentRecord {
        event_id: billing(event),
        payment: eur(commission_minor * 10),
        commission: Commission {
            id: CommissionId::generate(),
            affiliate: f.affiliate,
            referred: f.referred,
            payment_event_id: billing(event),
            amount: eur(commission_minor),
            status: CommissionStatus::Pending,
            approve_after: at(100),
            payout: None,
            created_at: at(10),
        },
    }
}

fn payout_request(f: &Fixture, minimum: i64) -> PayoutRequest {
    PayoutRequest {
        id: PayoutId::generate(),
        affiliate: f.affiliate,
        currency: Currency::parse("EUR").unwrap(),
        destination: f.destination,
        minimum,
        at: at(200),
    }
}

async fn statuses(f: &Fixture) -> Vec<(i64, CommissionStatus)> {
    f.ledger
        .commissions(f.affiliate, &PageRequest::first())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|c| (c.amount.amount_minor, c.status))
        .collect()
}

async fn the_ledger_moves_only_as_the_rules_say(db: Database) {
    let f = fixture(&db).await;
    // One referrer per referred account: the first stays.
    let second = f
        .program
        .add_referral(&Referral {
            referred: f.referred,
            affiliate: f.affiliate,
            link: LinkId::generate(),
            at: at(2),
        })
        .await
        .unwrap();
    assert!(!second);
    assert_eq!(
        f.program.referral_of(f.referred).await.unwrap().unwrap().at,
        at(1)
    );

    assert!(
        f.ledger
            .record_payment(&payment(&f, "pay-1", 1_000))
            .await
            .unwrap()
    );
    assert!(
        !f.ledger
            .record_payment(&payment(&f, "pay-1", 1_000))
            .await
            .unwrap()
    );
    assert!(
        f.ledger
            .record_payment(&payment(&f, "pay-2", 3_000))
            .await
            .unwrap()
    );
    // Nothing approved yet.
    assert!(matches!(
        f.ledger.request_payout(&payout_request(&f, 1)).await,
        Err(PayoutWriteError::NoBalance)
    ));
    f.ledger.approve_due(at(99)).await.unwrap();
    assert!(
        statuses(&f)
            .await
            .iter()
            .all(|(_, s)| *s == CommissionStatus::Pending)
    );
    // A refund of half of pay-2 before approval reverses its share.
    let half = RefundRecord {
        event_id: billing("ref-1"),
        payment_event_id: billing("pay-2"),
        amount_minor: 15_000,
        at: at(50),
    };
    assert_eq!(
        f.ledger.record_refund(&half).await.unwrap(),
        RefundOutcome::Reversed
    );
    assert_eq!(
        f.ledger.record_refund(&half).await.unwrap(),
        RefundOutcome::Duplicate
    );
    f.ledger.approve_due(at(100)).await.unwrap();
    // 1,000 + 3,000 - 1,500 approved; below a minimum of 5,000 nothing is paid.
    assert!(matches!(
        f.ledger.request_payout(&payout_request(&f, 5_000)).await,
        Err(PayoutWriteError::BelowMinimum { balance: 2_500 })
    ));
    let payout = f
        .ledger
        .request_payout(&payout_request(&f, 2_000))
        .await
        .unwrap();
    assert_eq!(payout.amount, eur(2_500));
    assert!(
        statuses(&f)
            .await
            .iter()
            .all(|(_, s)| *s == CommissionStatus::Paid)
    );

    // A full refund after payout claws the whole commission back; the next payout
    // nets it.
    let full = RefundRecord {
        event_id: billing("ref-2"),
        payment_event_id: billing("pay-1"),
        amount_minor: i64::MAX,
        at: at(300),
    };
    assert_eq!(
        f.ledger.record_refund(&full).await.unwrap(),
        RefundOutcome::ClawedBack
    );
    let unknown = RefundRecord {
        event_id: billing("ref-3"),
        payment_event_id: billing("pay-404"),
        amount_minor: 1,
        at: at(300),
    };
    assert_eq!(
        f.ledger.record_refund(&unknown).await.unwrap(),
        RefundOutcome::NoCommission
    );
    assert!(
        f.ledger
            .record_payment(&payment(&f, "pay-3", 5_000))
            .await
            .unwrap()
    );
    f.ledger.approve_due(at(400)).await.unwrap();
    let netted = f
        .ledger
        .request_payout(&payout_request(&f, 1))
        .await
        .unwrap();
    assert_eq!(netted.amount, eur(4_000));

    assert!(f.ledger.mark_paid(netted.id, at(500)).await.unwrap());
    assert!(!f.ledger.mark_paid(netted.id, at(501)).await.unwrap());
    let payouts = f.ledger.payouts(f.affiliate).await.unwrap();
    assert_eq!(payouts.len(), 2);
    let overview = f
        .program
        .overview(f.affiliate, at(1_000))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(overview.referrals, 1);
    assert_eq!(overview.balances[0].approved, 0);
    assert_eq!(overview.balances[0].paid, 2_500 + 4_000);
}
on_both_engines!(ledger, super::the_ledger_moves_only_as_the_rules_say);

async fn partial_refunds_add_up_and_never_take_back_more_than_earned(db: Database) {
    let f = fixture(&db).await;
    // A payment of 100,000 earning 10,000.
    assert!(
        f.ledger
            .record_payment(&payment(&f, "pay-1", 10_000))
            .await
            .unwrap()
    );
    let refund = |event: &str, amount| RefundRecord {
        event_id: billing(event),
        payment_event_id: billing("pay-1"),
        amount_minor: amount,
        at: at(20),
    };
    f.ledger
        .record_refund(&refund("r-1", 60_000))
        .await
        .unwrap();
    f.ledger
        .record_refund(&refund("r-2", 60_000))
        .await
        .unwrap();
    let third = f.ledger.record_refund(&refund("r-3", 1)).await.unwrap();
    assert_eq!(third, RefundOutcome::Duplicate, "nothing left to refund");
    let net: i64 = statuses(&f).await.iter().map(|(amount, _)| amount).sum();
    assert_eq!(net, 0);

    // Half, then the rest: the same, in two steps.
    assert!(
        f.ledger
            .record_payment(&payment(&f, "pay-2", 3_333))
            .await
            .unwrap()
    );
    let half = RefundRecord {
        event_id: billing("r-4"),
        payment_event_id: billing("pay-2"),
        amount_minor: 16_665,
        at: at(20),
    };
    let rest = RefundRecord {
        event_id: billing("r-5"),
        payment_event_id: billing("pay-2"),
        amount_minor: i64::MAX,
        at: at(21),
    };
    f.ledger.record_refund(&half).await.unwrap();
    f.ledger.record_refund(&rest).await.unwrap();
    let net: i64 = statuses(&f).await.iter().map(|(amount, _)| amount).sum();
    assert_eq!(net, 0);
}
on_both_engines!(
    partial_refunds,
    super::partial_refunds_add_up_and_never_take_back_more_than_earned
);

async fn clicks_count_and_links_are_the_affiliates_own(db: Database) {
    let f = fixture(&db).await;
    let link = f.program.links(f.affiliate).await.unwrap().remove(0);
    for second in 0..3 {
        f.program
            .record_click(&Click {
                link: link.id,
                at: at(second),
                address_digest: Some("a".repeat(64)),
                user_agent_digest: None,
            })
            .await
            .unwrap();
    }
    assert_eq!(
        f.program
            .link_by_code(&link.code)
            .await
            .unwrap()
            .map(|l| l.id),
        Some(link.id)
    );
    assert_eq!(
        f.program
            .overview(f.affiliate, at(1_000))
            .await
            .unwrap()
            .unwrap()
            .clicks,
        3
    );
    assert!(!f.program.remove_link(f.referred, link.id).await.unwrap());
    assert!(f.program.remove_link(f.affiliate, link.id).await.unwrap());
    assert_eq!(
        f.program
            .overview(f.affiliate, at(1_000))
            .await
            .unwrap()
            .unwrap()
            .clicks,
        0
    );
    assert_eq!(
        f.program.overview(f.referred, at(1_000)).await.unwrap(),
        None
    );
}
on_both_engines!(clicks, super::clicks_count_and_links_are_the_affiliates_own);

async fn many_concurrent_payout_requests_pay_the_balance_once(engine: Engine) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let db = test_db.database().clone();
    let f = fixture(&db).await;
    for n in 0..20 {
        let event = format!("pay-{n}");
        f.ledger
            .record_payment(&payment(&f, &event, 1_000 + n))
            .await
            .unwrap();
    }
    f.ledger.approve_due(at(100)).await.unwrap();
    let expected: i64 = (0..20).map(|n| 1_000 + n).sum();

    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let ledger = f.ledger.clone();
            let request = payout_request(&f, 1);
            tokio::spawn(async move { ledger.request_payout(&request).await })
        })
        .collect();
    let mut paid = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(payout) => paid.push(payout.amount.amount_minor),
            Err(PayoutWriteError::NoBalance) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    assert_eq!(paid, vec![expected]);
    let commissions = statuses(&f).await;
    assert_eq!(commissions.len(), 20);
    assert!(
        commissions
            .iter()
            .all(|(_, s)| *s == CommissionStatus::Paid)
    );
    test_db.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_payouts_on_a_sqlite_file() {
    many_concurrent_payout_requests_pay_the_balance_once(Engine::SqliteFile).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_payouts_on_postgres() {
    many_concurrent_payout_requests_pay_the_balance_once(Engine::Postgres).await;
}

/// Every page of a keyset-paginated list, `limit` items at a time.
async fn all_pages<T, F, Fut>(limit: u64, mut read: F) -> Vec<Vec<T>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = portico_kernel::Page<T>>,
{
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let request = PageRequest::new(Some(limit), cursor.as_deref()).unwrap();
        let page = read(request).await;
        cursor = page.next_cursor.as_ref().map(|next| next.encode());
        pages.push(page.items);
        if cursor.is_none() {
            return pages;
        }
    }
}

async fn commissions_and_referrals_page_newest_first_without_gaps(db: Database) {
    let f = fixture(&db).await;
    for event in ["p1", "p2", "p3", "p4", "p5"] {
        assert!(
            f.ledger
                .record_payment(&payment(&f, event, 100))
                .await
                .unwrap()
        );
    }
    for (index, name) in ["carol", "dave", "erin"].into_iter().enumerate() {
        let referred = registered(&db, name, &format!("{name}@example.com")).await;
        let link = f.program.links(f.affiliate).await.unwrap()[0].id;
        let referral = Referral {
            referred,
            affiliate: f.affiliate,
            link,
            at: at(2 + i64::try_from(index).unwrap()),
        };
        assert!(f.program.add_referral(&referral).await.unwrap());
    }

    let commissions = all_pages(2, |page| {
        let ledger = &f.ledger;
        async move { ledger.commissions(f.affiliate, &page).await.unwrap() }
    })
    .await;
    let referrals = all_pages(2, |page| {
        let program = &f.program;
        async move { program.referrals(f.affiliate, &page).await.unwrap() }
    })
    .await;

    assert_eq!(
        commissions.iter().map(Vec::len).collect::<Vec<_>>(),
        [2, 2, 1]
    );
    let mut ids: Vec<String> = commissions
        .concat()
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    let listed = ids.clone();
    ids.sort();
    ids.reverse();
    assert_eq!(listed, ids, "same time: newest id first, each once");
    let times: Vec<_> = referrals.concat().iter().map(|r| r.at).collect();
    assert_eq!(times, [at(4), at(3), at(2), at(1)]);
    assert_eq!(referrals.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2]);
}
on_both_engines!(
    pages,
    super::commissions_and_referrals_page_newest_first_without_gaps
);
