//! Security benchmarks, run with `cargo bench -p portico --bench security`:
//!
//! 1. the argon2id hash time on this machine, then logins per second through the real
//!    router with 2 concurrent clients, to compare against it (the hasher runs at most
//!    one hash per core);
//! 2. the median answer time of `POST /v1/password-resets` for a login that exists and
//!    for one that does not;
//! 3. what the failure counters cost a successful login: claiming and settling the
//!    two counters of the earlier model (login name, address) against the three of
//!    today's (account, account and address, address) and the one of a known device,
//!    in the same run; then whole logins with and without a device credential.
//!
//! Both run on a SQLite file and on PostgreSQL (`PORTICO_TEST_DATABASE_URL`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use poem::EndpointExt;
use poem::test::TestClient;
use portico::server::app;
use portico::wiring::Services;
use portico_kernel::AccountId;
use portico_kernel::{Password, SystemClock};
use portico_sea_orm::SeaThrottles;
use portico_sea_orm::testing::{Engine, TestDatabase};
use portico_security::throttle::{claim, claim_attempt, settle};
use portico_security::{
    Argon2Hasher, PasswordHasher, ThrottleKey, ThrottlePolicies, ThrottlePolicy, ThrottleRepository,
};
use portico_smtp::MailFolder;
use serde_json::json;

const PASSWORD: &str = "violet tractor sings";
const HASH_SAMPLES: usize = 20;
const LOGINS_PER_CLIENT: usize = 100;
const RESET_SAMPLES: usize = 300;
const COUNTER_SAMPLES: usize = 400;
const DEVICE_SAMPLES: usize = 40;

type Client = TestClient<poem::endpoint::BoxEndpoint<'static, poem::Response>>;

