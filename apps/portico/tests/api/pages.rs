//! The client-area pages through the real router, as a browser without JavaScript
//! uses them: forms posted as `application/x-www-form-urlencoded`, the session in a
//! cookie, a token in every form.

use poem::Body;
use poem::http::Method;

use crate::form_browser::{Browser, form_token_in, location, session_cookie, set_cookie, text};
use crate::support::{PASSWORD, TestApp, on_both_engines};

async fn a_browser_logs_in_edits_its_profile_and_logs_out(app: &TestApp) {
    let api_token = app.signed_up("ada").await;
    let mut browser = Browser::new(app);

    let first = browser.get("/account/profile").await;
    assert_eq!(first.status, 303);
    assert_eq!(location(&first), "/login");

    browser.log_in("ada").await;
    let session = browser
        .cookies
        .iter()
        .find(|(name, _)| name == session_cookie(app))
        .unwrap()
        .1
        .clone();
    assert!(!session.is_empty());
    let (html, token) = browser.form_token("/account/profile").await;
    assert!(html.contains("value=\"Ada\""), "{html}");

    let saved = browser
        .post(
            "/account/profile",
            &[
                ("first_name", "Augusta"),
                ("last_name", "King"),
                ("language", "de-CH"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", text(&saved));
    let profile = app.get("/v1/me/profile", &api_token).await.json();
    assert_eq!(profile["first_name"], "Augusta");
    assert_eq!(profile["language"], "de-CH");
    let (german, token) = browser.form_token("/account/profile?saved").await;
    assert!(german.contains("<html lang=\"de\">"), "{german}");
    assert!(german.contains("Ihr Profil wurde gespeichert."), "{german}");
    // The API's messages are English on a German page, and say so.
    let refused = browser
        .post(
            "/account/profile",
            &[
                ("first_name", "Augusta"),
                ("last_name", "King"),
                ("language", "klingon!"),
                ("csrf", &token),
            ],
        )
        .await;
    let html = text(&refused);
    assert!(html.contains("<html lang=\"de\">"), "{html}");
    assert!(html.contains("id=\"language-error\" lang=\"en\""), "{html}");
    assert!(html.contains("role=\"alert\" lang=\"en\""), "{html}");

    let out = browser.post("/logout", &[("csrf", &token)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(location(&out), "/login");
    let after = browser.get("/account/profile").await;
    assert_eq!(after.status, 303, "a page after logout is refused");
    // The session itself ended, not only the cookie.
    let mut replay = Browser::new(app);
    replay.cookies.push((session_cookie(app).into(), session));
    assert_eq!(replay.get("/account/profile").await.status, 303);
}
on_both_engines!(
    sign_in_and_profile,
    super::a_browser_logs_in_edits_its_profile_and_logs_out
);

async fn a_form_without_its_token_changes_nothing(app: &TestApp) {
    let api_token = app.signed_up("ada").await;
    let mut browser = Browser::new(app);
    browser.log_in("ada").await;

    for forged in ["", "not-the-token"] {
        let reply = browser
            .post(
                "/account/profile",
                &[
                    ("first_name", "Mallory"),
                    ("last_name", "King"),
                    ("language", "en"),
                    ("csrf", forged),
                ],
            )
            .await;
        assert_eq!(reply.status, 403, "{}", text(&reply));
    }
    let profile = app.get("/v1/me/profile", &api_token).await.json();
    assert_eq!(profile["first_name"], "Ada");

    // A login form posted from elsewhere, without the browser's form cookie, fails too.
    let mut stranger = Browser::new(app);
    let reply = stranger
        .post(
            "/login",
            &[("login", "ada"), ("password", PASSWORD), ("csrf", "x")],
        )
        .await;
    assert_eq!(reply.status, 403);
    assert!(
        !stranger
            .cookies
            .iter()
            .any(|(name, _)| name == "portico_session")
    );
}
on_both_engines!(
    forms_need_their_token,
    super::a_form_without_its_token_changes_nothing
);

async fn the_pages_show_the_apis_words_beside_the_fields(app: &TestApp) {
    app.signed_up("ada").await;
    let mut browser = Browser::new(app);
    let (_, token) = browser.form_token("/login").await;
    let refused = browser
        .post(
            "/login",
            &[
                ("login", "ada"),
                ("password", "wrong password here"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "a form shown again, not an HTTP 401");
    assert!(text(&refused).contains("The login or the password is wrong."));

    browser.log_in("ada").await;
    let (_, token) = browser.form_token("/account/profile").await;
    let invalid = browser
        .post(
            "/account/profile",
            &[
                ("first_name", ""),
                ("last_name", "King"),
                ("language", "klingon!"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(invalid.status, 422);
    let html = text(&invalid);
    assert!(html.contains("id=\"language-error\""), "{html}");
    assert!(html.contains("id=\"first_name-error\""), "{html}");
    assert!(
        html.contains("value=\"klingon!\""),
        "what was typed stays: {html}"
    );
    assert!(
        invalid
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
}
on_both_engines!(
    field_errors,
    super::the_pages_show_the_apis_words_beside_the_fields
);

async fn logging_out_needs_the_form_token_and_ends_the_session(app: &TestApp) {
    app.signed_up("ada").await;
    let mut browser = Browser::new(app);
    let (_, token) = browser.form_token("/login").await;
    let opened = browser
        .post(
            "/login",
            &[("login", "ada"), ("password", PASSWORD), ("csrf", &token)],
        )
        .await;
    let cookie = set_cookie(&opened, session_cookie(app));
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(
        cookie.starts_with("__Host-") && cookie.contains("Secure"),
        "{cookie}"
    );

    // A forged logout, with the cookie but not the token, is refused.
    let forged = browser.post("/logout", &[("csrf", "forged")]).await;
    assert_eq!(forged.status, 403);
    assert_eq!(browser.get("/account/profile").await.status, 200);
    // One sent without any cookie (a cross-site post under SameSite=Lax) clears
    // nothing in the browser.
    let mut elsewhere = Browser::new(app);
    let blind = elsewhere.post("/logout", &[]).await;
    assert_eq!(blind.status, 303);
    assert!(blind.headers.get("set-cookie").is_none());
    assert_eq!(browser.get("/account/profile").await.status, 200);
}
on_both_engines!(
    logout,
    super::logging_out_needs_the_form_token_and_ends_the_session
);

async fn a_login_with_two_factor_on_completes_on_the_second_factor_page(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let (secret, _) = app.enable_two_factor(&token).await;
    let mut browser = Browser::new(app);
    let (_, form) = browser.form_token("/login").await;
    let pending = browser
        .post(
            "/login",
            &[("login", "ada"), ("password", PASSWORD), ("csrf", &form)],
        )
        .await;
    assert_eq!(pending.status, 303);
    assert_eq!(location(&pending), "/login/second-factor");

    // Waiting for its second factor, the session can open nothing else.
    let blocked = browser.get("/account/profile").await;
    assert_eq!(location(&blocked), "/login/second-factor");

    let (page, form) = browser.form_token("/login/second-factor").await;
    assert!(page.contains("action=\"/logout\""), "a way out: {page}");
    let forged = browser
        .post(
            "/login/second-factor",
            &[("code", &app.totp_code(&secret)), ("csrf", "x")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let wrong = browser
        .post(
            "/login/second-factor",
            &[("code", "000000"), ("csrf", &form)],
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", text(&wrong));
    let done = browser
        .post(
            "/login/second-factor",
            &[("code", &app.totp_code(&secret)), ("csrf", &form)],
        )
        .await;
    assert_eq!(done.status, 303, "{}", text(&done));
    assert_eq!(location(&done), "/account/profile");
    assert_eq!(browser.get("/account/profile").await.status, 200);
}
on_both_engines!(
    second_factor,
    super::a_login_with_two_factor_on_completes_on_the_second_factor_page
);

async fn a_person_registers_on_the_page_and_logs_in(app: &TestApp) {
    let mut browser = Browser::new(app);
    let (_, token) = browser.form_token("/register").await;
    let invalid = browser
        .post(
            "/register",
            &[
                ("username", "x"),
                ("email", "not an address"),
                ("password", "<b>ada</b>"),
                ("first_name", "<script>alert(1)</script>"),
                ("last_name", "Lovelace"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(invalid.status, 422);
    let html = text(&invalid);
    assert!(html.contains("id=\"username-error\""), "{html}");
    assert!(html.contains("id=\"email-error\""), "{html}");
    assert!(
        !html.contains("<script>alert(1)"),
        "what was typed is escaped: {html}"
    );
    assert!(
        !html.contains("&lt;b&gt;ada"),
        "the password is never shown back"
    );

    let opened = browser
        .post(
            "/register",
            &[
                ("username", "ada"),
                ("email", "ada@example.com"),
                ("password", PASSWORD),
                ("first_name", "Ada"),
                ("last_name", "Lovelace"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(opened.status, 303, "{}", text(&opened));
    assert_eq!(location(&opened), "/login?registered");
    browser.log_in("ada").await;
}
on_both_engines!(register, super::a_person_registers_on_the_page_and_logs_in);

async fn a_throttled_login_page_says_when_to_try_again(app: &TestApp) {
    app.signed_up("ada").await;
    let mut browser = Browser::new(app);
    let (_, token) = browser.form_token("/login").await;
    let mut last = None;
    for _ in 0..12 {
        let reply = browser
            .post(
                "/login",
                &[
                    ("login", "ada"),
                    ("password", "wrong password here"),
                    ("csrf", &token),
                ],
            )
            .await;
        if reply.status == 429 {
            last = Some(reply);
            break;
        }
    }
    let throttled = last.expect("the login form is throttled like the API");
    let wait: u64 = throttled.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0);
    assert!(throttled.content_type.starts_with("text/html"));
}
on_both_engines!(
    throttled,
    super::a_throttled_login_page_says_when_to_try_again
);

async fn a_form_the_page_cannot_read_gets_a_page(app: &TestApp) {
    let mut browser = Browser::new(app);
    browser.form_token("/login").await;
    let reply = crate::support::raw(
        app,
        Method::POST,
        "/login",
        "application/json",
        Body::from_string("{}".into()),
    )
    .await;
    assert!(reply.status.is_client_error(), "{}", reply.status);
    assert!(
        reply.content_type.starts_with("text/html"),
        "{}",
        reply.content_type
    );
    assert!(reply.headers.contains_key("content-security-policy"));
}
on_both_engines!(unreadable, super::a_form_the_page_cannot_read_gets_a_page);

async fn a_forgotten_password_is_reset_from_the_mailed_link(app: &TestApp) {
    app.signed_up("ada").await;
    let mut browser = Browser::new(app);
    let (_, token) = browser.form_token("/forgot-password").await;
    let asked = browser
        .post("/forgot-password", &[("login", "ada"), ("csrf", &token)])
        .await;
    assert_eq!(asked.status, 200);
    let unknown = browser
        .post("/forgot-password", &[("login", "nobody"), ("csrf", &token)])
        .await;
    assert_eq!(
        text(&asked),
        text(&unknown),
        "the same answer for any login"
    );

    let mail = app.wait_for_mail("ada@example.com", "reset-password").await;
    let reset_token = crate::support::link_token(&mail, "/reset-password");

    let page = browser
        .get(&format!("/reset-password?token={reset_token}"))
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.headers["referrer-policy"], "no-referrer");
    let form = form_token_in(&text(&page));
    let new_password = "amber lantern drifts north";
    let done = browser
        .post(
            "/reset-password",
            &[
                ("token", &reset_token),
                ("new_password", new_password),
                ("totp_code", ""),
                ("csrf", &form),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", text(&done));
    assert_eq!(location(&done), "/login?reset");
    app.login("ada", new_password).await.expect(201);

    let again = browser
        .post(
            "/reset-password",
            &[
                ("token", &reset_token),
                ("new_password", "quiet harbour lamps"),
                ("totp_code", ""),
                ("csrf", &form),
            ],
        )
        .await;
    assert!(again.status.is_client_error(), "a used link is refused");
    app.login("ada", new_password).await.expect(201);
}
on_both_engines!(
    password_reset,
    super::a_forgotten_password_is_reset_from_the_mailed_link
);
