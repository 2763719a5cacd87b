//! Mail benchmarks, run with `cargo bench -p portico --bench mail`:
//!
//! 1. delivery rate of the outbox (claim, send, record) through the SMTP connection
//!    pool, compared in the same run with a plain SMTP client loop (one connection, one
//!    message after another, each written at once) to the same server;
//! 2. the delivery lag of a burst: messages queued one after another while the worker
//!    loop of `portico serve` runs, from the first queued to the last delivered;
//! 3. latency of the first and of a deep page of a 100,000-message email history.
//!
//! The SMTP server is the in-process sink, or the one at `PORTICO_BENCH_SMTP_URL`
//! (`smtp://host:port`, e.g. Debian's aiosmtpd, see `docs/benchmarks.md`). Each part
//! runs on a SQLite file and on PostgreSQL (`PORTICO_TEST_DATABASE_URL`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use portico_kernel::{AccountId, Clock, Cursor, EmailAddress, MessageId, PageRequest, SystemClock};
use portico_mail_log::{
    Content, DeliveryError, DeliveryWorker, Envelope, MailTransport, NewMessage, OutboxRepository,
    RetryPolicy,
};
use portico_sea_orm::SeaOutbox;
use portico_sea_orm::testing::{Engine, TestDatabase};
use portico_smtp::SmtpMailer;
use portico_smtp::compose::compose;
use portico_smtp::readable_body::EightBit;
use portico_smtp::testing::SmtpSink;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const DELIVERIES: usize = 2_000;
const BURST: usize = 1_000;
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

fn recipient() -> EmailAddress {
    EmailAddress::parse("ada@example.com").unwrap()
}

fn rate(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}

fn envelope(n: usize) -> Envelope {
    let id = MessageId::generate();
    Envelope {
        id,
        to: recipient(),
        content: content(n),
        message_id_header: format!("<{id}@example.com>"),
        attempts: 1,
        lease_until: time::OffsetDateTime::UNIX_EPOCH,
    }
}

/// Reads one (possibly multi-line) SMTP reply and checks its first digit.
async fn expect_reply(reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>, class: u8) {
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).await.unwrap();
        assert_eq!(line.as_bytes().first(), Some(&class), "{line}");
        if line.as_bytes().get(3) != Some(&b'-') {
            return;
        }
    }
}

/// The baseline: a bare SMTP client on one connection, each command written whole
/// with `TCP_NODELAY`, the next message sent as soon as the last is accepted.
async fn plain_smtp_loop(address: &str) -> f64 {
    let stream = TcpStream::connect(address).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    expect_reply(&mut reader, b'2').await;
    write.write_all(b"EHLO bench.example\r\n").await.unwrap();
    expect_reply(&mut reader, b'2').await;
    let messages: Vec<Vec<u8>> = (0..DELIVERIES)
        .map(|n| {
            compose(&envelope(n), &sender(), EightBit::Allowed)
                .unwrap()
                .formatted()
        })
        .collect();
    let start = Instant::now();
    for message in &messages {
        write
            .write_all(b"MAIL FROM:<portal@example.com>\r\n")
            .await
            .unwrap();
        expect_reply(&mut reader, b'2').await;
        write
            .write_all(b"RCPT TO:<ada@example.com>\r\n")
            .await
            .unwrap();
        expect_reply(&mut reader, b'2').await;
        write.write_all(b"DATA\r\n").await.unwrap();
        expect_reply(&mut reader, b'3').await;
        let mut data = message.clone();
        data.extend_from_slice(b"\r\n.\r\n");
        write.write_all(&data).await.unwrap();
        expect_reply(&mut reader, b'2').await;
    }
    let elapsed = start.elapsed();
    write.write_all(b"QUIT\r\n").await.unwrap();
    rate(DELIVERIES, elapsed)
}

/// A transport that accepts everything at once: what is left is the outbox's own cost
/// (claim, record, events, erasing secrets).
struct Instant250;

#[async_trait::async_trait]
impl MailTransport for Instant250 {
    async fn send(&self, _envelope: &Envelope) -> Result<String, DeliveryError> {
        Ok("250 accepted".into())
    }
}

