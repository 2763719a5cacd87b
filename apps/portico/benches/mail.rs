//! Mail benchmarks, run with `cargo bench -p portico --bench mail`:
//!
//! 1. delivery rate of the outbox (claim, send, record) against the in-process SMTP
//!    sink, compared with a plain lettre send loop to the same sink;
//! 2. latency of the first and of a deep page of a 100,000-message email history.
//!
//! Both run on a SQLite file and on PostgreSQL (`PORTICO_TEST_DATABASE_URL`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use portico_kernel::{AccountId, Clock, Cursor, EmailAddress, MessageId, PageRequest, SystemClock};
use portico_mail_log::{
    Content, DeliveryWorker, Envelope, MailTransport, NewMessage, OutboxRepository, RetryPolicy,
};
use portico_sea_orm::SeaOutbox;
use portico_sea_orm::testing::{Engine, TestDatabase};
use portico_smtp::SmtpMailer;
use portico_smtp::testing::SmtpSink;

const DELIVERIES: usize = 2_000;
const HISTORY: usize = 100_000;
const PAGE_SAMPLES: usize = 200;

fn content(n: usize) -> Content {
    Content {
        subject: format!("Benchmark message {n}"),
        text: "Hello,\n\nthis is a benchmark message of ordinary length.\n".repeat(4),
        html: "<p>Hello, this is a benchmark message of ordinary length.</p>".repeat(4),
    }
}

fn sender() -> EmailAddress {
    EmailAddress::parse("portal@example.com").unwrap()
}

fn rate(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}

async fn plain_lettre_loop(sink: &SmtpSink) -> f64 {
    let mailer = SmtpMailer::from_url(&sink.url(), &sender()).unwrap();
    let to = EmailAddress::parse("ada@example.com").unwrap();
    let start = Instant::now();
    for n in 0..DELIVERIES {
        let id = MessageId::generate();
        let envelope = Envelope {
            id,
            to: to.clone(),
            content: content(n),
            message_id_header: format!("<{id}@example.com>"),
            attempts: 1,
            lease_until: time::OffsetDateTime::UNIX_EPOCH,
        };
        mailer.send(&envelope).await.unwrap();
    }
    rate(DELIVERIES, start.elapsed())
}

/// A transport that accepts everything at once: what is left is the outbox's own cost
/// (claim, record, events, erasing secrets).
struct Instant250;

#[async_trait::async_trait]
impl MailTransport for Instant250 {
    async fn send(&self, _envelope: &Envelope) -> Result<String, portico_mail_log::DeliveryError> {
        Ok("250 accepted".into())
    }
}

async fn outbox_delivery(engine: Engine, transport: Arc<dyn MailTransport>) -> f64 {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let outbox = Arc::new(SeaOutbox::new(test_db.database().connection()));
    let clock = SystemClock;
    let to = EmailAddress::parse("ada@example.com").unwrap();
    for n in 0..DELIVERIES {
        let id = MessageId::generate();
        outbox
            .enqueue(&NewMessage {
                id,
                account: None,
                to: to.clone(),
                template: "bench",
                language: "en".into(),
                stored: content(n),
                secret_delivery: None,
                message_id_header: format!("<{id}@example.com>"),
                created_at: clock.now(),
            })
            .await
            .unwrap();
    }
    let worker = DeliveryWorker::new(
        outbox,
        transport,
        Arc::new(SystemClock),
        RetryPolicy::default(),
    );
    let start = Instant::now();
    let mut sent = 0;
    loop {
        let report = worker.run_once().await.unwrap();
        if report.handled() == 0 {
            break;
        }
        sent += report.sent;
    }
    let elapsed = start.elapsed();
    assert_eq!(sent, DELIVERIES);
    test_db.finish().await.unwrap();
    rate(DELIVERIES, elapsed)
}

