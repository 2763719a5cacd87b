//! TOTP two-factor: enrolment, second-factor login, recovery codes, turning it off.

use poem::http::Method;
use serde_json::json;

use crate::support::{PASSWORD, TestApp, on_both_engines};

fn kinds_and_details(events: &serde_json::Value) -> Vec<(String, String)> {
    events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["detail"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn enrolment_then_login_asks_for_and_accepts_a_fresh_code(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let status = app.get("/v1/me/two-factor", &token).await;
    status.expect(200);
    assert_eq!(status.json()["enabled"], false);

    let enrolment = app
        .post("/v1/me/two-factor/totp", Some(&token), json!({}))
        .await;
    enrolment.expect(201);
    let body = enrolment.json();
    let secret = body["secret"].as_str().unwrap().to_owned();
    assert!(
        body["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/Portico:ada?")
    );
    assert!(body["qr_svg"].as_str().unwrap().starts_with("<svg"));

    // Until confirmed, nothing changes for logins; a wrong code does not confirm.
    app.login("ada", PASSWORD).await.expect(201);
    app.post(
        "/v1/me/two-factor/totp/confirm",
        Some(&token),
        json!({ "code": "000000" }),
    )
    .await
    .expect_invalid_fields(&["code"]);
    let confirm_code = app.totp_code(&secret);
    let confirmed = app
        .post(
            "/v1/me/two-factor/totp/confirm",
            Some(&token),
            json!({ "code": confirm_code }),
        )
        .await;
    confirmed.expect(200);
    assert_eq!(
        confirmed.json()["recovery_codes"].as_array().unwrap().len(),
        10
    );
    let status = app.get("/v1/me/two-factor", &token).await.json();
    assert_eq!(status["enabled"], true);
    assert_eq!(status["recovery_codes_left"], 10);
    app.wait_for_mail("ada@example.com", "turned on").await;

    // The password alone now opens a pending session that can read nothing.
    let pending = app.login("ada", PASSWORD).await;
    pending.expect(201);
    assert_eq!(pending.json()["second_factor_required"], true);
    let pending_token = pending.json()["token"].as_str().unwrap().to_owned();
    for path in ["/v1/me/profile", "/v1/sessions", "/v1/me/security-events"] {
        app.get(path, &pending_token)
            .await
            .expect_problem(403, "second-factor-required");
    }

    // The code that confirmed enrolment is spent; the next step's code works once.
    let second_factor = "/v1/sessions/current/second-factor";
    app.post(
        second_factor,
        Some(&pending_token),
        json!({ "code": confirm_code }),
    )
    .await
    .expect_invalid_fields(&["code"]);
    app.next_step();
    let done = app
        .post(
            second_factor,
            Some(&pending_token),
            json!({ "code": app.totp_code(&secret) }),
        )
        .await;
    done.expect(200);
    let full = done.json()["token"].as_str().unwrap().to_owned();
    assert_ne!(full, pending_token);
    assert_eq!(done.json()["second_factor_required"], false);
    app.get("/v1/me/profile", &pending_token)
        .await
        .expect_problem(401, "unauthenticated");
    app.get("/v1/me/profile", &full).await.expect(200);
    app.post(second_factor, Some(&full), json!({ "code": "123456" }))
        .await
        .expect_problem(409, "second-factor-not-pending");

    let events = kinds_and_details(&app.get("/v1/me/security-events", &full).await.json());
    assert_eq!(
        events[0],
        ("login_succeeded".into(), "factors: password, totp".into())
    );
    assert!(events.contains(&("login_failed".into(), "factor: second factor".into())));
    assert!(
        events
            .iter()
            .any(|(kind, _)| kind == "second_factor_requested")
    );
    assert!(events.iter().any(|(kind, _)| kind == "two_factor_enabled"));
    let raw =
        String::from_utf8_lossy(&app.get("/v1/me/security-events", &full).await.body).to_string();
    assert!(!raw.contains(&secret) && !raw.contains(&confirm_code));
}
on_both_engines!(
    enrolment_and_login,
    super::enrolment_then_login_asks_for_and_accepts_a_fresh_code
);

async fn a_recovery_code_completes_one_login_only(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let (_, codes) = app.enable_two_factor(&token).await;

    let full = app.login_with_code("ada", &codes[0].to_uppercase()).await;

    let pending = app.token_for("ada").await;
    app.post(
        "/v1/sessions/current/second-factor",
        Some(&pending),
        json!({ "code": codes[0] }),
    )
    .await
    .expect_invalid_fields(&["code"]);
    let status = app.get("/v1/me/two-factor", &full).await.json();
    assert_eq!(status["recovery_codes_left"], 9);
}
on_both_engines!(
    recovery_login,
    super::a_recovery_code_completes_one_login_only
);

async fn wrong_codes_exhaust_the_pending_login(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let (secret, _) = app.enable_two_factor(&token).await;
    let pending = app.token_for("ada").await;
    let path = "/v1/sessions/current/second-factor";

    for _ in 0..4 {
        app.post(path, Some(&pending), json!({ "code": "000000" }))
            .await
            .expect_invalid_fields(&["code"]);
    }
    app.post(path, Some(&pending), json!({ "code": "not-a-code" }))
        .await
        .expect_problem(401, "too-many-wrong-codes");

    // The session is over: even the right code no longer helps.
    app.post(
        path,
        Some(&pending),
        json!({ "code": app.totp_code(&secret) }),
    )
    .await
    .expect_problem(401, "unauthenticated");
}
on_both_engines!(code_budget, super::wrong_codes_exhaust_the_pending_login);

async fn parallel_wrong_codes_cannot_overdraw_the_budget(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let (secret, _) = app.enable_two_factor(&token).await;
    let pending = app.token_for("ada").await;
    let path = "/v1/sessions/current/second-factor";
    let guess = |code: &'static str| app.post(path, Some(&pending), json!({ "code": code }));

    let replies = tokio::join!(
        guess("000001"),
        guess("000002"),
        guess("000003"),
        guess("000004"),
        guess("000005"),
        guess("000006"),
        guess("000007"),
        guess("000008"),
    );
    let statuses = [
        replies.0.status,
        replies.1.status,
        replies.2.status,
        replies.3.status,
        replies.4.status,
        replies.5.status,
        replies.6.status,
        replies.7.status,
    ];

    // At most four wrong codes are judged and answered 422; the rest find the
    // login's budget spent (401) or the account's second-factor budget closed
    // (429), and the right code afterwards finds the login over.
    let judged = statuses.iter().filter(|s| s.as_u16() == 422).count();
    assert!(judged <= 4, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| [401, 422, 429].contains(&s.as_u16())),
        "{statuses:?}"
    );
    app.post(
        path,
        Some(&pending),
        json!({ "code": app.totp_code(&secret) }),
    )
    .await
    .expect(401);
}
on_both_engines!(
    parallel_budget,
    super::parallel_wrong_codes_cannot_overdraw_the_budget
);

async fn two_logins_racing_with_one_code_complete_once(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let (secret, _) = app.enable_two_factor(&token).await;
    let first = app.token_for("ada").await;
    let second = app.token_for("ada").await;
    let code = app.totp_code(&secret);
    let path = "/v1/sessions/current/second-factor";

    let (a, b) = tokio::join!(
        app.post(path, Some(&first), json!({ "code": code })),
        app.post(path, Some(&second), json!({ "code": code })),
    );

    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 422]);
}
on_both_engines!(
    racing_code,
    super::two_logins_racing_with_one_code_complete_once
);

