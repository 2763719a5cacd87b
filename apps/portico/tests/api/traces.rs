//! Request traces through the real server: every answer carries its request id, a
//! trusted proxy's plain id is kept (anyone else's is replaced), what the services
//! log while serving a request carries that id, the method and the path, never the
//! query, and a server fault's problem document names the id.

use std::io::Write;
use std::sync::{Arc, Mutex};

use poem::http::Method;

use serde_json::json;

use crate::live::LiveServer;
use crate::support::{PASSWORD, TestApp, on_both_engines, registration};

/// A log writer into a buffer the test reads.
#[derive(Clone)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let logs = Captured(Arc::new(Mutex::new(Vec::new())));
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    (logs, tracing::subscriber::set_default(subscriber))
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

const CLIENT: &str = "127.0.0.1";
const PROXY: &str = "127.0.0.2";

async fn a_request_is_traced_under_its_id(app: &TestApp) {
    let mut services = (*app.services).clone();
    services.trusted_proxies = vec![portico_security::Cidr::parse(PROXY).unwrap()];
    let server = LiveServer::start(Arc::new(services)).await;
    let registered = server
        .exchange(
            CLIENT,
            "POST",
            "/v1/accounts",
            None,
            Some(&registration("ada")),
            &[],
        )
        .await;
    assert_eq!(registered.status, 201);
    let login = json!({ "login": "ada", "password": PASSWORD });
    let session = server
        .exchange(CLIENT, "POST", "/v1/sessions", None, Some(&login), &[])
        .await;
    let token = session.body["token"].as_str().unwrap().to_owned();
    let (logs, _guard) = capture_logs();

    let fresh = server
        .exchange(CLIENT, "GET", "/healthz?token=s3cr3t", None, None, &[])
        .await;
    let id = fresh.header("x-request-id").unwrap().to_owned();
    assert_eq!(id.len(), 32, "{id}");
    // A client cannot plant an id; the proxy in front of Portico can.
    let planted = [("X-Request-Id", "proxy-trace-42")];
    let direct = server
        .exchange(CLIENT, "GET", "/healthz", None, None, &planted)
        .await;
    assert_ne!(direct.header("x-request-id"), Some("proxy-trace-42"));
    let logout = server
        .exchange(
            PROXY,
            "DELETE",
            "/v1/sessions/current?token=s3cr3t",
            Some(&token),
            None,
            &planted,
        )
        .await;
    assert_eq!(logout.status, 204);
    assert_eq!(logout.header("x-request-id"), Some("proxy-trace-42"));

    let written = logs.text();
    let line = written
        .lines()
        .find(|line| line.contains("session ended"))
        .unwrap_or_else(|| panic!("{written}"));
    assert!(line.contains("id=proxy-trace-42"), "{line}");
    assert!(
        line.contains("method=DELETE") && line.contains("path=/v1/sessions/current"),
        "{line}"
    );
    assert!(
        !written.contains("s3cr3t"),
        "the query is never logged: {written}"
    );
}
on_both_engines!(request_traces, super::a_request_is_traced_under_its_id);

async fn a_server_fault_names_its_request_id_in_the_answer_and_the_log(app: &TestApp) {
    let token = app.signed_up("ada").await;
    app.services
        .database
        .execute("DROP TABLE phones")
        .await
        .unwrap();
    let (logs, _guard) = capture_logs();

    let failed = app
        .call(Method::GET, "/v1/me/phones", Some(&token), None)
        .await;

    let body = failed.expect_problem(500, "internal");
    let id = failed.headers["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(body["request_id"], id.as_str());
    let detail = body["detail"].as_str().unwrap();
    assert!(!detail.contains("phones"), "no internals: {detail}");
    let written = logs.text();
    let line = written
        .lines()
        .find(|line| line.contains("request failed"))
        .unwrap_or_else(|| panic!("{written}"));
    assert!(line.contains(&format!("id={id}")), "{line}");
    // A client error carries no request id in its body.
    let missing = app
        .call(Method::GET, "/v1/me/nothing", Some(&token), None)
        .await;
    let body = missing.expect_problem(404, "not-found");
    assert!(body.get("request_id").is_none(), "{body}");
}
on_both_engines!(
    server_faults,
    super::a_server_fault_names_its_request_id_in_the_answer_and_the_log
);
