//! Password change and the security audit trail.

use serde_json::json;

use crate::support::{PASSWORD, TestApp, on_both_engines};

const NEW_PASSWORD: &str = "amber lantern drifts north";

async fn a_password_change_ends_other_sessions_and_is_notified_and_recorded(app: &TestApp) {
    let current = app.signed_up("ada").await;
    let other = app.token_for("ada").await;

    app.put(
        "/v1/me/password",
        &current,
        json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD }),
    )
    .await
    .expect(204);

    app.get("/v1/me/profile", &current).await.expect(200);
    app.get("/v1/me/profile", &other)
        .await
        .expect_problem(401, "unauthenticated");
    app.login("ada", PASSWORD)
        .await
        .expect_problem(401, "invalid-credentials");
    app.login("ada", NEW_PASSWORD).await.expect(201);

    app.deliver().await;
    let notice = app
        .sink
        .received()
        .into_iter()
        .find(|m| m.data.contains("password"))
        .expect("a password notice");
    assert_eq!(notice.to, vec!["ada@example.com"]);
    assert!(!notice.data.contains(NEW_PASSWORD) && !notice.data.contains(PASSWORD));

    let events = app.get("/v1/me/security-events", &current).await;
    let kinds = app.event_kinds(&current).await;
    assert_eq!(kinds[0], "login_succeeded", "newest first");
    assert!(kinds.contains(&"login_failed".to_owned()));
    assert!(kinds.contains(&"password_changed".to_owned()));
    let body = String::from_utf8_lossy(&events.body).to_string();
    assert!(
        !body.contains(PASSWORD) && !body.contains(NEW_PASSWORD),
        "no secret in events"
    );
}
on_both_engines!(
    change,
    super::a_password_change_ends_other_sessions_and_is_notified_and_recorded
);

async fn a_refused_password_change_changes_nothing(app: &TestApp) {
    let token = app.signed_up("ada").await;

    app.put(
        "/v1/me/password",
        &token,
        json!({ "current_password": "not it at all", "new_password": NEW_PASSWORD }),
    )
    .await
    .expect_invalid_fields(&["current_password"]);
    app.put(
        "/v1/me/password",
        &token,
        json!({ "current_password": PASSWORD, "new_password": "password1" }),
    )
    .await
    .expect_invalid_fields(&["new_password"]);
    app.put(
        "/v1/me/password",
        &token,
        json!({ "current_password": PASSWORD, "new_password": PASSWORD }),
    )
    .await
    .expect_invalid_fields(&["new_password"]);

    app.login("ada", PASSWORD).await.expect(201);
    let kinds = app.event_kinds(&token).await;
    assert!(kinds.contains(&"password_change_failed".to_owned()));
    assert!(!kinds.contains(&"password_changed".to_owned()));
}
on_both_engines!(refused, super::a_refused_password_change_changes_nothing);

async fn session_endings_are_recorded_and_events_are_private(app: &TestApp) {
    let ada = app.signed_up("ada").await;
    let other = app.login("ada", PASSWORD).await.json();
    let mallory = app.signed_up("mallory").await;

    app.delete(
        &format!("/v1/sessions/{}", other["id"].as_str().unwrap()),
        &ada,
    )
    .await
    .expect(204);

    let kinds = app.event_kinds(&ada).await;
    assert_eq!(kinds[0], "session_revoked");
    let mallorys = app.get("/v1/me/security-events", &mallory).await.json();
    assert_eq!(
        mallorys["items"].as_array().unwrap().len(),
        1,
        "only mallory's own login"
    );
}
on_both_engines!(
    sessions,
    super::session_endings_are_recorded_and_events_are_private
);

async fn wrong_current_passwords_are_throttled(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let attempt = json!({ "current_password": "a wrong guess here", "new_password": NEW_PASSWORD });
    for _ in 0..6 {
        app.put("/v1/me/password", &token, attempt.clone())
            .await
            .expect_invalid_fields(&["current_password"]);
    }

    let blocked = app
        .put(
            "/v1/me/password",
            &token,
            json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD }),
        )
        .await;
    blocked.expect_problem(429, "too-many-attempts");
    assert!(blocked.headers.contains_key("retry-after"));

    app.clock.advance(time::Duration::seconds(2));
    app.put(
        "/v1/me/password",
        &token,
        json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD }),
    )
    .await
    .expect(204);
}
on_both_engines!(throttled, super::wrong_current_passwords_are_throttled);
