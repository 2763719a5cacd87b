//! The outbox, the email history and bounces, through the real router.

use poem::http::Method;
use portico_sea_orm::Database;
use portico_sea_orm::testing::{Engine, TestDatabase};
use portico_smtp::testing::SmtpSink;
use serde_json::json;

use crate::support::{
    PASSWORD, PLATFORM_TOKEN, TestApp, build, on_both_engines, registration, send, test_clock,
};

async fn the_welcome_mail_is_sent_by_the_worker_and_shown_redacted_in_the_history(app: &TestApp) {
    let token = app.signed_up("ada").await;
    assert!(
        app.sink.received().is_empty(),
        "registration never sends inline"
    );

    let listed = app.get("/v1/me/messages", &token).await;
    listed.expect(200);
    let item = &listed.json()["items"][0];
    assert_eq!(item["status"], "queued");
    assert_eq!(item["to"], "ada@example.com");
    assert_eq!(item["template"], "welcome");

    assert_eq!(app.deliver().await.sent, 1);
    let received = app.sink.received();
    assert_eq!(received.len(), 1);
    let (_, link_token) = crate::support::verification_link(&received[0].data);
    assert!(
        link_token.len() >= 43,
        "the sent mail carries the real token"
    );

    let id = item["id"].as_str().unwrap();
    let detail = app.get(&format!("/v1/me/messages/{id}"), &token).await;
    detail.expect(200);
    let detail = detail.json();
    assert_eq!(detail["status"], "sent");
    assert!(
        detail["text_body"]
            .as_str()
            .unwrap()
            .contains("token=REDACTED")
    );
    assert!(!detail["text_body"].as_str().unwrap().contains(&link_token));
    assert!(!detail["html_body"].as_str().unwrap().contains(&link_token));
    let history: Vec<_> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(history, vec!["queued", "sent"]);
    assert_eq!(app.deliver().await.handled(), 0, "sent exactly once");
}
on_both_engines!(
    welcome,
    super::the_welcome_mail_is_sent_by_the_worker_and_shown_redacted_in_the_history
);

