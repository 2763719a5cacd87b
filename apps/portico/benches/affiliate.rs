//! Affiliate benchmark, run with `cargo bench -p portico --bench affiliate`: clicks
//! recorded per second on `GET /r/{code}` through the real router (in process, no
//! network), 2 concurrent clients, on a SQLite file and on PostgreSQL
//! (`PORTICO_TEST_DATABASE_URL`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;
use std::time::Instant;

use poem::EndpointExt;
use poem::http::StatusCode;
use poem::test::TestClient;
use portico::server::app;
use portico::wiring::Services;
use portico_kernel::SystemClock;
use portico_sea_orm::testing::{Engine, TestDatabase};
use portico_smtp::MailFolder;
use serde_json::json;

const CLICKS_PER_CLIENT: usize = 2_000;
const PASSWORD: &str = "violet tractor sings";

type Client = TestClient<poem::endpoint::BoxEndpoint<'static, poem::Response>>;

/// A server with one affiliate and one link; returns the client and the link code.
async fn setup(test_db: &TestDatabase) -> (Arc<Client>, String) {
    let settings = support::settings();
    let folder = std::env::temp_dir().join("portico-bench-mail");
    let transport = Arc::new(MailFolder::new(folder, &settings.mail_from));
    let services = Services::new(
        test_db.database().clone(),
        &settings,
        Arc::new(SystemClock),
        transport,
    )
    .unwrap();
    let client = Arc::new(TestClient::new(app(Arc::new(services)).boxed()));
    client
        .post("/v1/accounts")
        .body_json(&json!({
            "username": "ada", "email": "ada@example.com", "password": PASSWORD,
            "first_name": "Ada", "last_name": "Lovelace",
        }))
        .send()
        .await
        .assert_status(StatusCode::CREATED);
    let login = client
        .post("/v1/sessions")
        .body_json(&json!({ "login": "ada", "password": PASSWORD }))
        .send()
        .await;
    let token = login
        .0
        .into_body()
        .into_json::<serde_json::Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let bearer = format!("Bearer {token}");
    client
        .post("/v1/me/affiliate")
        .header("authorization", &bearer)
        .body_json(&json!({}))
        .send()
        .await
        .assert_status_is_ok();
    let link = client
        .post("/v1/me/affiliate/links")
        .header("authorization", &bearer)
        .body_json(&json!({ "landing_url": "https://shop.example/" }))
        .send()
        .await;
    let code = link
        .0
        .into_body()
        .into_json::<serde_json::Value>()
        .await
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    (client, code)
}

async fn clicks_per_second(client: Arc<Client>, code: &str) -> f64 {
    let start = Instant::now();
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let client = client.clone();
            let path = format!("/r/{code}");
            tokio::spawn(async move {
                for _ in 0..CLICKS_PER_CLIENT {
                    client
                        .get(&path)
                        .header("user-agent", "bench")
                        .send()
                        .await
                        .assert_status(StatusCode::FOUND);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    (2 * CLICKS_PER_CLIENT) as f64 / start.elapsed().as_secs_f64()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    println!(
        "GET /r/{{code}}, {} clicks from 2 concurrent clients:",
        2 * CLICKS_PER_CLIENT
    );
    for (name, engine) in [
        ("SQLite file", Engine::SqliteFile),
        ("PostgreSQL", Engine::Postgres),
    ] {
        let test_db = TestDatabase::new(engine).await.unwrap();
        let (client, code) = setup(&test_db).await;
        let rate = clicks_per_second(client.clone(), &code).await;
        println!("  {name:<12} {rate:>8.0} clicks/s");
        drop(client);
        test_db.finish().await.unwrap();
    }
}