/// Counts accepted messages and notes when the last one was.
struct Counting {
    inner: Arc<dyn MailTransport>,
    sent: AtomicUsize,
    last: std::sync::Mutex<Option<Instant>>,
}

#[async_trait::async_trait]
impl MailTransport for Counting {
    async fn send(&self, envelope: &Envelope) -> Result<String, DeliveryError> {
        let reply = self.inner.send(envelope).await?;
        self.sent.fetch_add(1, Ordering::SeqCst);
        *self.last.lock().unwrap() = Some(Instant::now());
        Ok(reply)
    }
}

fn queued(n: usize) -> NewMessage {
    let id = MessageId::generate();
    NewMessage {
        id,
        account: None,
        to: recipient(),
        template: "bench",
        language: "en".into(),
        stored: content(n),
        secret_delivery: None,
        message_id_header: format!("<{id}@example.com>"),
        created_at: SystemClock.now(),
    }
}

async fn outbox_delivery(engine: Engine, transport: Arc<dyn MailTransport>) -> f64 {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let outbox = Arc::new(SeaOutbox::new(test_db.database().connection()));
    for n in 0..DELIVERIES {
        outbox.enqueue(&queued(n)).await.unwrap();
    }
    let worker = DeliveryWorker::new(
        outbox,
        transport,
        Arc::new(SystemClock),
        RetryPolicy::with_in_flight(SmtpMailer::DEFAULT_CONNECTIONS),
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

/// Queues `BURST` messages one after another while the worker loop runs; returns
/// the time from the first queued to the last delivered.
async fn burst_lag(engine: Engine, smtp_url: &str) -> Duration {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let outbox = Arc::new(SeaOutbox::new(test_db.database().connection()));
    let transport = Arc::new(Counting {
        inner: Arc::new(SmtpMailer::from_url(smtp_url, &sender()).unwrap()),
        sent: AtomicUsize::new(0),
        last: std::sync::Mutex::new(None),
    });
    let worker = DeliveryWorker::new(
        outbox.clone(),
        transport.clone(),
        Arc::new(SystemClock),
        RetryPolicy::with_in_flight(SmtpMailer::DEFAULT_CONNECTIONS),
    );
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let metrics = Arc::new(portico::metrics::Metrics::new());
    let running = tokio::spawn(portico::worker::run(worker, metrics, stopped));
    let first = Instant::now();
    for n in 0..BURST {
        outbox.enqueue(&queued(n)).await.unwrap();
    }
    while transport.sent.load(Ordering::SeqCst) < BURST {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let last = transport.last.lock().unwrap().unwrap();
    stop.send(true).unwrap();
    running.await.unwrap();
    test_db.finish().await.unwrap();
    last - first
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
    let smtp_url = std::env::var("PORTICO_BENCH_SMTP_URL").unwrap_or_else(|_| sink.url());
    let address = smtp_url.trim_start_matches("smtp://").to_owned();
    println!("delivery of {DELIVERIES} messages to {smtp_url}:");
    let plain = plain_smtp_loop(&address).await;
    println!("  plain SMTP client loop, one connection  {plain:>8.0} msg/s");
    let smtp: Arc<dyn MailTransport> =
        Arc::new(SmtpMailer::from_url(&smtp_url, &sender()).unwrap());
    for (name, engine) in [
        ("SQLite file", Engine::SqliteFile),
        ("PostgreSQL", Engine::Postgres),
    ] {
        let outbox = outbox_delivery(engine, smtp.clone()).await;
        println!(
            "  outbox worker, {name:<12}            {outbox:>8.0} msg/s  ({:.2}x the plain loop)",
            outbox / plain
        );
    }
    println!(
        "burst of {BURST} messages queued while the worker loop runs, first queued to last delivered:"
    );
    for (name, engine) in [
        ("SQLite file", Engine::SqliteFile),
        ("PostgreSQL", Engine::Postgres),
    ] {
        let lag = burst_lag(engine, &smtp_url).await;
        println!("  {name:<12} {:>8.2} s", lag.as_secs_f64());
    }
    println!("the outbox alone (a transport that accepts at once):");
    for (name, engine) in [
        ("SQLite file", Engine::SqliteFile),
        ("PostgreSQL", Engine::Postgres),
    ] {
        println!(
            "  outbox worker, {name:<12}            {:>8.0} msg/s",
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
