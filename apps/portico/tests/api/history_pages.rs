//! `My account > Email history` through the real router: the list with its status
//! filter and pages, one message with its redacted body in a sandboxed frame, and
//! another account's message refused.

use crate::form_browser::{Browser, text};
use crate::support::{TestApp, on_both_engines};

async fn the_email_history_lists_filters_pages_and_opens_messages(app: &TestApp) {
    let api_token = app.signed_up("ada").await;
    // Enough mail for a second page: a verification mail per added address.
    for n in 0..26 {
        let added = app
            .post(
                "/v1/me/emails",
                Some(&api_token),
                serde_json::json!({ "address": format!("ada{n}@example.org") }),
            )
            .await;
        added.expect(201);
        let id = added.json()["id"].as_str().unwrap().to_owned();
        app.delete(&format!("/v1/me/emails/{id}"), &api_token)
            .await
            .expect(204);
    }
    app.deliver().await;
    let mut browser = Browser::new(app);
    browser.log_in("ada").await;

    let list = browser.get("/account/messages").await;
    let policy = list.headers["content-security-policy"].to_str().unwrap();
    assert!(
        !policy.contains("frame-src"),
        "only the message page frames: {policy}"
    );
    let (first, _) = browser.form_token("/account/messages").await;
    assert_eq!(first.matches("class=\"card item message\"").count(), 25);
    assert!(first.contains("class=\"badge sent\""), "{first}");
    assert!(first.contains("ada25@example.org"), "newest first: {first}");
    let next = first
        .split("cursor=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let (older, _) = browser
        .form_token(&format!("/account/messages?cursor={next}"))
        .await;
    assert!(
        older.contains("ada0@example.org") || older.contains("Welcome"),
        "{older}"
    );
    assert!(!older.contains("ada25@example.org"), "{older}");

    let (failed, _) = browser.form_token("/account/messages?status=failed").await;
    assert!(failed.contains("No mail here."), "{failed}");
    let (all, _) = browser.form_token("/account/messages?status=").await;
    assert_eq!(all.matches("class=\"card item message\"").count(), 25);
    assert_eq!(
        browser.get("/account/messages?status=lost").await.status,
        400
    );

    let id = first
        .split("href=\"/account/messages/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let page = browser.get(&format!("/account/messages/{id}")).await;
    let policy = page.headers["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains("frame-src 'self';") && !policy.contains("script-src"),
        "{policy}"
    );
    let (message, _) = browser.form_token(&format!("/account/messages/{id}")).await;
    assert!(message.contains("ada25@example.org"), "{message}");
    // Escaped as HTML (`/` is `&#x2f;`), and with the token redacted as stored.
    assert!(message.contains("verify-email?email="), "{message}");
    assert!(message.contains("&amp;token=REDACTED"), "{message}");
    assert!(message.contains("<iframe class=\"mail\""), "{message}");
    let html = browser.get(&format!("/account/messages/{id}/html")).await;
    assert_eq!(html.status, 200);
    let policy = html.headers["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains("sandbox") && policy.contains("frame-ancestors 'self'"),
        "{policy}"
    );
    assert_eq!(html.headers["x-frame-options"], "SAMEORIGIN");

    app.signed_up("bob").await;
    let mut bob = Browser::new(app);
    bob.log_in("bob").await;
    let foreign = bob.get(&format!("/account/messages/{id}")).await;
    assert_eq!(foreign.status, 404, "{}", text(&foreign));
    assert_eq!(
        bob.get(&format!("/account/messages/{id}/html"))
            .await
            .status,
        404
    );
    assert_eq!(bob.get("/account/messages/not-an-id").await.status, 404);
}
on_both_engines!(
    history_pages,
    super::the_email_history_lists_filters_pages_and_opens_messages
);
