//! The SMTP adapter against a real SMTP conversation (the in-process sink).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use portico_kernel::{EmailAddress, MessageId};
use portico_mail_log::{Content, DeliveryError, Envelope, MailTransport};
use portico_smtp::testing::SmtpSink;
use portico_smtp::{MailFolder, PoolTiming, SmtpMailer};

fn sender() -> EmailAddress {
    EmailAddress::parse("portal@example.com").unwrap()
}

fn envelope(to: &str) -> Envelope {
    let id = MessageId::generate();
    Envelope {
        id,
        to: EmailAddress::parse(to).unwrap(),
        content: Content {
            subject: "Confirm your email address".into(),
            text: "Open https://portal.example/verify-email?token=abc".into(),
            html: "<p>Open the link</p>".into(),
        },
        message_id_header: format!("<{id}@example.com>"),
        attempts: 1,
        lease_until: time::OffsetDateTime::UNIX_EPOCH,
    }
}

#[tokio::test]
async fn an_accepted_message_arrives_with_its_message_id() {
    let sink = SmtpSink::start().await.unwrap();
    let mailer = SmtpMailer::from_url(&sink.url(), &sender()).unwrap();
    let message = envelope("ada@example.com");

    let reply = mailer.send(&message).await.unwrap();

    assert!(reply.starts_with("250"), "{reply}");
    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, vec!["ada@example.com"]);
    assert!(received[0].data.contains(&message.message_id_header));
    assert!(received[0].data.contains("token=abc"));
}

#[tokio::test]
async fn links_arrive_whole_and_8bit_text_reaches_a_server_without_8bitmime() {
    let mut message = envelope("ada@example.com");
    message.content.text = "Grüße! Öffnen Sie https://portal.example/verify-email?email=0190a6b2-0000-7000-8000-000000000000&token=Abc-_0123456789".into();
    let modern = SmtpSink::start().await.unwrap();
    let old = SmtpSink::start().await.unwrap();
    old.refuse_eight_bit();

    SmtpMailer::from_url(&modern.url(), &sender())
        .unwrap()
        .send(&message)
        .await
        .unwrap();
    SmtpMailer::from_url(&old.url(), &sender())
        .unwrap()
        .send(&message)
        .await
        .unwrap();

    // Where the server takes 8-bit text, the link can be copied out whole.
    let sent = &modern.received()[0].data;
    assert!(sent.contains("Content-Transfer-Encoding: 8bit"), "{sent}");
    assert!(sent.contains("&token=Abc-_0123456789"), "{sent}");
    // Where it does not, the message still arrives, encoded as ASCII.
    let sent = &old.received()[0].data;
    assert!(sent.is_ascii(), "{sent}");
}

#[tokio::test]
async fn a_4xx_answer_is_temporary_and_the_next_attempt_is_accepted() {
    let sink = SmtpSink::start().await.unwrap();
    sink.fail_next(1);
    let mailer = SmtpMailer::from_url(&sink.url(), &sender()).unwrap();
    let message = envelope("ada@example.com");

    let first = mailer.send(&message).await;
    let second = mailer.send(&message).await;

    assert!(matches!(first, Err(DeliveryError::Transient(reason)) if reason.contains("451")));
    assert!(second.is_ok());
    assert_eq!(sink.received().len(), 1);
}

