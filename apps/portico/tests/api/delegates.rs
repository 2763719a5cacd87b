//! Delegates: the whole story from product sync to revocation.

use serde_json::{Value, json};

use crate::support::{PLATFORM_TOKEN, TestApp, link_token, on_both_engines, verification_link};

pub async fn account_id(app: &TestApp, token: &str) -> String {
    app.get("/v1/me/profile", token).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Verifies the registration address of `username` with the welcome mail's link.
pub async fn verify_registration_email(app: &TestApp, username: &str, token: &str) {
    let address = format!("{username}@example.com");
    let mail = app.wait_for_mail(&address, "/verify-email?email=").await;
    let (id, secret) = verification_link(&mail);
    app.post(
        &format!("/v1/me/emails/{id}/verify"),
        Some(token),
        json!({ "token": secret }),
    )
    .await
    .expect(200);
}

pub async fn put_product(app: &TestApp, account: &str, product: &str) {
    app.put(
        &format!("/v1/platform/accounts/{account}/products/{product}"),
        PLATFORM_TOKEN,
        json!({ "name": format!("Product {product}") }),
    )
    .await
    .expect(204);
}

pub async fn allowed(app: &TestApp, actor: &str, account: &str, product: &str) -> bool {
    let reply = app
        .get(
            &format!("/v1/platform/access?actor={actor}&account={account}&product={product}"),
            PLATFORM_TOKEN,
        )
        .await;
    reply.expect(200);
    reply.json()["allowed"].as_bool().unwrap()
}

fn scope_products(ids: &[&str]) -> Value {
    json!({ "products": ids })
}

async fn a_delegate_is_invited_accepts_acts_within_scope_and_loses_access(app: &TestApp) {
    let ada = app.signed_up("ada").await;
    let bob = app.signed_up("bob").await;
    let carl = app.signed_up("carl").await;
    verify_registration_email(app, "carl", &carl).await;
    let (ada_id, bob_id, carl_id) = (
        account_id(app, &ada).await,
        account_id(app, &bob).await,
        account_id(app, &carl).await,
    );
    put_product(app, &ada_id, "p1").await;
    put_product(app, &ada_id, "p2").await;
    let products = app.get("/v1/me/products", &ada).await.json();
    assert_eq!(products["items"].as_array().unwrap().len(), 2);
    assert_eq!(products["items"][0]["name"], "Product p1");

    // Refused invitations change nothing.
    app.post(
        "/v1/me/delegates",
        Some(&ada),
        json!({ "email": "bob@example.com", "scope": scope_products(&["p1", "p9"]) }),
    )
    .await
    .expect_invalid_fields(&["scope"]);
    app.post(
        "/v1/me/delegates",
        Some(&ada),
        json!({ "email": "ADA@example.com", "scope": { "all": true } }),
    )
    .await
    .expect_invalid_fields(&["email"]);
    app.post(
        "/v1/me/delegates",
        Some(&ada),
        json!({ "email": "bob@example.com", "scope": { "all": true, "products": ["p1"] } }),
    )
    .await
    .expect_invalid_fields(&["scope"]);

    let invited = app
        .post(
            "/v1/me/delegates",
            Some(&ada),
            json!({ "email": "bob@example.com", "scope": scope_products(&["p1"]) }),
        )
        .await;
    invited.expect(201);
    let delegate_id = invited.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(invited.json()["status"], "pending");
    let mail = app
        .wait_for_mail("bob@example.com", "accept-invitation?token=")
        .await;
    let token = link_token(&mail, "/accept-invitation");
    let accept = |session: &str| {
        let session = session.to_owned();
        let token = token.clone();
        async move {
            app.post(
                "/v1/delegate-invitations/accept",
                Some(&session),
                json!({ "token": token }),
            )
            .await
        }
    };

    // Only the account holding the invited address, verified, can accept.
    accept(&carl)
        .await
        .expect_problem(403, "invitation-not-for-you");
    accept(&bob)
        .await
        .expect_problem(403, "invitation-not-for-you");
    accept(&ada)
        .await
        .expect_problem(403, "invitation-not-for-you");
    verify_registration_email(app, "bob", &bob).await;
    let accepted = accept(&bob).await;
    accepted.expect(200);
    assert_eq!(accepted.json()["status"], "active");
    accept(&bob).await.expect_problem(422, "invalid-token");
    app.wait_for_mail("ada@example.com", "accepted your invitation")
        .await;

    // Decisions follow the scope.
    assert!(allowed(app, &bob_id, &ada_id, "p1").await);
    assert!(!allowed(app, &bob_id, &ada_id, "p2").await);
    assert!(allowed(app, &ada_id, &ada_id, "p2").await);
    assert!(!allowed(app, &carl_id, &ada_id, "p1").await);
    let reach = app.get("/v1/me/delegated-accounts", &bob).await.json();
    assert_eq!(reach["items"][0]["account_id"], ada_id.as_str());
    assert_eq!(reach["items"][0]["products"].as_array().unwrap().len(), 1);

    // Widened to all: today's products and tomorrow's.
    let path = format!("/v1/me/delegates/{delegate_id}");
    app.patch(&path, &carl, json!({ "scope": { "all": true } }))
        .await
        .expect_problem(404, "not-found");
    let widened = app
        .patch(&path, &ada, json!({ "scope": { "all": true } }))
        .await;
    widened.expect(200);
    assert_eq!(widened.json()["scope"], json!({ "all": true }));
    assert!(allowed(app, &bob_id, &ada_id, "p2").await);
    put_product(app, &ada_id, "p3").await;
    assert!(allowed(app, &bob_id, &ada_id, "p3").await);
    app.delete(
        &format!("/v1/platform/accounts/{ada_id}/products/p3"),
        PLATFORM_TOKEN,
    )
    .await
    .expect(204);
    assert!(!allowed(app, &bob_id, &ada_id, "p3").await);

    // Revoked: gone at the next decision, and the delegate is told.
    app.delete(&path, &carl)
        .await
        .expect_problem(404, "not-found");
    app.delete(&path, &ada).await.expect(204);
    assert!(!allowed(app, &bob_id, &ada_id, "p1").await);
    let reach = app.get("/v1/me/delegated-accounts", &bob).await.json();
    assert_eq!(reach["items"], json!([]));
    app.wait_for_mail("bob@example.com", "revoked your access")
        .await;
    app.delete(&path, &ada)
        .await
        .expect_problem(404, "not-found");

    let kinds = app.event_kinds(&ada).await;
    for kind in [
        "delegate_invited",
        "delegate_accepted",
        "delegate_scope_changed",
        "delegate_revoked",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
}
on_both_engines!(
    full_story,
    super::a_delegate_is_invited_accepts_acts_within_scope_and_loses_access
);

async fn a_new_invitation_supersedes_the_pending_one_and_platform_input_is_checked(app: &TestApp) {
    let ada = app.signed_up("ada").await;
    let ada_id = account_id(app, &ada).await;
    put_product(app, &ada_id, "p1").await;
    let invite = || {
        app.post(
            "/v1/me/delegates",
            Some(&ada),
            json!({ "email": "dee@example.com", "scope": { "all": true } }),
        )
    };
    invite().await.expect(201);
    let first = link_token(
        &app.wait_for_mail("dee@example.com", "accept-invitation?token=")
            .await,
        "/accept-invitation",
    );
    invite().await.expect(201);
    let list = app.get("/v1/me/delegates", &ada).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    let dee = app.signed_up("dee").await;
    verify_registration_email(app, "dee", &dee).await;
    app.post(
        "/v1/delegate-invitations/accept",
        Some(&dee),
        json!({ "token": first }),
    )
    .await
    .expect_problem(422, "invalid-token");

    // The platform API needs its token and well-formed ids.
    app.put(
        &format!("/v1/platform/accounts/{ada_id}/products/p2"),
        &ada,
        json!({}),
    )
    .await
    .expect_problem(401, "unauthenticated");
    app.put(
        &format!("/v1/platform/accounts/{ada_id}/products/bad%20id"),
        PLATFORM_TOKEN,
        json!({}),
    )
    .await
    .expect_invalid_fields(&["product_id"]);
    let unknown = "0190f2c4-0000-7000-8000-000000000000";
    app.put(
        &format!("/v1/platform/accounts/{unknown}/products/p2"),
        PLATFORM_TOKEN,
        json!({}),
    )
    .await
    .expect_problem(404, "not-found");
    app.get(
        &format!("/v1/platform/access?actor=nobody&account={ada_id}&product=p1"),
        PLATFORM_TOKEN,
    )
    .await
    .expect_invalid_fields(&["actor"]);
}
on_both_engines!(
    supersede_and_platform_input,
    super::a_new_invitation_supersedes_the_pending_one_and_platform_input_is_checked
);
