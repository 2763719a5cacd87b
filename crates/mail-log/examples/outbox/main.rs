//! mail-log on its own: render a mail from templates the embedder hands in, queue it,
//! let the delivery worker send it through a stub transport (which turns the first
//! attempt away), read the history, then record a bounce. The outbox lives in memory
//! (`memory.rs`); nothing here knows another Portico domain.
//!
//! Run it with `cargo run -p portico-mail-log --example outbox`; the test suite runs
//! it too.

mod memory;

use std::sync::{Arc, Mutex, PoisonError};

use portico_kernel::{AccountId, EmailAddress, FixedClock, OneTimeLink, PageRequest, async_trait};
use portico_mail_log::{
    BounceReason, BounceReference, Bounces, DeliveryError, DeliveryWorker, Envelope, MailHistory,
    MailTransport, Mailer, MessageComposer, MessageStatus, OutboxRepository, RetryPolicy, Template,
    TemplateSource, Templates,
};
use time::OffsetDateTime;

use memory::MemoryOutbox;

/// The templates an embedder ships: a subject line, a blank line and the text body,
/// plus the HTML body, in each language it writes.
const SOURCES: &[TemplateSource] = &[
    TemplateSource {
        name: "report_ready",
        language: "en",
        text: "Subject: Your report is ready, {{ name }}\n\n\
               Download it within a day: {{ link }}\n\n{{ brand }}",
        html: "<p>Download it within a day: <a href=\"{{ link }}\">your report</a></p>",
    },
    TemplateSource {
        name: "report_ready",
        language: "de",
        text: "Subject: Ihr Bericht ist fertig, {{ name }}\n\n\
               Laden Sie ihn innerhalb eines Tages herunter: {{ link }}\n\n{{ brand }}",
        html: "<p>Innerhalb eines Tages: <a href=\"{{ link }}\">Ihr Bericht</a></p>",
    },
];

/// A mail server that answers "try later" once, then accepts everything, keeping
/// what it was handed.
#[derive(Default)]
struct StubTransport {
    received: Mutex<Vec<Envelope>>,
}

#[async_trait]
impl MailTransport for StubTransport {
    async fn send(&self, envelope: &Envelope) -> Result<String, DeliveryError> {
        let mut received = self.received.lock().unwrap_or_else(PoisonError::into_inner);
        received.push(envelope.clone());
        if received.len() == 1 {
            return Err(DeliveryError::Transient("421 busy, try later".into()));
        }
        Ok(format!("250 queued as {}", received.len()))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let clock = Arc::new(FixedClock::at(OffsetDateTime::now_utc()));
    let mailer = Mailer::new(
        Arc::new(Templates::new(SOURCES)?),
        clock.clone(),
        "example.com",
    );
    let outbox = Arc::new(MemoryOutbox::default());
    let account = AccountId::generate();

    // Render: the stored copy hides the one-time link, the delivered copy has it.
    let link = OneTimeLink::new("https://reports.example", "/download", &[], "s3cr3t-t0ken");
    let template = Template::new("report_ready")
        .with("name", "Ada")
        .with_link(link);
    let to = EmailAddress::parse("ada@example.com")?;
    let message = mailer.compose(Some(account), &to, "de-CH", &template)?;
    assert_eq!(message.language, "de");
    assert!(message.stored.text.contains("token=REDACTED"));
    outbox.enqueue(&message).await?;

    // Deliver: the first attempt is turned away and retried after the back-off.
    let transport = Arc::new(StubTransport::default());
    let policy = RetryPolicy::default();
    let worker = DeliveryWorker::new(outbox.clone(), transport.clone(), clock.clone(), policy);
    let first = worker.run_once().await?;
    assert_eq!((first.sent, first.retried), (0, 1));
    clock.advance(policy.first_backoff);
    let second = worker.run_once().await?;
    assert_eq!((second.sent, second.retried), (1, 0));
    let received = transport
        .received
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    assert!(received[1].content.text.contains("token=s3cr3t-t0ken"));
    println!(
        "sent on attempt {}: {}",
        received[1].attempts, received[1].content.subject
    );

    // The history shows the message sent; a bounce report then marks it bounced.
    let history = MailHistory::new(outbox.clone());
    let sent = history
        .list(account, Some(MessageStatus::Sent), &PageRequest::first())
        .await?;
    assert_eq!(sent.items.len(), 1);
    let bounces = Bounces::new(outbox.clone(), clock.clone());
    let reference = BounceReference::parse(&message.message_id_header)?;
    let reason = BounceReason::parse("550 mailbox unavailable")?;
    bounces.report(&reference, &reason).await?;
    let (bounced, events) = history.get(account, message.id).await?;
    assert_eq!(bounced.status, MessageStatus::Bounced);
    assert!(!bounced.content.text.contains("s3cr3t"));
    for event in &events {
        println!("{} {}: {}", event.at, event.status, event.detail);
    }
    assert_eq!(events.len(), 4);
    Ok(())
}
