//! The recent-authentication window: a session token alone, once its last proof of
//! the password is older than the window, can take nothing over.

use poem::http::Method;
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp, on_both_engines};

/// The ids of things the account has, for changes aimed at them.
struct Owned {
    email: String,
    session: String,
    destination: String,
    delegate: String,
}

/// Every change that needs a recent proof, as (method, path, body). Turning
/// two-factor off and renewing recovery codes carry their proof in the request.
fn sensitive_changes(owned: &Owned) -> Vec<(Method, String, Option<Value>)> {
    let Owned {
        email: email_id,
        session: session_id,
        destination,
        delegate,
    } = owned;
    vec![
        (
            Method::POST,
            "/v1/me/emails".into(),
            Some(json!({ "address": "mallory@evil.example" })),
        ),
        (
            Method::PATCH,
            format!("/v1/me/emails/{email_id}"),
            Some(json!({ "address": "mallory@evil.example" })),
        ),
        (
            Method::POST,
            format!("/v1/me/emails/{email_id}/primary"),
            None,
        ),
        (Method::DELETE, format!("/v1/me/emails/{email_id}"), None),
        (Method::POST, "/v1/me/two-factor/totp".into(), None),
        (
            Method::POST,
            "/v1/me/two-factor/totp/confirm".into(),
            Some(json!({ "code": "000000" })),
        ),
        (
            Method::POST,
            "/v1/me/ip-whitelist".into(),
            Some(json!({ "cidr": "198.51.100.66", "label": "attacker" })),
        ),
        (
            Method::DELETE,
            "/v1/me/ip-whitelist/01a2338f-d810-7671-8579-b49a06548e74".into(),
            None,
        ),
        (
            Method::POST,
            "/v1/me/affiliate/payout-destinations".into(),
            Some(json!({ "kind": "paypal", "email": "mallory@evil.example" })),
        ),
        (
            Method::DELETE,
            format!("/v1/me/affiliate/payout-destinations/{destination}"),
            None,
        ),
        (
            Method::POST,
            "/v1/me/affiliate/payouts".into(),
            Some(json!({ "destination_id": destination })),
        ),
        (
            Method::POST,
            "/v1/me/delegates".into(),
            Some(json!({ "email": "mallory@evil.example", "scope": { "all": true } })),
        ),
        (
            Method::PATCH,
            format!("/v1/me/delegates/{delegate}"),
            Some(json!({ "scope": { "all": true } })),
        ),
        (Method::DELETE, format!("/v1/me/delegates/{delegate}"), None),
        (Method::DELETE, format!("/v1/sessions/{session_id}"), None),
    ]
}

/// What the account looks like, for comparing before and after refused changes.
async fn snapshot(app: &TestApp, token: &str) -> Vec<Value> {
    let mut seen = Vec::new();
    for path in [
        "/v1/me/emails",
        "/v1/me/two-factor",
        "/v1/me/ip-whitelist",
        "/v1/me/affiliate/payout-destinations",
        "/v1/me/affiliate/payouts",
        "/v1/me/delegates",
    ] {
        let reply = app.get(path, token).await;
        reply.expect(200);
        seen.push(reply.json());
    }
    let sessions = app.get("/v1/sessions", token).await.json();
    seen.push(json!(sessions["items"].as_array().unwrap().len()));
    seen
}

