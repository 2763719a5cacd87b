//! IP whitelists, enforced by the real server on connections from two loopback
//! source addresses: 127.0.0.1 ("here") and 127.0.0.2 ("there").

use std::sync::Arc;

use serde_json::{Value, json};

use crate::live::LiveServer;
use crate::support::{PASSWORD, PLATFORM_TOKEN, TestApp, on_both_engines, registration};

const HERE: &str = "127.0.0.1";
const THERE: &str = "127.0.0.2";

/// Registers `username` and logs in from `from`; returns the token.
async fn signed_up(server: &LiveServer, username: &str, from: &str) -> String {
    let (status, _) = server
        .send(
            from,
            "POST",
            "/v1/accounts",
            None,
            Some(&registration(username)),
            &[],
        )
        .await;
    assert_eq!(status, 201);
    let (status, body) = login(server, username, PASSWORD, from).await;
    assert_eq!(status, 201, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

async fn login(server: &LiveServer, login: &str, password: &str, from: &str) -> (u16, Value) {
    server
        .send(
            from,
            "POST",
            "/v1/sessions",
            None,
            Some(&json!({ "login": login, "password": password })),
            &[],
        )
        .await
}

async fn add(server: &LiveServer, token: &str, cidr: &str, from: &str) -> (u16, Value) {
    server
        .send(
            from,
            "POST",
            "/v1/me/ip-whitelist",
            Some(token),
            Some(&json!({ "cidr": cidr, "label": "test" })),
            &[],
        )
        .await
}

async fn remove(server: &LiveServer, token: &str, id: &str, from: &str) -> u16 {
    server
        .send(
            from,
            "DELETE",
            &format!("/v1/me/ip-whitelist/{id}"),
            Some(token),
            None,
            &[],
        )
        .await
        .0
}

async fn profile(server: &LiveServer, token: &str, from: &str) -> (u16, Value) {
    server
        .send(from, "GET", "/v1/me/profile", Some(token), None, &[])
        .await
}

fn slug(body: &Value) -> &str {
    body["type"]
        .as_str()
        .unwrap_or_default()
        .trim_start_matches("urn:portico:problem:")
}

async fn the_whitelist_admits_only_listed_addresses_and_never_locks_its_author_out(app: &TestApp) {
    let server = LiveServer::start(app.services.clone()).await;
    let token = signed_up(&server, "ada", HERE).await;
    let grace = signed_up(&server, "grace", THERE).await;

    // The first entry must cover the caller.
    let (status, body) = add(&server, &token, THERE, HERE).await;
    assert_eq!((status, slug(&body)), (409, "whitelist-lockout"));
    // Claiming to be there through a forged header does not help.
    let (status, body) = server
        .send(
            HERE,
            "POST",
            "/v1/me/ip-whitelist",
            Some(&token),
            Some(&json!({ "cidr": THERE })),
            &[("X-Forwarded-For", THERE)],
        )
        .await;
    assert_eq!((status, slug(&body)), (409, "whitelist-lockout"));
    let (status, here) = add(&server, &token, "127.0.0.1/32", HERE).await;
    assert_eq!(status, 201, "{here}");
    assert_eq!(here["cidr"], "127.0.0.1/32");

    // A session opened before the change is refused from the other address, and a
    // forged X-Forwarded-For from an untrusted peer changes nothing.
    let (status, body) = profile(&server, &token, THERE).await;
    assert_eq!((status, slug(&body)), (403, "address-not-allowed"));
    let (status, _) = server
        .send(
            THERE,
            "GET",
            "/v1/me/profile",
            Some(&token),
            None,
            &[("X-Forwarded-For", HERE)],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(profile(&server, &token, HERE).await.0, 200);

    // Logins: the right password from outside is refused; a wrong one says nothing
    // about the list.
    let (status, body) = login(&server, "ada", PASSWORD, THERE).await;
    assert_eq!((status, slug(&body)), (403, "address-not-allowed"));
    let (status, body) = login(&server, "ada", "not the password", THERE).await;
    assert_eq!((status, slug(&body)), (401, "invalid-credentials"));
    let (status, _) = server
        .send(
            THERE,
            "POST",
            "/v1/sessions",
            None,
            Some(&json!({ "login": "ada", "password": PASSWORD })),
            &[("X-Forwarded-For", HERE)],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(login(&server, "ada", PASSWORD, HERE).await.0, 201);

    // Other accounts are unaffected, and cannot see or remove ada's entries.
    assert_eq!(profile(&server, &grace, THERE).await.0, 200);
    let here_id = here["id"].as_str().unwrap().to_owned();
    assert_eq!(remove(&server, &grace, &here_id, THERE).await, 404);

    // With a second entry, ada gets in from there too; the entry covering the
    // caller cannot go while others remain; the last one can.
    let (status, there) = add(&server, &token, "127.0.0.2", HERE).await;
    assert_eq!(status, 201);
    let there_id = there["id"].as_str().unwrap().to_owned();
    assert_eq!(profile(&server, &token, THERE).await.0, 200);
    let (status, body) = server
        .send(
            HERE,
            "DELETE",
            &format!("/v1/me/ip-whitelist/{here_id}"),
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!((status, slug(&body)), (409, "whitelist-lockout"));
    assert_eq!(remove(&server, &token, &there_id, HERE).await, 204);
    assert_eq!(profile(&server, &token, THERE).await.0, 403);
    assert_eq!(remove(&server, &token, &here_id, HERE).await, 204);
    assert_eq!(profile(&server, &token, THERE).await.0, 200);

    // Platform requests are not the account's: the list never applied to them.
    let (status, _) = server
        .send(
            THERE,
            "POST",
            "/v1/platform/mail/bounces",
            Some(PLATFORM_TOKEN),
            Some(&json!({ "message_id": "<nothing@example.com>", "reason": "550 gone" })),
            &[],
        )
        .await;
    assert_eq!(status, 404, "an unknown message, not a refused address");

    // Every change and every refusal is in the audit trail, with the address.
    let (_, events) = server
        .send(
            HERE,
            "GET",
            "/v1/me/security-events?limit=200",
            Some(&token),
            None,
            &[],
        )
        .await;
    let events = events["items"].as_array().unwrap().clone();
    let has = |kind: &str, detail: &str| {
        events
            .iter()
            .any(|e| e["kind"] == kind && e["detail"].as_str().is_some_and(|d| d.contains(detail)))
    };
    assert!(has("ip_whitelist_added", "127.0.0.1/32"));
    assert!(has("ip_whitelist_removed", "127.0.0.2/32"));
    assert!(has("address_refused", "request from 127.0.0.2"));
    assert!(has("address_refused", "login from 127.0.0.2"));
    app.wait_for_mail("ada@example.com", "was added to").await;
    app.wait_for_mail("ada@example.com", "was removed from")
        .await;
}
async fn a_login_waiting_for_its_second_factor_is_held_to_the_list_too(app: &TestApp) {
    let server = LiveServer::start(app.services.clone()).await;
    let token = app.signed_up("lin").await;
    let (secret, _) = app.enable_two_factor(&token).await;
    let (status, _) = add(&server, &token, HERE, HERE).await;
    assert_eq!(status, 201);

    let (status, pending) = login(&server, "lin", PASSWORD, HERE).await;
    assert_eq!(status, 201);
    assert_eq!(pending["second_factor_required"], true);
    let pending = pending["token"].as_str().unwrap().to_owned();
    let code = json!({ "code": app.totp_code(&secret) });
    let path = "/v1/sessions/current/second-factor";

    let (status, body) = server
        .send(THERE, "POST", path, Some(&pending), Some(&code), &[])
        .await;
    assert_eq!((status, slug(&body)), (403, "address-not-allowed"));
    let (status, _) = server
        .send(HERE, "POST", path, Some(&pending), Some(&code), &[])
        .await;
    assert_eq!(status, 200);
}
on_both_engines!(
    pending_second_factor,
    super::a_login_waiting_for_its_second_factor_is_held_to_the_list_too
);

on_both_engines!(
    enforcement,
    super::the_whitelist_admits_only_listed_addresses_and_never_locks_its_author_out
);

async fn behind_a_trusted_proxy_the_forwarded_address_counts(app: &TestApp) {
    let mut services = (*app.services).clone();
    services.trusted_proxies = vec![portico_security::Cidr::parse(THERE).unwrap()];
    let server = LiveServer::start(Arc::new(services)).await;
    let token = signed_up(&server, "ada", HERE).await;
    let (status, _) = add(&server, &token, "127.0.0.1", HERE).await;
    assert_eq!(status, 201);

    // The proxy at 127.0.0.2 forwards for 127.0.0.1: let in. Forwarding for an
    // outside address, or not forwarding at all, is refused.
    let forwarded = |client: &'static str| [("X-Forwarded-For", client)];
    let via_proxy = |client| {
        let headers = forwarded(client);
        let server = &server;
        let token = token.clone();
        async move {
            server
                .send(THERE, "GET", "/v1/me/profile", Some(&token), None, &headers)
                .await
                .0
        }
    };
    assert_eq!(via_proxy("198.51.100.1, 127.0.0.1").await, 200);
    assert_eq!(via_proxy("127.0.0.1, 198.51.100.1").await, 403);
    assert_eq!(profile(&server, &token, THERE).await.0, 403);
}
on_both_engines!(
    trusted_proxy,
    super::behind_a_trusted_proxy_the_forwarded_address_counts
);

async fn malformed_ranges_and_labels_are_refused_and_nothing_is_stored(app: &TestApp) {
    let token = app.signed_up("ada").await;
    for cidr in [
        "300.1.1.1",
        "10.0.0.0/33",
        "2001:db8::/129",
        "",
        "office",
        "10.0.0.0/",
    ] {
        app.post("/v1/me/ip-whitelist", Some(&token), json!({ "cidr": cidr }))
            .await
            .expect_invalid_fields(&["cidr"]);
    }
    app.post(
        "/v1/me/ip-whitelist",
        Some(&token),
        json!({ "cidr": "10.0.0.0/8", "label": "x".repeat(61) }),
    )
    .await
    .expect_invalid_fields(&["label"]);
    app.post(
        "/v1/me/ip-whitelist",
        Some(&token),
        json!({ "cidr": ["10.0.0.0/8"] }),
    )
    .await
    .expect_invalid_fields(&["cidr"]);
    app.delete("/v1/me/ip-whitelist/not-an-id", &token)
        .await
        .expect_problem(404, "not-found");

    let list = app.get("/v1/me/ip-whitelist", &token).await;
    list.expect(200);
    assert_eq!(list.json(), json!({ "items": [], "next_cursor": null }));

    // A stale session is sent to prove its password before its input is judged.
    app.clock.advance(time::Duration::minutes(11));
    app.post(
        "/v1/me/ip-whitelist",
        Some(&token),
        json!({ "cidr": "10.0.0.0/33" }),
    )
    .await
    .expect_problem(403, "reauthentication-required");
}
on_both_engines!(
    malformed,
    super::malformed_ranges_and_labels_are_refused_and_nothing_is_stored
);
