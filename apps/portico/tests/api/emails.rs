//! Adding, verifying, choosing and editing email addresses, through the mail.

use serde_json::json;

use crate::support::{PASSWORD, TestApp, on_both_engines, verification_link};

/// Delivers pending mail and returns the verification link of the latest message
/// to `address`.
async fn link_sent_to(app: &TestApp, address: &str) -> (String, String) {
    app.deliver().await;
    let received = app.sink.received();
    let mail = received
        .iter()
        .rev()
        .find(|mail| mail.to.iter().any(|to| to == address))
        .unwrap_or_else(|| panic!("no mail to {address}"));
    verification_link(&mail.data)
}

async fn an_added_address_is_verified_with_the_mailed_token_once(app: &TestApp) {
    let ada = app.signed_up("ada").await;
    let mallory = app.signed_up("mallory").await;

    let added = app
        .post(
            "/v1/me/emails",
            Some(&ada),
            json!({ "address": "Work@Example.com" }),
        )
        .await;
    added.expect(201);
    let added = added.json();
    assert_eq!(added["verified"], false);
    assert_eq!(added["primary"], false);
    let id = added["id"].as_str().unwrap().to_owned();

    let (email, token) = link_sent_to(app, "work@example.com").await;
    assert_eq!(email, id);
    let path = format!("/v1/me/emails/{id}/verify");
    app.post(&path, Some(&ada), json!({ "token": "not-the-token" }))
        .await
        .expect_problem(422, "invalid-token");
    app.post(&path, Some(&mallory), json!({ "token": token }))
        .await
        .expect_problem(404, "not-found");
    let verified = app.post(&path, Some(&ada), json!({ "token": token })).await;
    verified.expect(200);
    assert_eq!(verified.json()["verified"], true);

    // A verified secondary address logs in.
    app.login("work@example.com", PASSWORD).await.expect(201);
    app.post(
        "/v1/me/emails",
        Some(&ada),
        json!({ "address": "work@example.com" }),
    )
    .await
    .expect_problem(409, "email-taken");
    app.post(
        "/v1/me/emails",
        Some(&ada),
        json!({ "address": "not an address" }),
    )
    .await
    .expect_invalid_fields(&["address"]);
}
on_both_engines!(
    verify,
    super::an_added_address_is_verified_with_the_mailed_token_once
);

async fn an_expired_token_no_longer_verifies(app: &TestApp) {
    let ada = app.signed_up("ada").await;
    let id = app
        .post(
            "/v1/me/emails",
            Some(&ada),
            json!({ "address": "work@example.com" }),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, token) = link_sent_to(app, "work@example.com").await;

    app.clock.advance(time::Duration::hours(25));
    let ada = app.token_for("ada").await;

    app.post(
        &format!("/v1/me/emails/{id}/verify"),
        Some(&ada),
        json!({ "token": token }),
    )
    .await
    .expect_problem(422, "invalid-token");
}
on_both_engines!(expiry, super::an_expired_token_no_longer_verifies);

async fn a_verified_address_becomes_primary_and_the_old_one_is_told(app: &TestApp) {
    let ada = app.signed_up("ada").await;
    // Confirm the registration address with the welcome mail's link.
    let (registration_id, welcome_token) = link_sent_to(app, "ada@example.com").await;
    app.post(
        &format!("/v1/me/emails/{registration_id}/verify"),
        Some(&ada),
        json!({ "token": welcome_token }),
    )
    .await
    .expect(200);
    let id = app
        .post(
            "/v1/me/emails",
            Some(&ada),
            json!({ "address": "new@example.com" }),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/v1/me/emails/{id}/primary"),
        Some(&ada),
        json!({}),
    )
    .await
    .expect_problem(409, "email-not-verified");
    let (_, token) = link_sent_to(app, "new@example.com").await;
    app.post(
        &format!("/v1/me/emails/{id}/verify"),
        Some(&ada),
        json!({ "token": token }),
    )
    .await
    .expect(200);

    let primary = app
        .post(
            &format!("/v1/me/emails/{id}/primary"),
            Some(&ada),
            json!({}),
        )
        .await;
    primary.expect(200);
    assert_eq!(primary.json()["primary"], true);

    app.deliver().await;
    let notice = app.sink.received().last().unwrap().clone();
    assert_eq!(notice.to, vec!["ada@example.com"]);
    assert!(notice.data.contains("new@example.com"));
    let emails = app.get("/v1/me/emails", &ada).await.json();
    let primaries: Vec<_> = emails["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["primary"] == true)
        .map(|e| e["address"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(primaries, vec!["new@example.com"]);
}
on_both_engines!(
    primary,
    super::a_verified_address_becomes_primary_and_the_old_one_is_told
);

async fn an_edited_address_must_be_verified_again_and_the_primary_cannot_be_edited(app: &TestApp) {
    let ada = app.signed_up("ada").await;
    let emails = app.get("/v1/me/emails", &ada).await.json();
    let primary_id = emails["items"][0]["id"].as_str().unwrap().to_owned();
    app.patch(
        &format!("/v1/me/emails/{primary_id}"),
        &ada,
        json!({ "address": "x@example.com" }),
    )
    .await
    .expect_problem(409, "primary-email");

    let id = app
        .post(
            "/v1/me/emails",
            Some(&ada),
            json!({ "address": "old@example.com" }),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, first_token) = link_sent_to(app, "old@example.com").await;
    let edited = app
        .patch(
            &format!("/v1/me/emails/{id}"),
            &ada,
            json!({ "address": "fresh@example.com" }),
        )
        .await;
    edited.expect(200);
    assert_eq!(edited.json()["address"], "fresh@example.com");
    assert_eq!(edited.json()["verified"], false);
    let (_, second_token) = link_sent_to(app, "fresh@example.com").await;

    let path = format!("/v1/me/emails/{id}/verify");
    app.post(&path, Some(&ada), json!({ "token": first_token }))
        .await
        .expect_problem(422, "invalid-token");
    app.post(&path, Some(&ada), json!({ "token": second_token }))
        .await
        .expect(200);
    app.delete(&format!("/v1/me/emails/{id}"), &ada)
        .await
        .expect_problem(409, "last-verified-email");
}
on_both_engines!(
    edit,
    super::an_edited_address_must_be_verified_again_and_the_primary_cannot_be_edited
);

async fn an_unverified_former_primary_learns_nothing_of_the_new_address(app: &TestApp) {
    let ada = app.signed_up("ada").await;
    let id = app
        .post(
            "/v1/me/emails",
            Some(&ada),
            json!({ "address": "new@example.com" }),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, token) = link_sent_to(app, "new@example.com").await;
    app.post(
        &format!("/v1/me/emails/{id}/verify"),
        Some(&ada),
        json!({ "token": token }),
    )
    .await
    .expect(200);
    let before = app.sink.received().len();

    app.post(
        &format!("/v1/me/emails/{id}/primary"),
        Some(&ada),
        json!({}),
    )
    .await
    .expect(200);
    app.deliver().await;

    assert_eq!(
        app.sink.received().len(),
        before,
        "no notice to an unverified address"
    );
}
on_both_engines!(
    unverified_former,
    super::an_unverified_former_primary_learns_nothing_of_the_new_address
);