#[tokio::test]
async fn a_5xx_answer_is_permanent_with_the_reason() {
    let sink = SmtpSink::start().await.unwrap();
    sink.reject("nobody@example.com");
    let mailer = SmtpMailer::from_url(&sink.url(), &sender()).unwrap();

    let result = mailer.send(&envelope("nobody@example.com")).await;

    assert!(matches!(result, Err(DeliveryError::Permanent(reason)) if reason.contains("550")));
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn a_server_that_is_down_is_a_temporary_failure() {
    let sink = SmtpSink::start().await.unwrap();
    let url = sink.url();
    sink.stop();
    drop(sink);
    let mailer = SmtpMailer::from_url(&url, &sender()).unwrap();

    let result = mailer.send(&envelope("ada@example.com")).await;

    assert!(
        matches!(result, Err(DeliveryError::Transient(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_server_that_comes_back_on_its_port_accepts_again() {
    let sink = SmtpSink::start().await.unwrap();
    let addr = sink.addr();
    let mailer = SmtpMailer::from_url(&sink.url(), &sender()).unwrap();
    mailer.send(&envelope("ada@example.com")).await.unwrap();
    sink.stop();
    drop(sink);
    assert!(mailer.send(&envelope("ada@example.com")).await.is_err());

    let revived = SmtpSink::start_on(addr).await.unwrap();
    mailer.send(&envelope("ada@example.com")).await.unwrap();

    assert_eq!(revived.received().len(), 1);
}

#[tokio::test]
async fn the_mail_folder_writes_one_eml_file_per_message() {
    let folder = std::env::temp_dir().join(format!("portico-mail-{}", MessageId::generate()));
    let transport = MailFolder::new(folder.clone(), &sender());
    let message = envelope("ada@example.com");

    transport.send(&message).await.unwrap();

    let written = std::fs::read_to_string(folder.join(format!("{}.eml", message.id))).unwrap();
    assert!(written.contains(&message.message_id_header));
    std::fs::remove_dir_all(folder).unwrap();
}

#[tokio::test]
async fn messages_in_a_row_share_one_connection() {
    let sink = SmtpSink::start().await.unwrap();
    let mailer = SmtpMailer::from_url(&sink.url(), &sender()).unwrap();

    for _ in 0..3 {
        mailer.send(&envelope("ada@example.com")).await.unwrap();
    }

    assert_eq!(sink.received().len(), 3);
    assert_eq!(sink.connections(), 1);
}

#[tokio::test]
async fn messages_at_once_use_at_most_the_configured_connections() {
    let sink = SmtpSink::start().await.unwrap();
    let mailer =
        SmtpMailer::with_connections(&sink.url(), &sender(), 2, PoolTiming::default()).unwrap();
    let messages: Vec<Envelope> = (0..8).map(|_| envelope("ada@example.com")).collect();

    let replies =
        futures_util::future::join_all(messages.iter().map(|message| mailer.send(message))).await;

    assert!(replies.iter().all(Result::is_ok), "{replies:?}");
    assert_eq!(sink.received().len(), 8);
    assert!(
        sink.connections() <= 2,
        "{} connections",
        sink.connections()
    );
}

#[tokio::test]
async fn a_refused_message_leaves_the_next_one_a_working_connection() {
    let sink = SmtpSink::start().await.unwrap();
    sink.reject("gone@example.com");
    let mailer = SmtpMailer::from_url(&sink.url(), &sender()).unwrap();

    let refused = mailer.send(&envelope("gone@example.com")).await;
    let next = mailer.send(&envelope("ada@example.com")).await;

    assert!(matches!(refused, Err(DeliveryError::Permanent(_))));
    assert!(next.is_ok(), "{next:?}");
    assert_eq!(sink.received().len(), 1);
}

#[tokio::test]
async fn a_server_that_hangs_mid_message_is_a_temporary_failure_after_the_timeout() {
    let sink = SmtpSink::start().await.unwrap();
    sink.hang_after_data();
    let timing = PoolTiming {
        exchange: Duration::from_millis(300),
        ..PoolTiming::default()
    };
    let mailer = SmtpMailer::with_connections(&sink.url(), &sender(), 1, timing).unwrap();

    let outcome = mailer.send(&envelope("ada@example.com")).await;

    assert!(
        matches!(&outcome, Err(DeliveryError::Transient(reason)) if reason.contains("did not finish")),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_url_that_requires_starttls_refuses_a_server_without_it() {
    let sink = SmtpSink::start().await.unwrap();
    let url = format!("{}?tls=required", sink.url());
    let mailer = SmtpMailer::from_url(&url, &sender()).unwrap();

    let outcome = mailer.send(&envelope("ada@example.com")).await;

    assert!(
        matches!(&outcome, Err(DeliveryError::Transient(reason)) if reason.contains("STARTTLS")),
        "{outcome:?}"
    );
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn a_pooled_connection_the_server_ended_is_replaced_without_failing_the_message() {
    let sink = SmtpSink::start().await.unwrap();
    sink.limit_messages_per_connection(2);
    let mailer = SmtpMailer::from_url(&sink.url(), &sender()).unwrap();

    for n in 0..5 {
        let outcome = mailer.send(&envelope("ada@example.com")).await;
        assert!(outcome.is_ok(), "message {n}: {outcome:?}");
    }

    assert_eq!(sink.received().len(), 5);
    assert_eq!(sink.connections(), 3);
}

#[tokio::test]
async fn a_connection_lost_after_mail_from_was_accepted_is_not_retried() {
    let sink = SmtpSink::start().await.unwrap();
    let mailer = SmtpMailer::from_url(&sink.url(), &sender()).unwrap();
    mailer.send(&envelope("ada@example.com")).await.unwrap();
    sink.drop_connections_at_data();

    let outcome = mailer.send(&envelope("ada@example.com")).await;

    assert!(
        matches!(outcome, Err(DeliveryError::Transient(_))),
        "{outcome:?}"
    );
    assert_eq!(sink.received().len(), 1);
    assert_eq!(
        sink.connections(),
        1,
        "no second connection for the same message"
    );
}
