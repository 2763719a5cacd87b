use crate::support::{PASSWORD, TestApp, on_both_engines};

async fn unknown_login_and_wrong_password_get_byte_identical_answers(app: &TestApp) {
    app.register("ada").await.expect(201);

    let wrong_password = app.login("ada", "not the password at all").await;
    let unknown_user = app.login("nobody", PASSWORD).await;
    let unknown_email = app.login("nobody@example.com", PASSWORD).await;

    wrong_password.expect_problem(401, "invalid-credentials");
    for other in [&unknown_user, &unknown_email] {
        assert_eq!(other.status, wrong_password.status);
        assert_eq!(other.content_type, wrong_password.content_type);
        assert_eq!(other.body, wrong_password.body);
    }
}
on_both_engines!(
    enumeration,
    super::unknown_login_and_wrong_password_get_byte_identical_answers
);

async fn a_login_answers_a_token_and_an_expiry(app: &TestApp) {
    app.register("ada").await.expect(201);
    let reply = app.login("ada", PASSWORD).await;
    reply.expect(201);
    let body = reply.json();
    assert!(body["token"].as_str().unwrap().len() >= 43);
    assert_eq!(body["second_factor_required"], false);
    assert!(body["expires_at"].as_str().unwrap().ends_with('Z'));
    assert_ne!(
        body["token"],
        app.login("ada", PASSWORD).await.json()["token"],
        "every login gets a new token"
    );
}
on_both_engines!(login, super::a_login_answers_a_token_and_an_expiry);

async fn sessions_are_listed_with_the_current_one_marked(app: &TestApp) {
    let first = app.signed_up("ada").await;
    let second = app.token_for("ada").await;
    app.signed_up("grace").await;

    let reply = app.get("/v1/sessions", &second).await;
    reply.expect(200);
    let items = reply.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "only ada's sessions");
    assert_eq!(
        items[0]["current"], true,
        "newest first, and it is this one"
    );
    assert_eq!(items[1]["current"], false);

    let paged = app.get("/v1/sessions?limit=1", &first).await.json();
    assert_eq!(paged["items"].as_array().unwrap().len(), 1);
    let cursor = paged["next_cursor"].as_str().unwrap();
    let rest = app
        .get(&format!("/v1/sessions?limit=1&cursor={cursor}"), &first)
        .await
        .json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest["next_cursor"], serde_json::Value::Null);
    assert_ne!(paged["items"][0]["id"], rest["items"][0]["id"]);
}
on_both_engines!(list, super::sessions_are_listed_with_the_current_one_marked);

async fn logging_out_ends_only_the_current_session(app: &TestApp) {
    let first = app.signed_up("ada").await;
    let second = app.token_for("ada").await;

    app.delete("/v1/sessions/current", &first).await.expect(204);

    app.get("/v1/me/profile", &first)
        .await
        .expect_problem(401, "unauthenticated");
    app.get("/v1/me/profile", &second).await.expect(200);
}
on_both_engines!(logout, super::logging_out_ends_only_the_current_session);

async fn a_session_can_be_revoked_by_its_owner_only(app: &TestApp) {
    let ada = app.signed_up("ada").await;
    let other_device = app.login("ada", PASSWORD).await.json();
    let other_id = other_device["id"].as_str().unwrap();
    let other_token = other_device["token"].as_str().unwrap();
    let mallory = app.signed_up("mallory").await;

    app.delete(&format!("/v1/sessions/{other_id}"), &mallory)
        .await
        .expect_problem(404, "not-found");
    app.get("/v1/me/profile", other_token).await.expect(200);

    app.delete(&format!("/v1/sessions/{other_id}"), &ada)
        .await
        .expect(204);
    app.get("/v1/me/profile", other_token)
        .await
        .expect_problem(401, "unauthenticated");
    app.delete("/v1/sessions/not-an-id", &ada)
        .await
        .expect_problem(404, "not-found");
}
on_both_engines!(revoke, super::a_session_can_be_revoked_by_its_owner_only);

async fn a_login_with_control_characters_is_an_ordinary_refusal(app: &TestApp) {
    app.register("ada").await.expect(201);
    let wrong_password = app.login("ada", "not the password at all").await;
    for login in ["ada\u{0}", "\u{0}", "ad\r\na", &"a".repeat(300)] {
        let reply = app.login(login, PASSWORD).await;
        assert_eq!(reply.status, wrong_password.status, "{login:?}");
        assert_eq!(reply.body, wrong_password.body, "{login:?}");
    }
}
on_both_engines!(
    control_characters,
    super::a_login_with_control_characters_is_an_ordinary_refusal
);

async fn repeated_failures_slow_down_to_429_with_retry_after_and_never_lock_for_good(
    app: &TestApp,
) {
    app.register("ada").await.expect(201);
    // The account's allowance (10) and one more, from no known device.
    for _ in 0..11 {
        app.login("ada", "not the password at all")
            .await
            .expect_problem(401, "invalid-credentials");
    }

    let blocked = app
        .call(
            poem::http::Method::POST,
            "/v1/sessions",
            None,
            Some(serde_json::json!({ "login": "ADA", "password": PASSWORD })),
        )
        .await;
    blocked.expect_problem(429, "too-many-attempts");
    let retry_after: u64 = blocked.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");

    // Unknown names are counted the same way: a delay reveals nothing.
    for _ in 0..11 {
        app.login("nobody", PASSWORD)
            .await
            .expect_problem(401, "invalid-credentials");
    }
    app.login("nobody", PASSWORD)
        .await
        .expect_problem(429, "too-many-attempts");

    app.clock.advance(time::Duration::seconds(2));
    app.login("ada", PASSWORD).await.expect(201);
    // A success from an unknown device gives its attempt back but does not wipe the
    // account's count (that would hand a guesser a fresh allowance): each delay
    // still passes by itself.
    app.clock.advance(time::Duration::seconds(4));
    app.login("ada", "wrong once more")
        .await
        .expect_problem(401, "invalid-credentials");
    app.clock.advance(time::Duration::seconds(4));
    app.login("ada", PASSWORD).await.expect(201);
}
on_both_engines!(
    throttling,
    super::repeated_failures_slow_down_to_429_with_retry_after_and_never_lock_for_good
);
