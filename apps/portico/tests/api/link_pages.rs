//! Pages that mailed links open, through the real router: the token leaves the
//! address bar, waits for a login, and is used only by the owner's posted form.

use crate::form_browser::{Browser, location, text};
use crate::support::{TestApp, on_both_engines, verification_link};

async fn a_mailed_verification_link_confirms_the_address_once(app: &TestApp) {
    let api_token = app.signed_up("ada").await;
    let added = app
        .post(
            "/v1/me/emails",
            Some(&api_token),
            serde_json::json!({ "address": "ada@work.example" }),
        )
        .await;
    added.expect(201);
    let mail = app
        .wait_for_mail("ada@work.example", "/verify-email?email=")
        .await;
    let (email, token) = verification_link(&mail);
    let link = format!("/verify-email?email={email}&token={token}");

    // Opened signed out: kept in a cookie, the address bar cleared, a login asked for.
    let mut browser = Browser::new(app);
    let opened = browser.get(&link).await;
    assert_eq!(opened.status, 303);
    assert_eq!(location(&opened), "/verify-email");
    assert_eq!(opened.headers["referrer-policy"], "no-referrer");
    let waiting = browser.get("/verify-email").await;
    assert_eq!(location(&waiting), "/login?link");
    let (_, form) = browser.form_token("/login?link").await;
    let logged_in = browser
        .post(
            "/login",
            &[
                ("login", "ada"),
                ("password", crate::support::PASSWORD),
                ("csrf", &form),
            ],
        )
        .await;
    assert_eq!(location(&logged_in), "/verify-email", "back to the link");

    // Looking at the page (as a mail scanner would) confirms nothing.
    let (html, _) = browser.form_token("/verify-email").await;
    assert!(html.contains("ada@work.example"), "{html}");
    let unconfirmed = app.get("/v1/me/emails", &api_token).await.json();
    assert!(
        unconfirmed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|item| item["verified"] == false || item["address"] != "ada@work.example")
    );

    let confirmed = browser.submit("/verify-email", "/verify-email", &[]).await;
    assert_eq!(
        location(&confirmed),
        "/account/emails?done=email_verified",
        "{}",
        text(&confirmed)
    );
    let listed = app.get("/v1/me/emails", &api_token).await.json();
    let work = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["address"] == "ada@work.example")
        .unwrap()
        .clone();
    assert_eq!(work["verified"], true);
    // After use, the link is forgotten: the login goes to the account again.
    assert_eq!(browser.get("/verify-email").await.status, 404);

    // The same link a second time finds the address confirmed, as the API does.
    browser.get(&link).await;
    let again = browser.submit("/verify-email", "/verify-email", &[]).await;
    assert_eq!(location(&again), "/account/emails?done=email_verified");
    // A forged token for an address still waiting is refused.
    app.post(
        "/v1/me/emails",
        Some(&api_token),
        serde_json::json!({ "address": "ada@home.example" }),
    )
    .await
    .expect(201);
    let mail = app
        .wait_for_mail("ada@home.example", "/verify-email?email=")
        .await;
    let (home, _) = verification_link(&mail);
    browser
        .get(&format!("/verify-email?email={home}&token=forged-token"))
        .await;
    let forged = browser.submit("/verify-email", "/verify-email", &[]).await;
    assert_eq!(forged.status, 422, "{}", text(&forged));
    assert_eq!(
        browser.get("/verify-email").await.status,
        404,
        "a refused link is dropped"
    );

    // Another account that opens it is told the address is not its own.
    app.signed_up("bob").await;
    let mut bob = Browser::new(app);
    bob.log_in("bob").await;
    bob.get(&link).await;
    let foreign = bob.get("/verify-email").await;
    assert_eq!(foreign.status, 404, "{}", text(&foreign));
    assert!(text(&foreign).contains("another account"));

    // A link cut short is explained, and nothing is kept.
    let mut stranger = Browser::new(app);
    let cut = stranger.get("/verify-email?email=x&token=a%20b").await;
    assert_eq!(cut.status, 404);
    assert!(stranger.cookies.is_empty());
}
on_both_engines!(
    verify_email_page,
    super::a_mailed_verification_link_confirms_the_address_once
);
