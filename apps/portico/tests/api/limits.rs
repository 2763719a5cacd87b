//! Limits on what costs mail or hashing, and affiliate links that cannot become an
//! open redirect.

use poem::http::Method;
use serde_json::json;

use crate::live::LiveServer;
use crate::support::{
    PASSWORD, TestApp, build_with, on_both_engines, read, registration, settings,
};

async fn registrations_are_limited_per_address_and_answer_429_with_retry_after(app: &TestApp) {
    let server = LiveServer::start(app.services.clone()).await;
    let register = |from: &'static str, username: String| {
        let server = &server;
        async move {
            server
                .exchange(
                    from,
                    "POST",
                    "/v1/accounts",
                    None,
                    Some(&registration(&username)),
                    &[],
                )
                .await
        }
    };
    for n in 0..20 {
        let answer = register("127.0.0.3", format!("signup{n}")).await;
        assert_eq!(answer.status, 201, "{}", answer.body);
    }

    let refused = register("127.0.0.3", "one-too-many".into()).await;
    assert_eq!((refused.status, refused.slug()), (429, "too-many-requests"));
    let wait: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert_eq!(wait, 3_600);
    // Nothing was created: the name is still free, from elsewhere.
    let elsewhere = register("127.0.0.4", "one-too-many".into()).await;
    assert_eq!(elsewhere.status, 201, "{}", elsewhere.body);
    // An hour later the address may register again.
    app.clock.advance(time::Duration::hours(1));
    assert_eq!(register("127.0.0.3", "next-hour".into()).await.status, 201);
}
on_both_engines!(
    registrations,
    super::registrations_are_limited_per_address_and_answer_429_with_retry_after
);

async fn invitations_are_limited_per_owner_and_the_refusal_recorded(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let invite = |n: u32| {
        app.post(
            "/v1/me/delegates",
            Some(&token),
            json!({ "email": format!("helper{n}@example.com"), "scope": { "all": true } }),
        )
    };
    for n in 0..20 {
        invite(n).await.expect(201);
    }

    let refused = invite(20).await;
    refused.expect_problem(429, "too-many-requests");
    assert!(refused.headers.contains_key("retry-after"));
    let delegates = app.get("/v1/me/delegates", &token).await.json();
    assert_eq!(delegates["items"].as_array().unwrap().len(), 20);
    assert_eq!(app.event_kinds(&token).await[0], "attempt_throttled");
}
on_both_engines!(
    invitations,
    super::invitations_are_limited_per_owner_and_the_refusal_recorded
);

async fn verification_mails_to_one_address_are_limited(app: &TestApp) {
    let token = app.signed_up("ada").await;
    let added = app
        .post(
            "/v1/me/emails",
            Some(&token),
            json!({ "address": "ada@work.example" }),
        )
        .await;
    added.expect(201);
    let path = format!("/v1/me/emails/{}", added.json()["id"].as_str().unwrap());
    let resend = || app.patch(&path, &token, json!({ "address": "Ada@Work.example" }));
    for _ in 0..4 {
        resend().await.expect(200);
    }

    resend().await.expect_problem(429, "too-many-requests");
    // Another account has an allowance of its own, so nobody can keep an address
    // from being verified elsewhere (here it is simply taken).
    let other = app.signed_up("grace").await;
    app.post(
        "/v1/me/emails",
        Some(&other),
        json!({ "address": "ada@work.example" }),
    )
    .await
    .expect_problem(409, "email-taken");
    while app.deliver().await.sent > 0 {}
    let mails = app
        .sink
        .received()
        .into_iter()
        .filter(|m| {
            m.to.iter()
                .any(|to| to.eq_ignore_ascii_case("ada@work.example"))
        })
        .count();
    assert_eq!(mails, 5);
}

async fn many_accounts_together_cannot_flood_one_address(app: &TestApp) {
    // Each account adds the address and removes it again, five times: within its
    // own allowance, but twenty-five mails to one inbox in all.
    let mut statuses = Vec::new();
    for n in 0..5 {
        let token = app.signed_up(&format!("sender{n}")).await;
        for _ in 0..5 {
            let added = app
                .post(
                    "/v1/me/emails",
                    Some(&token),
                    json!({ "address": "victim@target.example" }),
                )
                .await;
            statuses.push(added.status.as_u16());
            if added.status == 201 {
                let id = added.json()["id"].as_str().unwrap().to_owned();
                app.delete(&format!("/v1/me/emails/{id}"), &token)
                    .await
                    .expect(204);
            }
        }
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 20);
    assert_eq!(statuses[20..], [429; 5]);
}
on_both_engines!(
    flood,
    super::many_accounts_together_cannot_flood_one_address
);
on_both_engines!(
    verification_mails,
    super::verification_mails_to_one_address_are_limited
);

async fn affiliate_links_land_only_on_allowed_hosts_even_when_stored_before(app: &TestApp) {
    let token = app.signed_up("ada").await;
    app.post("/v1/me/affiliate", Some(&token), json!({}))
        .await
        .expect(200);
    app.post(
        "/v1/me/affiliate/links",
        Some(&token),
        json!({ "landing_url": "https://phish.test/login" }),
    )
    .await
    .expect_invalid_fields(&["landing_url"]);

    // A link stored while the list still allowed another host.
    let mut permissive = settings();
    permissive.landing_hosts =
        portico_affiliate::LandingHosts::parse(["portal.example", "phish.test"]).unwrap();
    let (before, _) = build_with(
        app.database(),
        app.clock.clone(),
        &app.smtp_url(),
        permissive,
    );
    let login = read(
        before
            .post("/v1/sessions")
            .body_json(&json!({ "login": "ada", "password": PASSWORD }))
            .send()
            .await
            .0,
    )
    .await;
    let old_token = login.json()["token"].as_str().unwrap().to_owned();
    let stored = read(
        before
            .post("/v1/me/affiliate/links")
            .header("authorization", format!("Bearer {old_token}"))
            .body_json(&json!({ "landing_url": "https://phish.test/login" }))
            .send()
            .await
            .0,
    )
    .await;
    stored.expect(201);
    let code = stored.json()["code"].as_str().unwrap().to_owned();

    let visit = app
        .call_with_headers(Method::GET, &format!("/r/{code}"), &[], None)
        .await;
    visit.expect(302);
    assert_eq!(visit.headers["location"], "https://portal.example");
    let overview = app.get("/v1/me/affiliate", &token).await.json();
    assert_eq!(overview["clicks"], 1, "{overview}");
}
on_both_engines!(
    landing_hosts,
    super::affiliate_links_land_only_on_allowed_hosts_even_when_stored_before
);
