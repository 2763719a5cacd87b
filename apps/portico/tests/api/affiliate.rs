//! The affiliate program, from click to clawback.

use std::sync::Arc;

use poem::EndpointExt;
use poem::http::Method;
use poem::test::TestClient;
use serde_json::{Value, json};

use crate::support::{PLATFORM_TOKEN, TestApp, on_both_engines, read, registration};

pub async fn account_id(app: &TestApp, token: &str) -> String {
    app.get("/v1/me/profile", token).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn platform(app: &TestApp, path: &str, body: Value) -> Value {
    let reply = app.post(path, Some(PLATFORM_TOKEN), body).await;
    reply.expect(200);
    reply.json()
}

pub async fn pay(app: &TestApp, event: &str, account: &str, minor: i64) -> String {
    platform(
        app,
        "/v1/platform/affiliate/payments",
        json!({ "event_id": event, "account_id": account, "amount_minor": minor, "currency": "EUR" }),
    )
    .await["outcome"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn statuses(list: &Value) -> Vec<(i64, String)> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["amount"]["amount_minor"].as_i64().unwrap(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn from_click_to_clawback(app: &TestApp) {
    let mut ada = app.signed_up("ada").await;
    let overview = app.get("/v1/me/affiliate", &ada).await.json();
    assert_eq!(overview["status"], "not_joined");
    app.post("/v1/me/affiliate/links", Some(&ada), json!({}))
        .await
        .expect_problem(409, "not-affiliate");
    // Outside the program, a missing field is still refused first (the body is
    // read before anything else) ...
    app.post(
        "/v1/me/affiliate/payout-destinations",
        Some(&ada),
        json!({ "kind": "bank_transfer", "iban": "DE00 bad" }),
    )
    .await
    .expect_invalid_fields(&["account_holder"]);
    // ... but "join first" comes before anything about the values.
    app.post(
        "/v1/me/affiliate/payout-destinations",
        Some(&ada),
        json!({ "kind": "bank_transfer", "account_holder": "Ada", "iban": "DE00 bad" }),
    )
    .await
    .expect_problem(409, "not-affiliate");
    app.post("/v1/me/affiliate", Some(&ada), json!({}))
        .await
        .expect(200);

    app.post(
        "/v1/me/affiliate/links",
        Some(&ada),
        json!({ "landing_url": "javascript:alert(1)" }),
    )
    .await
    .expect_invalid_fields(&["landing_url"]);
    let link = app
        .post(
            "/v1/me/affiliate/links",
            Some(&ada),
            json!({ "landing_url": "https://shop.example/offer", "campaign": "spring" }),
        )
        .await;
    link.expect(201);
    let code = link.json()["code"].as_str().unwrap().to_owned();
    assert!(
        link.json()["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/r/{code}"))
    );

    // A click: recorded, cookie set, sent to the landing page.
    let click = app
        .call_with_headers(
            Method::GET,
            &format!("/r/{code}"),
            &[("user-agent", "browser")],
            None,
        )
        .await;
    assert_eq!(click.status.as_u16(), 302);
    assert_eq!(click.headers["location"], "https://shop.example/offer");
    let cookie = click.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with(&format!("portico_ref={code}.")));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert!(cookie.contains("Max-Age=2592000"));
    // An unknown code lands on the portal and records nothing.
    let stray = app
        .call_with_headers(Method::GET, "/r/zzzzzzzzzzzz", &[], None)
        .await;
    assert_eq!(stray.status.as_u16(), 302);
    assert_eq!(stray.headers["location"], "https://portal.example");
    assert!(stray.headers.get("set-cookie").is_none());
    // So does one that cannot be a code at all.
    let junk = app
        .call_with_headers(Method::GET, "/r/%3Cscript%3E", &[], None)
        .await;
    assert_eq!(junk.status.as_u16(), 302);
    assert_eq!(junk.headers["location"], "https://portal.example");
    assert!(junk.headers.get("set-cookie").is_none());
    assert_eq!(app.get("/v1/me/affiliate", &ada).await.json()["clicks"], 1);

    // The cookie's visitor registers and is referred.
    let cookie_pair = cookie.split(';').next().unwrap().to_owned();
    let registered = app
        .call_with_headers(
            Method::POST,
            "/v1/accounts",
            &[("cookie", cookie_pair.as_str())],
            Some(registration("bob")),
        )
        .await;
    assert_eq!(registered.status.as_u16(), 201);
    let bob_id = registered.json()["id"].as_str().unwrap().to_owned();
    let grace = app.signed_up("grace").await;
    let grace_id = account_id(app, &grace).await;
    let overview = app.get("/v1/me/affiliate", &ada).await.json();
    assert_eq!(overview["referrals"], 1);
    let referrals = app.get("/v1/me/affiliate/referrals", &ada).await.json();
    assert_eq!(referrals["items"][0]["link_id"], link.json()["id"]);
    assert!(
        !referrals.to_string().contains(&bob_id),
        "no referred identity shown"
    );

    // Payments: a pending tenth, idempotent, only for referred clients.
    assert_eq!(pay(app, "pay-1", &bob_id, 100_000).await, "recorded");
    assert_eq!(pay(app, "pay-1", &bob_id, 100_000).await, "duplicate");
    assert_eq!(pay(app, "pay-9", &grace_id, 100_000).await, "not_referred");
    let ledger = app.get("/v1/me/affiliate/commissions", &ada).await.json();
    assert_eq!(statuses(&ledger), vec![(10_000, "pending".to_owned())]);

    // Destinations: checked and masked.
    app.post(
        "/v1/me/affiliate/payout-destinations",
        Some(&ada),
        json!({ "kind": "bank_transfer", "account_holder": "Ada", "iban": "DE89370400440532013001" }),
    )
    .await
    .expect_invalid_fields(&["iban"]);
    app.post(
        "/v1/me/affiliate/payout-destinations",
        Some(&ada),
        json!({ "kind": "paypal", "email": "not an email" }),
    )
    .await
    .expect_invalid_fields(&["email"]);
    // A field the kind does not use is refused, not ignored unchecked.
    app.post(
        "/v1/me/affiliate/payout-destinations",
        Some(&ada),
        json!({ "kind": "bank_transfer", "account_holder": "Ada",
                "iban": "DE89 3704 0044 0532 0130 00", "email": "AAA" }),
    )
    .await
    .expect_invalid_fields(&["email"]);
    let destination = app
        .post(
            "/v1/me/affiliate/payout-destinations",
            Some(&ada),
            json!({ "kind": "bank_transfer", "account_holder": "Ada", "iban": "DE89 3704 0044 0532 0130 00" }),
        )
        .await;
    destination.expect(201);
    assert_eq!(
        destination.json()["description"],
        "bank account ending 3000"
    );
    let destination_id = destination.json()["id"].as_str().unwrap().to_owned();
    app.wait_for_mail("ada@example.com", "bank account ending 3000")
        .await;

    // Nothing approved yet: no payout.
    let request = json!({ "destination_id": destination_id });
    app.post("/v1/me/affiliate/payouts", Some(&ada), request.clone())
        .await
        .expect_problem(422, "payout-not-possible");

    // After the hold, the whole approved balance is paid, once.
    app.clock.advance(time::Duration::days(31));
    ada = app.token_for("ada").await;
    let payout = app
        .post("/v1/me/affiliate/payouts", Some(&ada), request.clone())
        .await;
    payout.expect(201);
    assert_eq!(
        payout.json()["amount"],
        json!({ "amount_minor": 10_000, "currency": "EUR" })
    );
    app.post("/v1/me/affiliate/payouts", Some(&ada), request.clone())
        .await
        .expect_problem(422, "payout-not-possible");
    let ledger = app.get("/v1/me/affiliate/commissions", &ada).await.json();
    assert_eq!(statuses(&ledger), vec![(10_000, "paid".to_owned())]);

    // A refund after payout claws back with a negative entry ...
    let refunded = platform(
        app,
        "/v1/platform/affiliate/refunds",
        json!({ "event_id": "ref-1", "payment_event_id": "pay-1" }),
    )
    .await;
    assert_eq!(refunded["outcome"], "clawed_back");
    let again = platform(
        app,
        "/v1/platform/affiliate/refunds",
        json!({ "event_id": "ref-1", "payment_event_id": "pay-1" }),
    )
    .await;
    assert_eq!(again["outcome"], "duplicate");
    // An event id that cannot be one is refused by its field, and changes nothing.
    for (body, field) in [
        (
            json!({ "event_id": " ", "payment_event_id": "pay-1" }),
            "event_id",
        ),
        (
            json!({ "event_id": "ref-9", "payment_event_id": "pay\n1" }),
            "payment_event_id",
        ),
        (
            json!({ "event_id": "x".repeat(101), "account_id": bob_id, "amount_minor": 100, "currency": "EUR" }),
            "event_id",
        ),
    ] {
        let path = if body.get("account_id").is_some() {
            "/v1/platform/affiliate/payments"
        } else {
            "/v1/platform/affiliate/refunds"
        };
        app.post(path, Some(PLATFORM_TOKEN), body)
            .await
            .expect_invalid_fields(&[field]);
    }
    let ledger = app.get("/v1/me/affiliate/commissions", &ada).await.json();
    assert_eq!(statuses(&ledger)[0], (-10_000, "approved".to_owned()));

    // ... which the next payout nets.
    assert_eq!(pay(app, "pay-2", &bob_id, 250_000).await, "recorded");
    app.clock.advance(time::Duration::days(31));
    ada = app.token_for("ada").await;
    let grace = app.token_for("grace").await;
    let netted = app
        .post("/v1/me/affiliate/payouts", Some(&ada), request.clone())
        .await;
    netted.expect(201);
    assert_eq!(netted.json()["amount"]["amount_minor"], 15_000);
    let payout_id = netted.json()["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/v1/platform/affiliate/payouts/{payout_id}/paid"),
        Some(PLATFORM_TOKEN),
        json!({}),
    )
    .await
    .expect(204);
    let payouts = app.get("/v1/me/affiliate/payouts", &ada).await.json();
    assert_eq!(payouts["items"][0]["status"], "paid");
    assert_eq!(payouts["items"][1]["status"], "requested");

    // Others see none of it.
    app.delete(
        &format!("/v1/me/affiliate/payout-destinations/{destination_id}"),
        &grace,
    )
    .await
    .expect_problem(404, "not-found");
    let link_id = link.json()["id"].as_str().unwrap().to_owned();
    app.delete(&format!("/v1/me/affiliate/links/{link_id}"), &grace)
        .await
        .expect_problem(404, "not-found");
    assert_eq!(
        app.get("/v1/me/affiliate", &grace).await.json()["status"],
        "not_joined"
    );
    let kinds = app.event_kinds(&ada).await;
    assert!(kinds.iter().any(|k| k == "payout_destination_added"));
}
on_both_engines!(click_to_clawback, super::from_click_to_clawback);

async fn with_the_program_off_nothing_answers_or_records(app: &TestApp) {
    let ada = app.signed_up("ada").await;
    app.post("/v1/me/affiliate", Some(&ada), json!({}))
        .await
        .expect(200);
    let code = app
        .post("/v1/me/affiliate/links", Some(&ada), json!({}))
        .await
        .json()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut services = (*app.services).clone();
    services.affiliate.enabled = false;
    let off = TestClient::new(portico::server::app(Arc::new(services)).boxed());

    for path in [
        "/v1/me/affiliate",
        "/v1/me/affiliate/links",
        "/v1/me/affiliate/payouts",
    ] {
        let reply = read(
            off.get(path)
                .header("authorization", format!("Bearer {ada}"))
                .send()
                .await
                .0,
        )
        .await;
        assert_eq!(reply.status.as_u16(), 404, "{path}");
    }
    let click = read(off.get(format!("/r/{code}")).send().await.0).await;
    assert_eq!(click.status.as_u16(), 404);
    assert_eq!(app.get("/v1/me/affiliate", &ada).await.json()["clicks"], 0);
}
on_both_engines!(
    program_off,
    super::with_the_program_off_nothing_answers_or_records
);

/// A landing URL with characters browsers leave bare but RFC 3986 does not allow is
/// answered, listed and followed escaped, so the answers hold their `uri` format.
async fn a_landing_url_is_answered_as_a_uri(app: &TestApp) {
    let ada = app.signed_up("ada").await;
    app.post("/v1/me/affiliate", Some(&ada), json!({}))
        .await
        .expect(200);
    let link = app
        .post(
            "/v1/me/affiliate/links",
            Some(&ada),
            json!({ "landing_url": "https://shop.example/offer?plan={vps}|^#top#faq" }),
        )
        .await;
    link.expect(201);
    let escaped = "https://shop.example/offer?plan=%7Bvps%7D%7C%5E#top%23faq";
    assert_eq!(link.json()["landing_url"], escaped);
    let listed = app.get("/v1/me/affiliate/links", &ada).await.json();
    assert_eq!(listed["items"][0]["landing_url"], escaped, "{listed}");

    let code = link.json()["code"].as_str().unwrap().to_owned();
    let click = app
        .call_with_headers(Method::GET, &format!("/r/{code}"), &[], None)
        .await;
    assert_eq!(click.status.as_u16(), 302);
    assert_eq!(click.headers["location"], escaped);
}
on_both_engines!(
    landing_url_as_uri,
    super::a_landing_url_is_answered_as_a_uri
);
