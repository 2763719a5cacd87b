//! Username changes.

use serde_json::json;

use crate::support::{PASSWORD, TestApp, on_both_engines};

fn change(username: &str, password: &str) -> serde_json::Value {
    json!({ "new_username": username, "password": password })
}

async fn a_username_change_is_reauthenticated_and_all_or_nothing(app: &TestApp) {
    let token = app.signed_up("ada").await;
    app.register("grace").await.expect(201);
    app.add_verified_email(&token, "ada@work.example").await;

    app.put(
        "/v1/me/username",
        &token,
        change("countess", "wrong password here"),
    )
    .await
    .expect_invalid_fields(&["password"]);
    app.put("/v1/me/username", &token, change("no spaces", PASSWORD))
        .await
        .expect_invalid_fields(&["new_username"]);
    // A malformed name is refused before the password is judged.
    app.put(
        "/v1/me/username",
        &token,
        change("no spaces", "wrong password here"),
    )
    .await
    .expect_invalid_fields(&["new_username"]);
    app.put("/v1/me/username", &token, change("Grace", PASSWORD))
        .await
        .expect_problem(409, "username-taken");
    app.login("ada", PASSWORD).await.expect(201);

    let changed = app
        .put("/v1/me/username", &token, change("countess", PASSWORD))
        .await;
    changed.expect(200);
    assert_eq!(changed.json()["username"], "countess");

    assert_eq!(
        app.get("/v1/me/profile", &token).await.json()["username"],
        "countess"
    );
    app.login("countess", PASSWORD).await.expect(201);
    app.login("ada", PASSWORD)
        .await
        .expect_problem(401, "invalid-credentials");
    let notice = app.wait_for_mail("ada@example.com", "countess").await;
    assert!(!notice.contains(PASSWORD));
    // Every verified address hears of it, not only the primary one.
    app.wait_for_mail("ada@work.example", "countess").await;
    let kinds = app.event_kinds(&token).await;
    assert!(kinds.contains(&"username_changed".to_owned()));
    // Email changes are in the trail too.
    assert!(kinds.contains(&"email_added".to_owned()));
    assert!(kinds.contains(&"email_verified".to_owned()));
    assert!(kinds.contains(&"reauthentication_failed".to_owned()));
}
on_both_engines!(
    change_without_two_factor,
    super::a_username_change_is_reauthenticated_and_all_or_nothing
);

async fn with_two_factor_on_a_username_change_needs_a_fresh_code(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let (secret, _) = app.enable_two_factor(&token).await;
    let token = app.login_with_code("ada", &app.totp_code(&secret)).await;

    app.put("/v1/me/username", &token, change("countess", PASSWORD))
        .await
        .expect_invalid_fields(&["totp_code"]);
    // The code the login just used is spent.
    let mut body = change("countess", PASSWORD);
    body["totp_code"] = json!(app.totp_code(&secret));
    app.put("/v1/me/username", &token, body.clone())
        .await
        .expect_invalid_fields(&["totp_code"]);
    assert_eq!(
        app.get("/v1/me/profile", &token).await.json()["username"],
        "ada"
    );

    app.next_step();
    body["totp_code"] = json!(app.totp_code(&secret));
    app.put("/v1/me/username", &token, body.clone())
        .await
        .expect(200);
    let mut again = change("lovelace", PASSWORD);
    again["totp_code"] = body["totp_code"].clone();
    app.put("/v1/me/username", &token, again)
        .await
        .expect_invalid_fields(&["totp_code"]);
    assert_eq!(
        app.get("/v1/me/profile", &token).await.json()["username"],
        "countess"
    );
}
on_both_engines!(
    change_with_two_factor,
    super::with_two_factor_on_a_username_change_needs_a_fresh_code
);