/// Fills one account's history with `HISTORY` messages, 1,000 rows per statement.
async fn fill_history(test_db: &TestDatabase, account: AccountId) {
    let base = SystemClock.now().unix_timestamp() * 1_000_000 - (HISTORY as i64) * 1_000;
    for chunk in 0..HISTORY / 1_000 {
        let mut values = Vec::with_capacity(1_000);
        for i in 0..1_000 {
            let n = chunk * 1_000 + i;
            let id = MessageId::generate();
            values.push(format!(
                "('{id}', '{account}', 'ada@example.com', 'bench', 'en', 'Message {n}', \
                 'text body', '<p>html body</p>', 'sent', 1, {at}, NULL, '<{id}@example.com>', {at}, {at})",
                at = base + (n as i64) * 1_000
            ));
        }
        test_db
            .database()
            .execute(&format!(
                "INSERT INTO messages (id, account_id, recipient, template, language, subject, \
                 text_body, html_body, status, attempts, next_attempt_at, lease_until, \
                 message_id_header, created_at, sent_at) VALUES {}",
                values.join(", ")
            ))
            .await
            .unwrap();
    }
}

async fn history_pages(engine: Engine) -> (Duration, Duration) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let account = AccountId::generate();
    test_db
        .database()
        .execute(&format!(
            "INSERT INTO accounts (id, username, username_key, first_name, last_name, language, created_at) \
             VALUES ('{account}', 'bench', 'bench', 'B', 'B', 'en', 0)"
        ))
        .await
        .unwrap();
    fill_history(&test_db, account).await;
    let outbox = SeaOutbox::new(test_db.database().connection());

    // Walk to a cursor ~99% deep once, then time pages at the top and at that depth.
    let mut cursor: Option<Cursor> = None;
    for _ in 0..(HISTORY / 200 - 5) {
        let page =
            PageRequest::new(Some(200), cursor.as_ref().map(Cursor::encode).as_deref()).unwrap();
        cursor = outbox.list(account, None, &page).await.unwrap().next_cursor;
    }
    let deep = cursor.unwrap().encode();
    let time = |cursor: Option<String>| {
        let outbox = outbox.clone();
        async move {
            let mut total = Duration::ZERO;
            for _ in 0..PAGE_SAMPLES {
                let page = PageRequest::new(Some(50), cursor.as_deref()).unwrap();
                let start = Instant::now();
                let found = outbox.list(account, None, &page).await.unwrap();
                total += start.elapsed();
                assert_eq!(found.items.len(), 50);
            }
            total / PAGE_SAMPLES as u32
        }
    };
    let first = time(None).await;
    let deep = time(Some(deep)).await;
    test_db.finish().await.unwrap();
    (first, deep)
}

#[tokio::main]
async fn main() {
    let sink = SmtpSink::start().await.unwrap();
    println!("delivery of {DELIVERIES} messages to the in-process SMTP sink:");
    println!(
        "  plain lettre send loop:      {:>8.0} msg/s",
        plain_lettre_loop(&sink).await
    );
    let smtp: Arc<dyn MailTransport> =
        Arc::new(SmtpMailer::from_url(&sink.url(), &sender()).unwrap());
    for (name, engine) in [
        ("SQLite file", Engine::SqliteFile),
        ("PostgreSQL", Engine::Postgres),
    ] {
        println!(
            "  outbox worker, {name:<12}  {:>8.0} msg/s",
            outbox_delivery(engine, smtp.clone()).await
        );
    }
    println!("the outbox alone (a transport that accepts at once):");
    for (name, engine) in [
        ("SQLite file", Engine::SqliteFile),
        ("PostgreSQL", Engine::Postgres),
    ] {
        println!(
            "  outbox worker, {name:<12}  {:>8.0} msg/s",
            outbox_delivery(engine, Arc::new(Instant250)).await
        );
    }
    println!("email history of {HISTORY} messages, page of 50, mean of {PAGE_SAMPLES} reads:");
    for (name, engine) in [
        ("SQLite file", Engine::SqliteFile),
        ("PostgreSQL", Engine::Postgres),
    ] {
        let (first, deep) = history_pages(engine).await;
        println!(
            "  {name:<12} first page {:>7.2} ms   page at depth 99,000 {:>7.2} ms",
            first.as_secs_f64() * 1e3,
            deep.as_secs_f64() * 1e3
        );
    }
}
