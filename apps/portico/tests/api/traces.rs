//! Request traces through the real router: every answer carries its request id, a
//! caller's plain id is kept, and what the services log while serving a request
//! carries that id, the method and the path, never the query.

use std::io::Write;
use std::sync::{Arc, Mutex};

use poem::http::Method;

use crate::support::{TestApp, on_both_engines};

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

async fn a_request_is_traced_under_its_id(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let logs = Captured(Arc::new(Mutex::new(Vec::new())));
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let fresh = app
        .call(Method::GET, "/healthz?token=s3cr3t", None, None)
        .await;
    let id = fresh.headers["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 32, "{id}");
    let bearer = format!("Bearer {token}");
    let logout = app
        .call_with_headers(
            Method::DELETE,
            "/v1/sessions/current?token=s3cr3t",
            &[
                ("authorization", &bearer),
                ("x-request-id", "proxy-trace-42"),
            ],
            None,
        )
        .await;
    logout.expect(204);
    assert_eq!(logout.headers["x-request-id"], "proxy-trace-42");

    let written = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
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
