//! A client of the live server for the account-protection tests: it sends each
//! request from a chosen loopback address, so that counters per address, per account
//! and address, and per device can be told apart.

use serde_json::{Value, json};

use crate::live::{Answer, LiveServer};
use crate::support::{PASSWORD, TestApp, link_token, registration};

/// The owner's usual address.
pub const OWNER: &str = "127.0.0.1";
/// A guesser's address.
pub const STRANGER: &str = "127.0.0.9";
/// An office where many clients share one address.
pub const OFFICE: &str = "127.0.0.7";
/// Where accounts are registered from, away from the addresses under test.
pub const ELSEWHERE: &str = "127.0.0.20";
/// The password a reset sets.
pub const NEW_PASSWORD: &str = "amber lantern drifts north";

pub struct Live<'a> {
    pub app: &'a TestApp,
    pub server: LiveServer,
}

impl<'a> Live<'a> {
    pub async fn start(app: &'a TestApp) -> Self {
        Self {
            app,
            server: LiveServer::start(app.services.clone()).await,
        }
    }

    pub async fn call(
        &self,
        from: &str,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        self.server
            .exchange(from, method, path, token, body.as_ref(), &[])
            .await
    }

    pub async fn register(&self, username: &str) {
        let answer = self
            .call(
                ELSEWHERE,
                "POST",
                "/v1/accounts",
                None,
                Some(registration(username)),
            )
            .await;
        assert_eq!(answer.status, 201, "{}", answer.body);
    }

    pub async fn login(&self, from: &str, login: &str, password: &str) -> Answer {
        self.login_on(from, login, password, None).await
    }

    pub async fn login_on(
        &self,
        from: &str,
        login: &str,
        password: &str,
        device: Option<&str>,
    ) -> Answer {
        let mut body = json!({ "login": login, "password": password });
        if let Some(device) = device {
            body["device_token"] = json!(device);
        }
        self.call(from, "POST", "/v1/sessions", None, Some(body))
            .await
    }

    /// Logs in from `from` with the right password; returns (token, device token).
    pub async fn logged_in(&self, from: &str, login: &str) -> (String, String) {
        let answer = self.login(from, login, PASSWORD).await;
        assert_eq!(answer.status, 201, "{}", answer.body);
        (
            answer.body["token"].as_str().unwrap().to_owned(),
            answer.body["device_token"].as_str().unwrap().to_owned(),
        )
    }

    /// Registers `username` and turns two-factor on; returns the seed (base32).
    pub async fn with_two_factor(&self, username: &str) -> String {
        self.register(username).await;
        let (token, _) = self.logged_in(OWNER, username).await;
        self.app.enable_two_factor(&token).await.0
    }

    /// Logs in from `from` with `password` and completes the second factor with the
    /// code the app shows now; returns the completed answer.
    pub async fn two_factor_login(
        &self,
        from: &str,
        login: &str,
        password: &str,
        secret: &str,
    ) -> Answer {
        let pending = self.login(from, login, password).await;
        assert_eq!(pending.status, 201, "{}", pending.body);
        assert!(
            pending.body.get("device_token").is_none(),
            "a password alone earns no device credential"
        );
        let done = self
            .second_factor(
                from,
                pending.body["token"].as_str().unwrap(),
                &self.app.totp_code(secret),
            )
            .await;
        assert_eq!(done.status, 200, "{}", done.body);
        done
    }

    /// Completes a pending login with `code`.
    pub async fn second_factor(&self, from: &str, pending: &str, code: &str) -> Answer {
        self.call(
            from,
            "POST",
            "/v1/sessions/current/second-factor",
            Some(pending),
            Some(json!({ "code": code })),
        )
        .await
    }

    /// Asks for a reset link and returns its token from the mail (a newer one than
    /// `previous`, when given: the request's mail is written in the background).
    pub async fn reset_link(&self, from: &str, login: &str, previous: Option<&str>) -> String {
        let asked = self
            .call(
                from,
                "POST",
                "/v1/password-resets",
                None,
                Some(json!({ "login": login })),
            )
            .await;
        assert_eq!(asked.status, 202);
        for _ in 0..200 {
            let mail = self
                .app
                .wait_for_mail(&format!("{login}@example.com"), "/reset-password?token=")
                .await;
            let token = link_token(&mail, "/reset-password");
            if previous != Some(token.as_str()) {
                return token;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("no new reset link for {login}");
    }

    pub async fn confirm_reset(&self, from: &str, token: &str, code: Option<&str>) -> Answer {
        let mut body = json!({ "token": token, "new_password": NEW_PASSWORD });
        if let Some(code) = code {
            body["totp_code"] = json!(code);
        }
        self.call(
            from,
            "POST",
            "/v1/password-resets/confirm",
            None,
            Some(body),
        )
        .await
    }
}

/// A wrong code that no authenticator shows now.
pub fn wrong_code(right: &str) -> &'static str {
    if right == "000000" {
        "111111"
    } else {
        "000000"
    }
}