async fn client(test_db: &TestDatabase) -> Arc<Client> {
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
    let registered = client
        .post("/v1/accounts")
        .body_json(&json!({
            "username": "ada",
            "email": "ada@example.com",
            "password": PASSWORD,
            "first_name": "Ada",
            "last_name": "Lovelace",
        }))
        .send()
        .await;
    registered.assert_status(poem::http::StatusCode::CREATED);
    client
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

async fn hash_time() -> Duration {
    let hasher = Argon2Hasher::new().unwrap();
    let password = Password::new(PASSWORD.into());
    let mut samples = Vec::with_capacity(HASH_SAMPLES);
    for _ in 0..HASH_SAMPLES {
        let start = Instant::now();
        hasher.hash(&password).await.unwrap();
        samples.push(start.elapsed());
    }
    median(samples)
}

async fn logins_per_second(client: Arc<Client>) -> f64 {
    let start = Instant::now();
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                for _ in 0..LOGINS_PER_CLIENT {
                    let reply = client
                        .post("/v1/sessions")
                        .body_json(&json!({ "login": "ada", "password": PASSWORD }))
                        .send()
                        .await;
                    reply.assert_status(poem::http::StatusCode::CREATED);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    (2 * LOGINS_PER_CLIENT) as f64 / start.elapsed().as_secs_f64()
}

async fn reset_medians(client: &Client) -> (Duration, Duration) {
    let mut known = Vec::with_capacity(RESET_SAMPLES);
    let mut unknown = Vec::with_capacity(RESET_SAMPLES);
    // Interleaved, so that background work and caches weigh on both alike.
    for n in 0..RESET_SAMPLES {
        for (login, samples) in [
            ("ada@example.com".to_owned(), &mut known),
            (format!("nobody-{n}@example.com"), &mut unknown),
        ] {
            let start = Instant::now();
            let reply = client
                .post("/v1/password-resets")
                .body_json(&json!({ "login": login }))
                .send()
                .await;
            samples.push(start.elapsed());
            reply.assert_status(poem::http::StatusCode::ACCEPTED);
        }
    }
    (median(known), median(unknown))
}

/// Medians of claiming and settling a successful login's counters: the earlier
/// model's two keys, today's three for an unknown device, and a known device's one.
async fn counter_medians(test_db: &TestDatabase) -> [Duration; 3] {
    let repo = SeaThrottles::new(test_db.database().connection());
    let throttles = ThrottlePolicies::default();
    let account = AccountId::generate();
    let ip = "192.0.2.1".parse().unwrap();
    let device = portico_kernel::SecretToken::generate().unwrap().digest();
    let mut samples = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..COUNTER_SAMPLES {
        let now = time::OffsetDateTime::now_utc();
        let start = Instant::now();
        let old = [ThrottleKey::login("ada"), ThrottleKey::address(ip)];
        let policy = ThrottlePolicy::default();
        claim_attempt(&repo, &policy, &old, now)
            .await
            .unwrap()
            .unwrap();
        repo.clear(&old[0]).await.unwrap();
        repo.forgive(&old[1], &policy).await.unwrap();
        samples[0].push(start.elapsed());

        let start = Instant::now();
        let claims = throttles.password_claims(account, Some(ip));
        claim(&repo, &claims, now).await.unwrap().unwrap();
        settle(&repo, &claims).await.unwrap();
        samples[1].push(start.elapsed());

        let start = Instant::now();
        let claims = throttles.device_claims(&device);
        claim(&repo, &claims, now).await.unwrap().unwrap();
        settle(&repo, &claims).await.unwrap();
        samples[2].push(start.elapsed());
    }
    samples.map(median)
}

/// Medians of whole successful logins without and with a device credential,
/// interleaved.
async fn device_login_medians(client: &Client) -> (Duration, Duration) {
    let first = client
        .post("/v1/sessions")
        .body_json(&json!({ "login": "ada", "password": PASSWORD }))
        .send()
        .await;
    let device = first
        .json()
        .await
        .value()
        .object()
        .get("device_token")
        .string()
        .to_owned();
    let mut without = Vec::with_capacity(DEVICE_SAMPLES);
    let mut with = Vec::with_capacity(DEVICE_SAMPLES);
    for _ in 0..DEVICE_SAMPLES {
        for (body, samples) in [
            (
                json!({ "login": "ada", "password": PASSWORD }),
                &mut without,
            ),
            (
                json!({ "login": "ada", "password": PASSWORD, "device_token": device }),
                &mut with,
            ),
        ] {
            let start = Instant::now();
            let reply = client.post("/v1/sessions").body_json(&body).send().await;
            samples.push(start.elapsed());
            reply.assert_status(poem::http::StatusCode::CREATED);
        }
    }
    (median(without), median(with))
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let hash = hash_time().await;
    println!(
        "argon2id hash (m=19456 KiB, t=2, p=1), median of {HASH_SAMPLES}: {:.1} ms",
        ms(hash)
    );
    println!(
        "  so one hash per core on {} cores allows at most {:.0} logins/s",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        std::thread::available_parallelism().map_or(1, |n| n.get()) as f64 / hash.as_secs_f64()
    );
    for (name, engine) in [
        ("SQLite file", Engine::SqliteFile),
        ("PostgreSQL", Engine::Postgres),
    ] {
        let test_db = TestDatabase::new(engine).await.unwrap();
        let client = client(&test_db).await;
        let rate = logins_per_second(client.clone()).await;
        let (known, unknown) = reset_medians(&client).await;
        let [old, new, device] = counter_medians(&test_db).await;
        let (without, with) = device_login_medians(&client).await;
        println!("{name}:");
        println!("  logins, 2 concurrent clients: {rate:.1} logins/s");
        println!(
            "  POST /v1/password-resets, median of {RESET_SAMPLES}: existing login {:.3} ms, unknown login {:.3} ms",
            ms(known),
            ms(unknown)
        );
        println!(
            "  a successful login's counters, median of {COUNTER_SAMPLES}: earlier 2 keys {:.3} ms, \
             today 3 keys {:.3} ms ({:.2}x), known device 1 key {:.3} ms",
            ms(old),
            ms(new),
            new.as_secs_f64() / old.as_secs_f64(),
            ms(device)
        );
        println!(
            "  whole login, median of {DEVICE_SAMPLES}: unknown device {:.1} ms, known device {:.1} ms",
            ms(without),
            ms(with)
        );
        drop(client);
        test_db.finish().await.unwrap();
    }
}