async fn a_refused_recipient_ends_failed_with_the_reason(app: &TestApp) {
    app.sink.reject("ada@example.com");
    let token = app.signed_up("ada").await;

    assert_eq!(app.deliver().await.failed, 1);

    let failed = app
        .get("/v1/me/messages?status=failed", &token)
        .await
        .json();
    assert_eq!(failed["items"].as_array().unwrap().len(), 1);
    let id = failed["items"][0]["id"].as_str().unwrap();
    let detail = app
        .get(&format!("/v1/me/messages/{id}"), &token)
        .await
        .json();
    let last = detail["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["status"], "failed");
    assert!(last["detail"].as_str().unwrap().contains("550"));
    assert!(
        app.get("/v1/me/messages?status=sent", &token).await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}
on_both_engines!(
    refused,
    super::a_refused_recipient_ends_failed_with_the_reason
);

async fn the_history_is_private_and_validates_its_parameters(app: &TestApp) {
    let ada = app.signed_up("ada").await;
    let mallory = app.signed_up("mallory").await;
    let ada_message = app.get("/v1/me/messages", &ada).await.json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    app.get(&format!("/v1/me/messages/{ada_message}"), &mallory)
        .await
        .expect_problem(404, "not-found");
    assert_eq!(
        app.get("/v1/me/messages", &mallory).await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "only mallory's own welcome"
    );
    app.get("/v1/me/messages?status=delivered", &ada)
        .await
        .expect_problem(400, "invalid-parameter");
    for _ in 0..3 {
        app.post(
            "/v1/me/emails",
            Some(&ada),
            json!({ "address": format!("a{}@example.com", uuid_like()) }),
        )
        .await
        .expect(201);
    }
    let clamped = app.get("/v1/me/messages?limit=100000", &ada).await;
    clamped.expect(200);
    assert_eq!(clamped.json()["items"].as_array().unwrap().len(), 4);
    let one = app.get("/v1/me/messages?limit=1", &ada).await.json();
    assert_eq!(
        one["items"].as_array().unwrap().len(),
        1,
        "the limit is honoured"
    );
    assert!(one["next_cursor"].is_string());
}
on_both_engines!(
    privacy,
    super::the_history_is_private_and_validates_its_parameters
);

async fn bounces_need_the_platform_token_and_a_sent_message(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let id = app.get("/v1/me/messages", &token).await.json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let report = json!({ "message_id": id, "reason": "550 5.1.1 mailbox gone" });

    app.post("/v1/platform/mail/bounces", None, report.clone())
        .await
        .expect_problem(401, "unauthenticated");
    app.post(
        "/v1/platform/mail/bounces",
        Some("wrong-token"),
        report.clone(),
    )
    .await
    .expect_problem(401, "unauthenticated");
    app.post("/v1/platform/mail/bounces", Some(&token), report.clone())
        .await
        .expect_problem(401, "unauthenticated");
    app.post(
        "/v1/platform/mail/bounces",
        Some(PLATFORM_TOKEN),
        report.clone(),
    )
    .await
    .expect_problem(409, "message-not-sent");

    app.deliver().await;
    let header = {
        let raw = &app.sink.received()[0].data;
        let start = raw.find("Message-ID: ").unwrap() + "Message-ID: ".len();
        raw[start..].lines().next().unwrap().trim().to_owned()
    };
    app.post(
        "/v1/platform/mail/bounces",
        Some(PLATFORM_TOKEN),
        json!({ "message_id": header, "reason": "550 5.1.1 mailbox gone" }),
    )
    .await
    .expect(204);
    app.post(
        "/v1/platform/mail/bounces",
        Some(PLATFORM_TOKEN),
        json!({ "message_id": "unknown@portal.example", "reason": "550" }),
    )
    .await
    .expect_problem(404, "not-found");
    // A report that names no message, or gives no reason, is refused by field.
    for (report, field) in [
        (json!({ "message_id": "  ", "reason": "550" }), "message_id"),
        (
            json!({ "message_id": "x".repeat(256), "reason": "550" }),
            "message_id",
        ),
        (json!({ "message_id": header, "reason": "\r\n " }), "reason"),
        (
            json!({ "message_id": header, "reason": "x".repeat(501) }),
            "reason",
        ),
    ] {
        app.post("/v1/platform/mail/bounces", Some(PLATFORM_TOKEN), report)
            .await
            .expect_invalid_fields(&[field]);
    }

    let detail = app
        .get(&format!("/v1/me/messages/{id}"), &token)
        .await
        .json();
    assert_eq!(detail["status"], "bounced");
    let last = detail["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["detail"], "550 5.1.1 mailbox gone");
}
on_both_engines!(
    bounces,
    super::bounces_need_the_platform_token_and_a_sent_message
);

fn uuid_like() -> String {
    portico_kernel::MessageId::generate().to_string()[28..].to_owned()
}

async fn the_platform_api_is_off_without_a_configured_token(app: &TestApp) {
    let mut settings = crate::support::settings();
    settings.platform_token = None;
    let services = portico::wiring::Services::new(
        app.services.database.clone(),
        &settings,
        app.clock.clone(),
        std::sync::Arc::new(
            portico_smtp::SmtpMailer::from_url(&app.sink.url(), &settings.mail_from).unwrap(),
        ),
    )
    .unwrap();
    let client = poem::test::TestClient::new(portico::server::app(std::sync::Arc::new(services)));
    send(
        &client,
        Method::POST,
        "/v1/platform/mail/bounces",
        Some(PLATFORM_TOKEN),
        Some(json!({ "message_id": "x@y", "reason": "550" })),
    )
    .await
    .expect_problem(404, "platform-disabled");
}
on_both_engines!(
    platform_disabled,
    super::the_platform_api_is_off_without_a_configured_token
);

/// The worker loop `serve` runs: it delivers on its own and stops when told.
async fn the_worker_loop_delivers_and_stops(app: &TestApp) {
    app.register("ada").await.expect(201);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(portico::worker::run(
        app.services.delivery.clone(),
        app.services.metrics.clone(),
        stopped,
    ));
    for _ in 0..100 {
        if !app.sink.received().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    stop.send(true).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(5), worker)
        .await
        .expect("the worker stops when told")
        .unwrap();
    assert_eq!(app.sink.received().len(), 1);
    let metrics = app.get("/metrics", PLATFORM_TOKEN).await;
    let text = String::from_utf8_lossy(&metrics.body);
    assert!(
        text.lines()
            .any(|line| line == r#"portico_mail_deliveries_total{outcome="sent"} 1"#),
        "{text}"
    );
}
on_both_engines!(worker_loop, super::the_worker_loop_delivers_and_stops);

/// SMTP is down when the client registers; the request still succeeds and the mail
/// waits. The server restarts, SMTP comes back on its port, and the mail is delivered
/// exactly once.
async fn mail_survives_an_smtp_outage_and_a_restart(engine: Engine) {
    let test_db = TestDatabase::new(engine).await.unwrap();
    let sink = SmtpSink::start().await.unwrap();
    let smtp = sink.url();
    let addr = sink.addr();
    sink.stop();
    drop(sink);
    let clock = test_clock();

    let (client, services) = build(test_db.database().clone(), clock.clone(), &smtp);
    send(
        &client,
        Method::POST,
        "/v1/accounts",
        None,
        Some(registration("ada")),
    )
    .await
    .expect(201);
    let report = services.delivery.run_once().await.unwrap();
    assert_eq!(report.retried, 1);
    drop((client, services));

    // Restart: a new pool and new services; SMTP is back.
    let reopened = Database::connect(test_db.url()).await.unwrap();
    let sink = SmtpSink::start_on(addr).await.unwrap();
    let (client, services) = build(reopened.clone(), clock.clone(), &smtp);
    assert_eq!(
        services.delivery.run_once().await.unwrap().handled(),
        0,
        "not due before its backoff"
    );
    clock.advance(time::Duration::seconds(31));
    assert_eq!(services.delivery.run_once().await.unwrap().sent, 1);
    assert_eq!(services.delivery.run_once().await.unwrap().handled(), 0);
    assert_eq!(sink.received().len(), 1, "delivered exactly once");

    let login = send(
        &client,
        Method::POST,
        "/v1/sessions",
        None,
        Some(json!({ "login": "ada", "password": PASSWORD })),
    )
    .await;
    let token = login.json()["token"].as_str().unwrap().to_owned();
    let listed = send(&client, Method::GET, "/v1/me/messages", Some(&token), None)
        .await
        .json();
    assert_eq!(listed["items"][0]["status"], "sent");
    let id = listed["items"][0]["id"].as_str().unwrap();
    let detail = send(
        &client,
        Method::GET,
        &format!("/v1/me/messages/{id}"),
        Some(&token),
        None,
    )
    .await
    .json();
    assert_eq!(detail["attempts"], 2);
    reopened.connection().close().await.unwrap();
    test_db.finish().await.unwrap();
}

#[tokio::test]
async fn outage_and_recovery_on_a_sqlite_file() {
    mail_survives_an_smtp_outage_and_a_restart(Engine::SqliteFile).await;
}

#[tokio::test]
async fn outage_and_recovery_on_postgres() {
    mail_survives_an_smtp_outage_and_a_restart(Engine::Postgres).await;
}
