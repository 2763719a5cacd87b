//! Password resets by mailed link.

use serde_json::json;

use crate::support::{PASSWORD, TestApp, link_token, on_both_engines};

const NEW_PASSWORD: &str = "amber lantern drifts north";

async fn request_reset(app: &TestApp, login: &str) -> crate::support::Reply {
    app.post("/v1/password-resets", None, json!({ "login": login }))
        .await
}

/// Asks for a reset of `login` and returns the token of the mailed link.
async fn reset_token(app: &TestApp, login: &str, to: &str) -> String {
    let before = app.sink.received().len();
    request_reset(app, login).await.expect(202);
    for _ in 0..200 {
        app.deliver().await;
        let received = app.sink.received();
        if let Some(mail) = received[before..]
            .iter()
            .rev()
            .find(|m| m.to.iter().any(|t| t == to) && m.data.contains("reset-password"))
        {
            return link_token(&mail.data, "/reset-password");
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("no reset mail to {to}");
}

fn confirmation(token: &str, password: &str) -> serde_json::Value {
    json!({ "token": token, "new_password": password })
}

async fn known_and_unknown_logins_get_the_same_answer(app: &TestApp) {
    app.register("ada").await.expect(201);

    let known = request_reset(app, "ada").await;
    let unknown = request_reset(app, "nobody-here").await;
    let malformed = request_reset(app, "\u{0}").await;

    for reply in [&known, &unknown, &malformed] {
        reply.expect(202);
        assert_eq!(reply.body, known.body);
    }
}
on_both_engines!(
    enumeration,
    super::known_and_unknown_logins_get_the_same_answer
);

async fn a_reset_sets_the_password_ends_every_session_and_logs_nobody_in(app: &TestApp) {
    let session = app.signed_up("ada").await;
    let token = reset_token(app, "ada@example.com", "ada@example.com").await;
    let confirm = "/v1/password-resets/confirm";

    app.post(confirm, None, confirmation(&token, "password"))
        .await
        .expect_invalid_fields(&["new_password"]);
    let done = app
        .post(confirm, None, confirmation(&token, NEW_PASSWORD))
        .await;
    done.expect(204);
    assert!(done.body.is_empty());

    app.get("/v1/me/profile", &session)
        .await
        .expect_problem(401, "unauthenticated");
    app.login("ada", PASSWORD)
        .await
        .expect_problem(401, "invalid-credentials");
    let fresh = app.login("ada", NEW_PASSWORD).await;
    fresh.expect(201);
    app.post(
        confirm,
        None,
        confirmation(&token, "another fine passphrase"),
    )
    .await
    .expect_problem(422, "invalid-token");
    let notice = app.wait_for_mail("ada@example.com", "was reset").await;
    assert!(!notice.contains(NEW_PASSWORD));

    let fresh = fresh.json()["token"].as_str().unwrap().to_owned();
    let kinds = app.event_kinds(&fresh).await;
    assert!(kinds.contains(&"password_reset".to_owned()));
    assert!(kinds.contains(&"password_reset_requested".to_owned()));
    let raw =
        String::from_utf8_lossy(&app.get("/v1/me/security-events", &fresh).await.body).to_string();
    assert!(!raw.contains(&token));
}
on_both_engines!(
    reset,
    super::a_reset_sets_the_password_ends_every_session_and_logs_nobody_in
);

async fn a_newer_link_voids_the_older_and_links_expire(app: &TestApp) {
    app.register("ada").await.expect(201);
    let confirm = "/v1/password-resets/confirm";
    let older = reset_token(app, "ada", "ada@example.com").await;
    // One reset mail per minute and account.
    app.clock.advance(time::Duration::seconds(61));
    let newer = reset_token(app, "ada", "ada@example.com").await;
    assert_ne!(older, newer);

    app.post(confirm, None, confirmation(&older, NEW_PASSWORD))
        .await
        .expect_problem(422, "invalid-token");
    app.clock.advance(time::Duration::minutes(31));
    app.post(confirm, None, confirmation(&newer, NEW_PASSWORD))
        .await
        .expect_problem(422, "invalid-token");
    app.login("ada", PASSWORD).await.expect(201);
}
on_both_engines!(
    newer_and_expired,
    super::a_newer_link_voids_the_older_and_links_expire
);

async fn with_two_factor_on_a_reset_needs_a_code(app: &TestApp) {
    let session = app.signed_up("ada").await;
    let (secret, _) = app.enable_two_factor(&session).await;
    let token = reset_token(app, "ada", "ada@example.com").await;
    let confirm = "/v1/password-resets/confirm";

    app.post(confirm, None, confirmation(&token, NEW_PASSWORD))
        .await
        .expect_invalid_fields(&["totp_code"]);
    let mut body = confirmation(&token, NEW_PASSWORD);
    body["totp_code"] = json!("000000");
    app.post(confirm, None, body.clone())
        .await
        .expect_invalid_fields(&["totp_code"]);
    app.login_with_code("ada", &app.totp_code(&secret)).await;

    body["totp_code"] = json!(app.totp_code(&secret));
    app.post(confirm, None, body.clone())
        .await
        .expect_invalid_fields(&["totp_code"]);
    app.next_step();
    body["totp_code"] = json!(app.totp_code(&secret));
    app.post(confirm, None, body).await.expect(204);
    let pending = app.login("ada", NEW_PASSWORD).await;
    assert_eq!(pending.json()["second_factor_required"], true);
}
on_both_engines!(
    reset_with_two_factor,
    super::with_two_factor_on_a_reset_needs_a_code
);
