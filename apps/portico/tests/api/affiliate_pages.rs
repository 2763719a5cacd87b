//! `My account > Affiliate program` through the real router: join, a link, a click
//! and a registration through the pages, the commission on the owner's page, payout
//! destinations and a payout; another account's ids and the program turned off.

use std::sync::Arc;

use poem::EndpointExt;
use poem::test::TestClient;

use crate::affiliate::{account_id, pay};
use crate::form_browser::{Browser, location, session_cookie, text};
use crate::support::{PASSWORD, TestApp, on_both_engines, read};

async fn an_affiliate_earns_from_a_referral_and_is_paid_through_the_pages(app: &TestApp) {
    app.signed_up("ada").await;
    let mut ada = Browser::new(app);
    ada.log_in("ada").await;
    let (html, _) = ada.form_token("/account/affiliate").await;
    assert!(
        html.contains("action=\"/account/affiliate/join\""),
        "{html}"
    );
    let joined = ada
        .submit("/account/affiliate", "/account/affiliate/join", &[])
        .await;
    assert_eq!(
        location(&joined),
        "/account/affiliate?done=affiliate_joined"
    );

    let refused = ada
        .submit(
            "/account/affiliate",
            "/account/affiliate/links",
            &[("landing_url", "https://elsewhere.example/x")],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", text(&refused));
    assert!(text(&refused).contains("id=\"landing_url-error\""));
    let created = ada
        .submit(
            "/account/affiliate",
            "/account/affiliate/links",
            &[
                ("landing_url", "https://shop.example/offer"),
                ("campaign", "spring"),
            ],
        )
        .await;
    assert_eq!(
        location(&created),
        "/account/affiliate?done=link_created",
        "{}",
        text(&created)
    );
    let overview = ada.get("/account/affiliate").await;
    let policy = overview.headers["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(
        policy.contains("script-src 'self';"),
        "the copy buttons: {policy}"
    );
    let (html, _) = ada.form_token("/account/affiliate").await;
    let code = html
        .split("&#x2f;r&#x2f;")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("a link in {html}"))
        .to_owned();

    // A visitor follows the link and registers through the page.
    let mut visitor = Browser::new(app);
    let click = visitor.get(&format!("/r/{code}")).await;
    assert_eq!(click.status, 302);
    let registered = visitor
        .submit(
            "/register",
            "/register",
            &[
                ("username", "bob"),
                ("email", "bob@example.com"),
                ("password", PASSWORD),
                ("first_name", "Bob"),
                ("last_name", "Babbage"),
            ],
        )
        .await;
    assert_eq!(
        location(&registered),
        "/login?registered",
        "{}",
        text(&registered)
    );
    let bob_id = account_id(app, &app.token_for("bob").await).await;
    assert_eq!(pay(app, "pay-1", &bob_id, 100_000).await, "recorded");
    let (html, _) = ada.form_token("/account/affiliate").await;
    assert!(html.contains("id=\"referral-count\">1<"), "{html}");
    assert!(html.contains("id=\"clicks\">1<"), "{html}");
    assert!(
        html.contains("100.00 EUR") && html.contains("class=\"badge pending\""),
        "{html}"
    );

    // Payout destinations and a payout.
    let bad_iban = ada
        .submit(
            "/account/affiliate/payouts",
            "/account/affiliate/payouts/destinations",
            &[
                ("kind", "bank_transfer"),
                ("account_holder", "Ada"),
                ("iban", "DE00 0000"),
            ],
        )
        .await;
    assert_eq!(bad_iban.status, 422, "{}", text(&bad_iban));
    assert!(
        text(&bad_iban).contains("id=\"iban-error\""),
        "{}",
        text(&bad_iban)
    );
    let added = ada
        .submit(
            "/account/affiliate/payouts",
            "/account/affiliate/payouts/destinations",
            &[
                ("kind", "bank_transfer"),
                ("account_holder", "Ada Lovelace"),
                ("iban", "DE89 3704 0044 0532 0130 00"),
            ],
        )
        .await;
    assert_eq!(
        location(&added),
        "/account/affiliate/payouts?done=destination_added"
    );
    let (html, _) = ada.form_token("/account/affiliate/payouts").await;
    assert!(html.contains("bank account ending 3000"), "{html}");
    let destination = html
        .split("id=\"destination-")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let early = ada
        .submit(
            "/account/affiliate/payouts",
            "/account/affiliate/payouts",
            &[("destination_id", &destination)],
        )
        .await;
    assert_eq!(early.status, 422, "nothing payable yet: {}", text(&early));

    app.signed_up("grace").await;
    let mut grace = Browser::new(app);
    grace.log_in("grace").await;
    grace
        .submit("/account/affiliate", "/account/affiliate/join", &[])
        .await;
    let foreign = grace
        .submit(
            "/account/affiliate/payouts",
            &format!("/account/affiliate/payouts/destinations/{destination}/remove"),
            &[],
        )
        .await;
    assert_eq!(foreign.status, 404, "{}", text(&foreign));

    app.clock.advance(time::Duration::days(31));
    let mut ada = Browser::new(app);
    ada.log_in("ada").await;
    let paid = ada
        .submit(
            "/account/affiliate/payouts",
            "/account/affiliate/payouts",
            &[("destination_id", &destination)],
        )
        .await;
    assert_eq!(
        location(&paid),
        "/account/affiliate/payouts?done=payout_requested",
        "{}",
        text(&paid)
    );
    let (html, _) = ada.form_token("/account/affiliate/payouts").await;
    assert!(
        html.contains("class=\"badge requested\"") && html.contains("100.00 EUR"),
        "{html}"
    );

    // With the program off, its pages are not there and the menu does not offer them.
    let mut services = (*app.services).clone();
    services.affiliate.enabled = false;
    let off = TestClient::new(portico::server::app(Arc::new(services)).boxed());
    let cookie = ada
        .cookies
        .iter()
        .find(|(name, _)| name == session_cookie(app))
        .map(|(name, value)| format!("{name}={value}"))
        .unwrap();
    let hidden = read(
        off.get("/account/affiliate")
            .header("cookie", &cookie)
            .send()
            .await
            .0,
    )
    .await;
    assert_eq!(hidden.status.as_u16(), 404);
    let profile = read(
        off.get("/account/profile")
            .header("cookie", &cookie)
            .send()
            .await
            .0,
    )
    .await;
    assert!(!String::from_utf8_lossy(&profile.body).contains("href=\"/account/affiliate\""));
}
on_both_engines!(
    affiliate_pages,
    super::an_affiliate_earns_from_a_referral_and_is_paid_through_the_pages
);