async fn a_stale_session_can_make_no_sensitive_change_until_it_proves_the_password(app: &TestApp) {
    let token = app.signed_up("ada").await;
    app.post("/v1/me/affiliate", Some(&token), json!({}))
        .await
        .expect(200);
    app.add_verified_email(&token, "ada@work.example").await;
    let emails = app.get("/v1/me/emails", &token).await.json();
    let secondary = emails["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["address"] == "ada@work.example")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let destination = app
        .post(
            "/v1/me/affiliate/payout-destinations",
            Some(&token),
            json!({ "kind": "paypal", "email": "ada@example.com" }),
        )
        .await;
    destination.expect(201);
    let delegate = app
        .post(
            "/v1/me/delegates",
            Some(&token),
            json!({ "email": "bob@example.com", "scope": { "all": true } }),
        )
        .await;
    delegate.expect(201);
    let other = app.token_for("ada").await;
    let sessions = app.get("/v1/sessions", &token).await.json();
    let other_id = sessions["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Still used, so still live, but its proof is eleven minutes old.
    for _ in 0..11 {
        app.clock.advance(time::Duration::minutes(1));
        app.get("/v1/me/profile", &token).await.expect(200);
    }
    let before = snapshot(app, &token).await;

    let owned = Owned {
        email: secondary,
        session: other_id,
        destination: destination.json()["id"].as_str().unwrap().to_owned(),
        delegate: delegate.json()["id"].as_str().unwrap().to_owned(),
    };
    for (method, path, body) in sensitive_changes(&owned) {
        let reply = app.call(method.clone(), &path, Some(&token), body).await;
        reply.expect_problem(403, "reauthentication-required");
    }

    assert_eq!(snapshot(app, &token).await, before, "nothing changed");
    assert!(
        app.event_kinds(&token)
            .await
            .contains(&"reauthentication_required".to_owned())
    );
    app.get("/v1/me/profile", &other).await.expect(200);
    // Ending one's own session needs no proof.
    let own = app
        .call(Method::DELETE, "/v1/sessions/current", Some(&other), None)
        .await;
    own.expect(204);

    let wrong = app
        .post(
            "/v1/sessions/current/reauthenticate",
            Some(&token),
            json!({ "password": "not my password" }),
        )
        .await;
    wrong.expect_invalid_fields(&["password"]);
    app.post(
        "/v1/sessions/current/reauthenticate",
        Some(&token),
        json!({ "password": PASSWORD }),
    )
    .await
    .expect(204);
    app.post(
        "/v1/me/emails",
        Some(&token),
        json!({ "address": "ada@home.example" }),
    )
    .await
    .expect(201);
    let kinds = app.event_kinds(&token).await;
    assert!(kinds.contains(&"reauthenticated".to_owned()), "{kinds:?}");

    // The window closes again.
    app.clock.advance(time::Duration::minutes(10));
    app.post(
        "/v1/me/emails",
        Some(&token),
        json!({ "address": "ada@cottage.example" }),
    )
    .await
    .expect_problem(403, "reauthentication-required");
}
on_both_engines!(
    stale_session,
    super::a_stale_session_can_make_no_sensitive_change_until_it_proves_the_password
);

async fn with_two_factor_on_renewing_the_proof_needs_a_fresh_code_used_once(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let (secret, _) = app.enable_two_factor(&token).await;
    let token = app.login_with_code("ada", &app.totp_code(&secret)).await;
    app.clock.advance(time::Duration::minutes(11));
    app.get("/v1/me/profile", &token).await.expect(200);

    app.post(
        "/v1/sessions/current/reauthenticate",
        Some(&token),
        json!({ "password": PASSWORD }),
    )
    .await
    .expect_invalid_fields(&["totp_code"]);
    let code = app.totp_code(&secret);
    app.post(
        "/v1/sessions/current/reauthenticate",
        Some(&token),
        json!({ "password": PASSWORD, "totp_code": code }),
    )
    .await
    .expect(204);
    // The same code again is a replay.
    app.post(
        "/v1/sessions/current/reauthenticate",
        Some(&token),
        json!({ "password": PASSWORD, "totp_code": code }),
    )
    .await
    .expect_invalid_fields(&["totp_code"]);
    app.post("/v1/me/two-factor/totp", Some(&token), json!({}))
        .await
        .expect_problem(409, "two-factor-enabled");
}

async fn turning_two_factor_off_carries_its_own_proof_even_in_a_stale_session(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let (secret, _) = app.enable_two_factor(&token).await;
    let token = app.login_with_code("ada", &app.totp_code(&secret)).await;
    app.clock.advance(time::Duration::minutes(11));
    app.get("/v1/me/profile", &token).await.expect(200);

    app.call(
        Method::POST,
        "/v1/me/two-factor/recovery-codes",
        Some(&token),
        Some(json!({ "password": PASSWORD, "code": app.totp_code(&secret) })),
    )
    .await
    .expect(200);
    app.next_step();
    app.call(
        Method::DELETE,
        "/v1/me/two-factor",
        Some(&token),
        Some(json!({ "password": PASSWORD, "code": app.totp_code(&secret) })),
    )
    .await
    .expect(204);
}
on_both_engines!(
    in_request_proof,
    super::turning_two_factor_off_carries_its_own_proof_even_in_a_stale_session
);
on_both_engines!(
    renew_with_code,
    super::with_two_factor_on_renewing_the_proof_needs_a_fresh_code_used_once
);

async fn a_pending_login_cannot_renew_a_proof(app: &TestApp) {
    let token = app.signed_up("ada").await;
    app.enable_two_factor(&token).await;
    let pending = app.token_for("ada").await;
    app.post(
        "/v1/sessions/current/reauthenticate",
        Some(&pending),
        json!({ "password": PASSWORD }),
    )
    .await
    .expect_problem(403, "second-factor-required");
}
on_both_engines!(pending, super::a_pending_login_cannot_renew_a_proof);

async fn a_right_code_restores_the_second_factor_budget_once_it_is_used(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let (secret, _) = app.enable_two_factor(&token).await;
    let token = app.login_with_code("ada", &app.totp_code(&secret)).await;
    app.next_step();
    let renew = |code: String| {
        app.post(
            "/v1/sessions/current/reauthenticate",
            Some(&token),
            json!({ "password": PASSWORD, "totp_code": code }),
        )
    };
    let wrong = || {
        if app.totp_code(&secret) == "000000" {
            "111111".to_owned()
        } else {
            "000000".to_owned()
        }
    };
    for _ in 0..4 {
        renew(wrong()).await.expect_invalid_fields(&["totp_code"]);
    }
    renew(app.totp_code(&secret)).await.expect(204);
    // Five more wrong codes are all judged: the right one gave the budget back.
    for _ in 0..5 {
        renew(wrong()).await.expect_invalid_fields(&["totp_code"]);
    }
    renew(wrong()).await.expect_invalid_fields(&["totp_code"]);
    renew(wrong())
        .await
        .expect_problem(429, "too-many-attempts");
}
on_both_engines!(
    budget_restored,
    super::a_right_code_restores_the_second_factor_budget_once_it_is_used
);
