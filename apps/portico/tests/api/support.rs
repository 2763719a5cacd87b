//! `TestApp`: the router `main` serves, over a fresh database, driven in-process.

use std::sync::Arc;

use poem::http::{Method, StatusCode};
use poem::test::TestClient;
use poem::{Body, Endpoint, EndpointExt, Response};
use portico::server::app;
use portico::settings::Secret;
use portico::wiring::{DomainSettings, Services};
use portico_kernel::{EmailAddress, FixedClock};
use portico_sea_orm::Database;
use portico_sea_orm::testing::{Engine, TestDatabase};
use portico_security::{
    PasswordPolicy, RateLimitPolicies, SeedVault, SessionPolicy, ThrottlePolicies,
};
use portico_smtp::SmtpMailer;
use portico_smtp::testing::SmtpSink;
use serde_json::{Value, json};
use time::OffsetDateTime;

/// The password every test account uses.
pub const PASSWORD: &str = "violet tractor sings";

use crate::conformance;
pub(crate) use crate::engines::on_both_engines;

/// An answer, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub headers: poem::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON (`null` when empty).
    pub fn json(&self) -> Value {
        if self.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&self.body).unwrap_or_else(|e| {
                panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body))
            })
        }
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        self
    }

    /// Asserts a problem+json answer of the given status and type slug.
    #[track_caller]
    pub fn expect_problem(&self, status: u16, slug: &str) -> Value {
        self.expect(status);
        assert_eq!(self.content_type, "application/problem+json");
        let body = self.json();
        assert_eq!(
            body["type"],
            format!("urn:portico:problem:{slug}"),
            "{body}"
        );
        assert_eq!(body["status"], status);
        assert!(
            body["title"].is_string() && body["detail"].is_string(),
            "{body}"
        );
        body
    }

    /// Asserts a 422 naming exactly these fields.
    #[track_caller]
    pub fn expect_invalid_fields(&self, fields: &[&str]) {
        let body = self.expect_problem(422, "validation-failed");
        let mut named: Vec<String> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_owned())
            .collect();
        named.sort();
        let mut expected: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
        expected.sort();
        assert_eq!(named, expected, "{body}");
    }
}

/// The platform token of test servers.
pub const PLATFORM_TOKEN: &str = "platform-secret-for-tests";

/// The application over a fresh database, with its clock and an SMTP sink.
pub struct TestApp {
    pub client: Client,
    pub services: Arc<Services>,
    database: TestDatabase,
    pub clock: Arc<FixedClock>,
    pub sink: SmtpSink,
}

pub type Client = TestClient<poem::endpoint::BoxEndpoint<'static, Response>>;

pub fn settings() -> DomainSettings {
    DomainSettings {
        password_policy: PasswordPolicy::new(8),
        session_policy: SessionPolicy::default(),
        throttles: ThrottlePolicies::default(),
        step_up: time::Duration::minutes(10),
        rate_limits: RateLimitPolicies::default(),
        landing_hosts: portico_affiliate::LandingHosts::parse(["portal.example", "shop.example"])
            .unwrap(),
        public_base_url: "https://portal.example".into(),
        mail_from: EmailAddress::parse("portal@example.com").unwrap(),
        platform_token: Some(Secret::new(PLATFORM_TOKEN.into())),
        seed_vault: SeedVault::new(&[11u8; 32]).unwrap(),
        trusted_proxies: vec![],
        affiliate: portico_affiliate::ProgramSettings::default(),
        delivery: portico_mail_log::RetryPolicy::default(),
        metrics: true,
        brand: portico::brand::Brand::default(),
    }
}

/// A clock at the real current time that moves only when told.
pub fn test_clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at(OffsetDateTime::now_utc()))
}

/// The services and router over an existing database, as `main` builds them, sending
/// mail to `smtp_url`.
pub fn build(
    database: Database,
    clock: Arc<FixedClock>,
    smtp_url: &str,
) -> (Client, Arc<Services>) {
    build_with(database, clock, smtp_url, settings())
}

/// [`build`] with other settings.
pub fn build_with(
    database: Database,
    clock: Arc<FixedClock>,
    smtp_url: &str,
    settings: DomainSettings,
) -> (Client, Arc<Services>) {
    let transport = Arc::new(SmtpMailer::from_url(smtp_url, &settings.mail_from).unwrap());
    let services = Arc::new(Services::new(database, &settings, clock, transport).unwrap());
    (TestClient::new(app(services.clone()).boxed()), services)
}

impl TestApp {
    pub async fn spawn(engine: Engine) -> Self {
        let database = TestDatabase::new(engine).await.unwrap();
        let sink = SmtpSink::start().await.unwrap();
        let clock = test_clock();
        let (client, services) = build(database.database().clone(), clock.clone(), &sink.url());
        Self {
            client,
            services,
            database,
            clock,
            sink,
        }
    }

    /// The database under the app.
    pub fn database(&self) -> Database {
        self.database.database().clone()
    }

    /// The database's URL, for a `portico` process under test.
    pub fn database_url(&self) -> &str {
        self.database.url()
    }

    /// The URL of the test SMTP sink.
    pub fn smtp_url(&self) -> String {
        self.sink.url()
    }

    /// Runs one round of the outbox worker.
    pub async fn deliver(&self) -> portico_mail_log::DeliveryReport {
        self.services.delivery.run_once().await.unwrap()
    }

    pub async fn finish(self) {
        self.database.finish().await.unwrap();
    }

    /// Sends a request; `body` is sent as JSON when present.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        send(&self.client, method, path, token, body).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Reply {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// Registers `username` with `username@example.com` and the test password.
    pub async fn register(&self, username: &str) -> Reply {
        self.post("/v1/accounts", None, registration(username))
            .await
    }

