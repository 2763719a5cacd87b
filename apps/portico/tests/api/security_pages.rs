//! `My account > Security` pages through the real router: username and password,
//! two-factor from enrolment to turning it off, the IP whitelist's guard, sessions
//! and the security log.

use crate::form_browser::{Browser, form_token_in, location, text};
use crate::support::{PASSWORD, TestApp, on_both_engines};

const NEW_PASSWORD: &str = "a fresh violet kettle hums";

/// The value of the hidden input `name` in `html`.
fn hidden_value(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        .to_owned()
}

async fn username_and_password_are_changed_from_the_security_page(app: &TestApp) {
    let api_token = app.signed_up("ada").await;
    let mut browser = Browser::new(app);
    browser.log_in("ada").await;

    let wrong = browser
        .submit(
            "/account/security",
            "/account/security/username",
            &[
                ("new_username", "augusta"),
                ("password", "not the password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", text(&wrong));
    assert!(
        text(&wrong).contains("value=\"augusta\""),
        "typed name kept"
    );
    let renamed = browser
        .submit(
            "/account/security",
            "/account/security/username",
            &[("new_username", "augusta"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        location(&renamed),
        "/account/security?done=username_changed"
    );
    let (html, _) = browser
        .form_token("/account/security?done=username_changed")
        .await;
    assert!(html.contains("id=\"signed-in-as\">augusta<"), "{html}");
    app.wait_for_mail("ada@example.com", "augusta").await;

    let weak = browser
        .submit(
            "/account/security",
            "/account/security/password",
            &[("current_password", PASSWORD), ("new_password", "augusta1")],
        )
        .await;
    assert_eq!(weak.status, 422, "{}", text(&weak));
    assert!(
        text(&weak).contains("id=\"new_password-error\""),
        "{}",
        text(&weak)
    );
    let changed = browser
        .submit(
            "/account/security",
            "/account/security/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        location(&changed),
        "/account/security?done=password_changed",
        "{}",
        text(&changed)
    );
    // Every other session ended; this browser's did not.
    app.get("/v1/me/profile", &api_token).await.expect(401);
    assert_eq!(browser.get("/account/security").await.status, 200);
    app.login("augusta", NEW_PASSWORD).await.expect(201);
}
on_both_engines!(
    username_and_password,
    super::username_and_password_are_changed_from_the_security_page
);

async fn two_factor_is_enrolled_used_renewed_and_turned_off(app: &TestApp) {
    app.signed_up("ada").await;
    let mut browser = Browser::new(app);
    browser.log_in("ada").await;

    let started = browser
        .submit(
            "/account/security/two-factor",
            "/account/security/two-factor/enrol",
            &[],
        )
        .await;
    assert_eq!(started.status, 200, "{}", text(&started));
    let html = text(&started);
    assert!(
        html.contains("src=\"data:image&#x2f;svg+xml;base64,"),
        "a QR code: {html}"
    );
    let secret = hidden_value(&html, "secret");
    let uri = hidden_value(&html, "otpauth_uri")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&");

    let token = form_token_in(&html);
    let wrong = browser
        .post(
            "/account/security/two-factor/confirm",
            &[
                ("code", "000000"),
                ("secret", &secret),
                ("otpauth_uri", &uri),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", text(&wrong));
    assert!(
        text(&wrong).contains("src=\"data:image&#x2f;svg+xml;base64,"),
        "the QR code again"
    );
    let code = app.totp_code(&secret);
    let confirmed = browser
        .post(
            "/account/security/two-factor/confirm",
            &[
                ("code", &code),
                ("secret", &secret),
                ("otpauth_uri", &uri),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(confirmed.status, 200, "{}", text(&confirmed));
    let html = text(&confirmed);
    let codes = html
        .split("readonly>")
        .nth(1)
        .and_then(|rest| rest.split("</textarea>").next())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    assert_eq!(codes.len(), 10, "{html}");
    assert!(html.contains("data-download=\"#recovery-codes\""), "{html}");
    app.next_step();

    // The next login asks for the second factor; a recovery code completes it.
    let (_, token) = browser.form_token("/account/security").await;
    browser.post("/logout", &[("csrf", &token)]).await;
    let (_, token) = browser.form_token("/login").await;
    let pending = browser
        .post(
            "/login",
            &[("login", "ada"), ("password", PASSWORD), ("csrf", &token)],
        )
        .await;
    assert_eq!(location(&pending), "/login/second-factor");
    let done = browser
        .submit(
            "/login/second-factor",
            "/login/second-factor",
            &[("code", &codes[0])],
        )
        .await;
    assert_eq!(location(&done), "/account/profile", "{}", text(&done));

    let renewed = browser
        .submit(
            "/account/security/two-factor",
            "/account/security/two-factor/recovery-codes",
            &[("password", PASSWORD), ("code", &app.totp_code(&secret))],
        )
        .await;
    assert_eq!(renewed.status, 200, "{}", text(&renewed));
    let fresh = text(&renewed)
        .split("readonly>")
        .nth(1)
        .and_then(|rest| rest.split("</textarea>").next())
        .unwrap()
        .lines()
        .count();
    assert_eq!(fresh, 10);
    assert!(
        !text(&renewed).contains(&codes[1]),
        "the old codes are gone"
    );
    app.next_step();

    let off = browser
        .submit(
            "/account/security/two-factor",
            "/account/security/two-factor/disable",
            &[("password", PASSWORD), ("code", &app.totp_code(&secret))],
        )
        .await;
    assert_eq!(
        location(&off),
        "/account/security/two-factor?done=two_factor_off",
        "{}",
        text(&off)
    );
    let token = app.token_for("ada").await;
    let status = app.get("/v1/me/two-factor", &token).await.json();
    assert_eq!(status["enabled"], false);
}
on_both_engines!(
    two_factor_pages,
    super::two_factor_is_enrolled_used_renewed_and_turned_off
);

async fn the_whitelist_refuses_to_shut_the_browser_out(app: &TestApp) {
    let api_token = app.signed_up("ada").await;
    let mut browser = Browser::new(app);
    browser.log_in("ada").await;
    let refused = browser
        .submit(
            "/account/security/ip-whitelist",
            "/account/security/ip-whitelist",
            &[("cidr", "192.0.2.0/24"), ("label", "office")],
        )
        .await;
    assert_eq!(refused.status, 409, "{}", text(&refused));
    assert!(
        text(&refused).contains("value=\"192.0.2.0&#x2f;24\""),
        "typed range kept"
    );
    let invalid = browser
        .submit(
            "/account/security/ip-whitelist",
            "/account/security/ip-whitelist",
            &[("cidr", "not a range")],
        )
        .await;
    assert_eq!(invalid.status, 422, "{}", text(&invalid));
    let listed = app.get("/v1/me/ip-whitelist", &api_token).await.json();
    assert_eq!(listed["items"], serde_json::json!([]));
}
on_both_engines!(
    whitelist_pages,
    super::the_whitelist_refuses_to_shut_the_browser_out
);

async fn sessions_are_listed_and_ended_and_the_log_is_paged(app: &TestApp) {
    let api_token = app.signed_up("ada").await;
    let mut browser = Browser::new(app);
    browser.log_in("ada").await;
    let (html, _) = browser.form_token("/account/security/sessions").await;
    assert_eq!(html.matches("class=\"card item\"").count(), 2, "{html}");
    assert!(html.contains("This browser"), "{html}");
    let other = html
        .split("action=\"/account/security/sessions/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    assert_ne!(other, "revoke-others");
    let ended = browser
        .submit(
            "/account/security/sessions",
            &format!("/account/security/sessions/{other}/revoke"),
            &[],
        )
        .await;
    assert_eq!(
        location(&ended),
        "/account/security/sessions?done=session_revoked"
    );
    app.get("/v1/me/profile", &api_token).await.expect(401);

    let second = app.token_for("ada").await;
    let third = app.token_for("ada").await;
    let all = browser
        .submit(
            "/account/security/sessions",
            "/account/security/sessions/revoke-others",
            &[],
        )
        .await;
    assert_eq!(
        location(&all),
        "/account/security/sessions?done=sessions_revoked"
    );
    app.get("/v1/me/profile", &second).await.expect(401);
    app.get("/v1/me/profile", &third).await.expect(401);
    assert_eq!(browser.get("/account/security/sessions").await.status, 200);

    // Enough events for a second page of the log.
    let token = app.token_for("ada").await;
    for n in 0..6 {
        let address = format!("ada{n}@example.org");
        let added = app
            .post(
                "/v1/me/emails",
                Some(&token),
                serde_json::json!({ "address": address }),
            )
            .await;
        added.expect(201);
        let id = added.json()["id"].as_str().unwrap().to_owned();
        app.delete(&format!("/v1/me/emails/{id}"), &token)
            .await
            .expect(204);
    }
    for n in 0..9 {
        let address = format!("ada{n}@example.net");
        browser
            .submit(
                "/account/emails",
                "/account/emails",
                &[("address", &address)],
            )
            .await;
    }
    let (first, _) = browser.form_token("/account/security/log").await;
    assert_eq!(first.matches("class=\"card item\"").count(), 25, "{first}");
    assert!(first.contains("Email address added"), "{first}");
    let next = first
        .split("/account/security/log?cursor=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let (older, _) = browser
        .form_token(&format!("/account/security/log?cursor={next}"))
        .await;
    assert!(older.contains("Logged in"), "{older}");
    assert!(
        older.contains("href=\"/account/security/log\""),
        "a way back: {older}"
    );
    let bad = browser.get("/account/security/log?cursor=forged").await;
    assert_eq!(bad.status, 400);
}
on_both_engines!(
    session_and_log_pages,
    super::sessions_are_listed_and_ended_and_the_log_is_paged
);

async fn every_account_form_refuses_a_post_without_its_token(app: &TestApp) {
    let api_token = app.signed_up("ada").await;
    let mut browser = Browser::new(app);
    browser.log_in("ada").await;
    let before = app.event_kinds(&api_token).await;
    let id = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    let forms = [
        "/account/profile".to_owned(),
        "/account/emails".to_owned(),
        format!("/account/emails/{id}"),
        format!("/account/emails/{id}/resend"),
        format!("/account/emails/{id}/primary"),
        format!("/account/emails/{id}/remove"),
        "/account/phones".to_owned(),
        format!("/account/phones/{id}"),
        format!("/account/phones/{id}/remove"),
        "/account/addresses".to_owned(),
        format!("/account/addresses/{id}"),
        format!("/account/addresses/{id}/remove"),
        "/account/company".to_owned(),
        "/account/company/remove".to_owned(),
        "/account/security/username".to_owned(),
        "/account/security/password".to_owned(),
        "/account/security/two-factor/enrol".to_owned(),
        "/account/security/two-factor/confirm".to_owned(),
        "/account/security/two-factor/recovery-codes".to_owned(),
        "/account/security/two-factor/disable".to_owned(),
        "/account/security/ip-whitelist".to_owned(),
        format!("/account/security/ip-whitelist/{id}/remove"),
        format!("/account/security/sessions/{id}/revoke"),
        "/account/security/sessions/revoke-others".to_owned(),
        "/account/delegates".to_owned(),
        format!("/account/delegates/{id}"),
        format!("/account/delegates/{id}/revoke"),
        "/account/affiliate/join".to_owned(),
        "/account/affiliate/links".to_owned(),
        format!("/account/affiliate/links/{id}/remove"),
        "/account/affiliate/payouts".to_owned(),
        "/account/affiliate/payouts/destinations".to_owned(),
        format!("/account/affiliate/payouts/destinations/{id}/remove"),
    ];
    for path in &forms {
        let forged = browser
            .post(
                path,
                &[
                    ("csrf", "forged"),
                    ("first_name", "Mallory"),
                    ("address", "mallory@example.net"),
                    ("new_username", "mallory"),
                    ("password", PASSWORD),
                    ("reauth_password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(forged.status, 403, "{path}: {}", text(&forged));
    }
    // Nothing was recorded, so nothing was done; the profile is as it was.
    assert_eq!(app.event_kinds(&api_token).await, before);
    let profile = app.get("/v1/me/profile", &api_token).await.json();
    assert_eq!(profile["first_name"], "Ada");
    assert_eq!(profile["username"], "ada");
}
on_both_engines!(
    forged_forms,
    super::every_account_form_refuses_a_post_without_its_token
);