async fn renewing_codes_needs_password_and_code_and_voids_the_old_set(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let (secret, old_codes) = app.enable_two_factor(&token).await;
    let path = "/v1/me/two-factor/recovery-codes";

    app.post(
        path,
        Some(&token),
        json!({ "password": "wrong password here", "code": app.totp_code(&secret) }),
    )
    .await
    .expect_invalid_fields(&["password"]);
    app.post(path, Some(&token), json!({ "password": PASSWORD }))
        .await
        .expect_invalid_fields(&["code"]);
    let renewed = app
        .post(
            path,
            Some(&token),
            json!({ "password": PASSWORD, "code": app.totp_code(&secret) }),
        )
        .await;
    renewed.expect(200);
    let new_codes = renewed.json()["recovery_codes"].as_array().unwrap().clone();
    assert_eq!(new_codes.len(), 10);

    let pending = app.token_for("ada").await;
    app.post(
        "/v1/sessions/current/second-factor",
        Some(&pending),
        json!({ "code": old_codes[1] }),
    )
    .await
    .expect_invalid_fields(&["code"]);
    app.login_with_code("ada", new_codes[0].as_str().unwrap())
        .await;
}
on_both_engines!(
    renew_codes,
    super::renewing_codes_needs_password_and_code_and_voids_the_old_set
);

async fn turning_off_needs_a_code_and_is_notified(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let (secret, codes) = app.enable_two_factor(&token).await;
    let off = |body| {
        app.call(
            Method::DELETE,
            "/v1/me/two-factor",
            Some(&token),
            Some(body),
        )
    };

    off(json!({ "password": PASSWORD, "code": "000000" }))
        .await
        .expect_invalid_fields(&["code"]);
    assert_eq!(
        app.get("/v1/me/two-factor", &token).await.json()["enabled"],
        true
    );
    off(json!({ "password": PASSWORD, "code": app.totp_code(&secret) }))
        .await
        .expect(204);

    assert_eq!(
        app.get("/v1/me/two-factor", &token).await.json()["enabled"],
        false
    );
    let login = app.login("ada", PASSWORD).await;
    assert_eq!(login.json()["second_factor_required"], false);
    app.wait_for_mail("ada@example.com", "turned off").await;
    off(json!({ "password": PASSWORD, "code": codes[0] }))
        .await
        .expect_problem(409, "two-factor-not-enabled");
}
on_both_engines!(turn_off, super::turning_off_needs_a_code_and_is_notified);