    pub async fn login(&self, login: &str, password: &str) -> Reply {
        self.post(
            "/v1/sessions",
            None,
            json!({ "login": login, "password": password }),
        )
        .await
    }

    /// Registers and logs in; returns the session token.
    pub async fn signed_up(&self, username: &str) -> String {
        self.register(username).await.expect(201);
        let reply = self.login(username, PASSWORD).await;
        reply.expect(201);
        reply.json()["token"].as_str().unwrap().to_owned()
    }
}

pub fn registration(username: &str) -> Value {
    json!({
        "username": username,
        "email": format!("{username}@example.com"),
        "password": PASSWORD,
        "first_name": "Ada",
        "last_name": "Lovelace",
    })
}

pub async fn send<E: Endpoint>(
    client: &TestClient<E>,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut request = client.request(method.clone(), path.to_owned());
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if let Some(body) = body {
        request = request.body_json(&body);
    }
    let reply = read(request.send().await.0).await;
    conformance::check(client, &method, path, &reply).await;
    reply
}

pub async fn read(response: Response) -> Reply {
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let headers = response.headers().clone();
    let body = response.into_body().into_vec().await.unwrap();
    Reply {
        status,
        content_type,
        headers,
        body,
    }
}

/// A raw request with an arbitrary body and content type.
pub async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    content_type: &str,
    body: Body,
) -> Reply {
    let request = app
        .client
        .request(method.clone(), path.to_owned())
        .content_type(content_type)
        .body(body);
    let reply = read(request.send().await.0).await;
    conformance::check(&app.client, &method, path, &reply).await;
    reply
}

pub use crate::mail_links::{decoded, link_token, verification_link};

impl TestApp {
    /// Delivers the outbox until a mail to `to` whose text contains `needle` has
    /// arrived (for mail queued by background work), and returns the newest such mail.
    pub async fn wait_for_mail(&self, to: &str, needle: &str) -> String {
        for _ in 0..200 {
            self.deliver().await;
            let found = self
                .sink
                .received()
                .into_iter()
                .rev()
                .find(|m| m.to.iter().any(|t| t == to) && decoded(&m.data).contains(needle));
            if let Some(mail) = found {
                return mail.data;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("no mail to {to} containing {needle:?}");
    }

    /// What an authenticator app holding `secret` shows now.
    pub fn totp_code(&self, secret: &str) -> String {
        portico_security::TotpSeed::from_base32(secret)
            .unwrap()
            .code_at(portico_kernel::Clock::now(self.clock.as_ref()))
            .unwrap()
            .as_str()
            .to_owned()
    }

    /// Moves the clock to the next TOTP step, so the app shows a new code.
    pub fn next_step(&self) {
        self.clock.advance(time::Duration::seconds(30));
    }

    /// Turns two-factor on for the session's account; returns the seed (base32) and
    /// the recovery codes. The clock is left on the step after the confirming code.
    pub async fn enable_two_factor(&self, token: &str) -> (String, Vec<String>) {
        let enrolment = self
            .post("/v1/me/two-factor/totp", Some(token), json!({}))
            .await;
        enrolment.expect(201);
        let secret = enrolment.json()["secret"].as_str().unwrap().to_owned();
        let confirmed = self
            .post(
                "/v1/me/two-factor/totp/confirm",
                Some(token),
                json!({ "code": self.totp_code(&secret) }),
            )
            .await;
        confirmed.expect(200);
        let codes = confirmed.json()["recovery_codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        self.next_step();
        (secret, codes)
    }

    /// Logs in with the password and completes the second factor with `code`;
    /// returns the full session's token.
    pub async fn login_with_code(&self, login: &str, code: &str) -> String {
        let pending = self.login(login, PASSWORD).await;
        pending.expect(201);
        assert_eq!(pending.json()["second_factor_required"], true);
        let token = pending.json()["token"].as_str().unwrap().to_owned();
        let done = self
            .post(
                "/v1/sessions/current/second-factor",
                Some(&token),
                json!({ "code": code }),
            )
            .await;
        done.expect(200);
        done.json()["token"].as_str().unwrap().to_owned()
    }
}

impl TestApp {
    /// Adds `address` to the session's account and verifies it with the mailed token.
    pub async fn add_verified_email(&self, token: &str, address: &str) {
        let added = self
            .post("/v1/me/emails", Some(token), json!({ "address": address }))
            .await;
        added.expect(201);
        let id = added.json()["id"].as_str().unwrap().to_owned();
        let mail = self.wait_for_mail(address, "/verify-email?email=").await;
        let (_, secret) = verification_link(&mail);
        self.post(
            &format!("/v1/me/emails/{id}/verify"),
            Some(token),
            json!({ "token": secret }),
        )
        .await
        .expect(200);
    }
}

impl TestApp {
    /// Logs in with the test password and returns the token (of a pending session
    /// when two-factor is on).
    pub async fn token_for(&self, login: &str) -> String {
        let reply = self.login(login, PASSWORD).await;
        reply.expect(201);
        reply.json()["token"].as_str().unwrap().to_owned()
    }

    /// The kinds of the session's account's security events, newest first.
    pub async fn event_kinds(&self, token: &str) -> Vec<String> {
        let events = self.get("/v1/me/security-events", token).await;
        events.expect(200);
        events.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_owned())
            .collect()
    }
}

impl TestApp {
    /// Sends a request with extra headers; returns the answer and its headers.
    pub async fn call_with_headers(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> Reply {
        let mut request = self.client.request(method.clone(), path.to_owned());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.body_json(&body);
        }
        let reply = read(request.send().await.0).await;
        conformance::check(&self.client, &method, path, &reply).await;
        reply
    }
}
