use serde_json::json;

use crate::support::{PASSWORD, TestApp, on_both_engines, registration};

async fn a_new_account_can_log_in_and_read_its_profile(app: &TestApp) {
    let created = app
        .post(
            "/v1/accounts",
            None,
            json!({
                "username": "Ada.L",
                "email": "Ada@Example.com",
                "password": PASSWORD,
                "first_name": "Ada",
                "last_name": "Lovelace",
                "language": "de-ch",
            }),
        )
        .await;
    created.expect(201);
    let account = created.json();
    assert_eq!(account["username"], "Ada.L");
    assert_eq!(account["language"], "de-CH");
    assert!(account["id"].is_string());

    for login in ["ada.l", "ada@example.com", "ADA@EXAMPLE.COM"] {
        app.login(login, PASSWORD).await.expect(201);
    }
    let token = app.login("Ada.L", PASSWORD).await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let profile = app.get("/v1/me/profile", &token).await;
    profile.expect(200);
    assert_eq!(profile.json()["id"], account["id"]);
    let emails = app.get("/v1/me/emails", &token).await;
    emails.expect(200);
    assert_eq!(
        emails.json()["items"],
        json!([{
            "id": emails.json()["items"][0]["id"],
            "address": "Ada@example.com",
            "verified": false,
            "primary": true,
            "created_at": emails.json()["items"][0]["created_at"],
        }])
    );
    assert_eq!(emails.json()["next_cursor"], json!(null));
}
on_both_engines!(
    happy_path,
    super::a_new_account_can_log_in_and_read_its_profile
);

async fn a_duplicate_username_or_email_is_a_409_and_stores_nothing(app: &TestApp) {
    app.register("ada").await.expect(201);

    let mut same_name = registration("ADA");
    same_name["email"] = json!("other@example.com");
    app.post("/v1/accounts", None, same_name)
        .await
        .expect_problem(409, "username-taken");
    let mut same_email = registration("grace");
    same_email["email"] = json!("ADA@example.com");
    app.post("/v1/accounts", None, same_email)
        .await
        .expect_problem(409, "email-taken");

    // The refused registrations left nothing behind: their other values are free.
    app.login("other@example.com", PASSWORD)
        .await
        .expect_problem(401, "invalid-credentials");
    app.login("grace", PASSWORD)
        .await
        .expect_problem(401, "invalid-credentials");
    app.register("grace").await.expect(201);
}
on_both_engines!(
    duplicates,
    super::a_duplicate_username_or_email_is_a_409_and_stores_nothing
);

async fn each_invalid_field_is_named_and_nothing_is_stored(app: &TestApp) {
    let cases = [
        ("username", json!("ab")),
        ("username", json!("a".repeat(33))),
        ("username", json!("ada@home")),
        ("email", json!("not-an-email")),
        ("email", json!("ada@example.com\r\nBcc: x@example.com")),
        ("first_name", json!("")),
        ("language", json!("english_UK")),
        ("password", json!("password1")),
        ("password", json!("short")),
        ("password", json!("ada-violet-tractor")),
        ("password", json!("my portico account")),
    ];
    for (field, value) in cases {
        let mut body = registration("ada");
        body[field] = value.clone();
        let reply = app.post("/v1/accounts", None, body).await;
        reply.expect_invalid_fields(&[field]);
        assert!(
            !reply.json()["errors"][0]["message"]
                .as_str()
                .unwrap()
                .is_empty(),
            "{field}={value}"
        );
    }
    app.login("ada", PASSWORD)
        .await
        .expect_problem(401, "invalid-credentials");
    app.register("ada").await.expect(201);
}
on_both_engines!(
    invalid_fields,
    super::each_invalid_field_is_named_and_nothing_is_stored
);

async fn several_invalid_fields_are_reported_together(app: &TestApp) {
    let reply = app
        .post(
            "/v1/accounts",
            None,
            json!({
                "username": "x",
                "email": "nope",
                "password": PASSWORD,
                "first_name": "Ada",
                "last_name": "\u{0007}",
            }),
        )
        .await;
    reply.expect_invalid_fields(&["username", "email", "last_name"]);
}
on_both_engines!(
    all_errors_at_once,
    super::several_invalid_fields_are_reported_together
);

async fn the_registration_email_cannot_be_removed(app: &TestApp) {
    let ada = app.signed_up("ada").await;
    let mallory = app.signed_up("mallory").await;
    let emails = app.get("/v1/me/emails", &ada).await.json();
    let path = format!(
        "/v1/me/emails/{}",
        emails["items"][0]["id"].as_str().unwrap()
    );

    app.delete(&path, &mallory)
        .await
        .expect_problem(404, "not-found");
    app.delete(&path, &ada)
        .await
        .expect_problem(409, "primary-email");
    app.delete("/v1/me/emails/nope", &ada)
        .await
        .expect_problem(404, "not-found");

    let after = app.get("/v1/me/emails", &ada).await.json();
    assert_eq!(after["items"].as_array().unwrap().len(), 1);
}
on_both_engines!(
    email_removal,
    super::the_registration_email_cannot_be_removed
);

async fn a_weak_password_is_named_with_the_other_faulty_fields(app: &TestApp) {
    let mut body = registration("ada");
    body["username"] = json!("a");
    body["first_name"] = json!("   ");
    body["password"] = json!("password");

    app.post("/v1/accounts", None, body)
        .await
        .expect_invalid_fields(&["username", "first_name", "password"]);
    let mut built_from_username = registration("grace");
    built_from_username["password"] = json!("grace-hopper-1906");
    app.post("/v1/accounts", None, built_from_username)
        .await
        .expect_invalid_fields(&["password"]);
}
on_both_engines!(
    all_faults,
    super::a_weak_password_is_named_with_the_other_faulty_fields
);
