//! Account delegates and the affiliate program in real headless Chromium: a delegate
//! invited on the owner's page accepts in a browser of their own (confirming the
//! address first), and a visitor who follows an affiliate link in a fresh browser
//! registers and earns the owner a commission that shows on the owner's page, and
//! is paid out once the hold period is over.

use portico_sea_orm::Backend;

use crate::affiliate::pay;
use crate::browser_pages::shoot;
use crate::delegates::{account_id, put_product};
use crate::live::LiveServer;
use crate::support::{PASSWORD, TestApp, link_token, on_both_engines, verification_link};
use crate::webdriver::{Browser, Driver};

async fn log_in(browser: &Browser<'_>, base: &str, login: &str) {
    browser.goto(&format!("{base}/login")).await;
    browser.fill("#login", login).await;
    browser.fill("#password", PASSWORD).await;
    browser.click("form.card button[type=submit]").await;
}

async fn a_delegate_accepts_and_a_referral_earns_a_commission(app: &TestApp) {
    let ada_token = app.signed_up("ada").await;
    let ada_id = account_id(app, &ada_token).await;
    put_product(app, &ada_id, "p1").await;
    put_product(app, &ada_id, "p2").await;
    app.signed_up("bob").await;
    let server = LiveServer::start(app.services.clone()).await;
    let base = format!("http://{}", server.address);
    let driver = Driver::start().await;
    let screenshots = app.database().backend() == Backend::Sqlite;

    // Ada invites Bob for one product.
    let ada = driver.browser().await;
    log_in(&ada, &base, "ada").await;
    ada.wait_for_url(&format!("{base}/account/profile")).await;
    ada.click("nav.menu a[href='/account/delegates']").await;
    ada.wait_for_url(&format!("{base}/account/delegates")).await;
    ada.fill("#email", "bob@example.com").await;
    ada.click("#invite-scope-some").await;
    ada.click("#invite-product-1").await;
    ada.click("form.invite button[type=submit]").await;
    ada.wait_for_url(&format!("{base}/account/delegates?done=delegate_invited"))
        .await;
    assert!(ada.text(".items").await.contains("bob@example.com"));
    shoot(&ada, screenshots, "delegates").await;

    // Bob, in a browser of his own, opens the invitation, logs in, and must first
    // confirm his address: the invitation waits for him meanwhile.
    let bob = driver.browser().await;
    let invitation = app
        .wait_for_mail("bob@example.com", "/accept-invitation?token=")
        .await;
    let token = link_token(&invitation, "/accept-invitation");
    bob.goto(&format!("{base}/accept-invitation?token={token}"))
        .await;
    bob.wait_for_url(&format!("{base}/login?link")).await;
    bob.fill("#login", "bob").await;
    bob.fill("#password", PASSWORD).await;
    bob.click("form.card button[type=submit]").await;
    bob.wait_for_url(&format!("{base}/accept-invitation")).await;
    shoot(&bob, screenshots, "accept-invitation").await;
    bob.click("form.accept button").await;
    bob.wait_for("[role=alert]").await;
    let welcome = app
        .wait_for_mail("bob@example.com", "/verify-email?email=")
        .await;
    let (email, secret) = verification_link(&welcome);
    bob.goto(&format!("{base}/verify-email?email={email}&token={secret}"))
        .await;
    bob.wait_for_url(&format!("{base}/verify-email")).await;
    bob.click("form.verify button").await;
    bob.wait_for_url(&format!("{base}/accept-invitation")).await;
    bob.click("form.accept button").await;
    bob.wait_for_url(&format!(
        "{base}/account/delegates?done=invitation_accepted"
    ))
    .await;
    let acting_for = bob.text(".items li.delegated").await;
    assert!(
        acting_for.contains("Ada Lovelace") && acting_for.contains("Product p1"),
        "{acting_for}"
    );
    shoot(&bob, screenshots, "delegated-accounts").await;
    ada.goto(&format!("{base}/account/delegates")).await;
    assert!(ada.text(".items").await.contains("Active"));
    bob.close().await;

    // Ada joins the affiliate program and makes a link.
    ada.click("nav.menu a[href='/account/affiliate']").await;
    ada.wait_for_url(&format!("{base}/account/affiliate")).await;
    ada.click("form.join button").await;
    ada.wait_for_url(&format!("{base}/account/affiliate?done=affiliate_joined"))
        .await;
    ada.fill("#campaign", "spring").await;
    ada.click("form.add-link button[type=submit]").await;
    ada.wait_for_url(&format!("{base}/account/affiliate?done=link_created"))
        .await;
    let shared = ada.attribute("input.link-url", "value").await.unwrap();
    let code = shared.rsplit("/r/").next().unwrap().to_owned();

    // A visitor follows it in a fresh browser (the landing page is elsewhere; the
    // referral cookie is the portal's), registers, and pays.
    let visitor = driver.browser().await;
    visitor.follow(&format!("{base}/r/{code}")).await;
    visitor.goto(&format!("{base}/register")).await;
    visitor.fill("#username", "carl").await;
    visitor.fill("#email", "carl@example.com").await;
    visitor.fill("#password", PASSWORD).await;
    visitor.fill("#first_name", "Carl").await;
    visitor.fill("#last_name", "Friedrich").await;
    visitor.click("form.card button[type=submit]").await;
    visitor
        .wait_for_url(&format!("{base}/login?registered"))
        .await;
    visitor.close().await;
    let carl = account_id(app, &app.token_for("carl").await).await;
    assert_eq!(pay(app, "pay-1", &carl, 100_000).await, "recorded");

    ada.goto(&format!("{base}/account/affiliate")).await;
    // Chromium may ask again for a redirect whose target it cannot reach: at least
    // the one click.
    let clicks: u32 = ada.text("#clicks").await.parse().unwrap();
    assert!(clicks >= 1);
    assert_eq!(ada.text("#referral-count").await, "1");
    assert!(ada.text("table.commissions").await.contains("100.00 EUR"));
    shoot(&ada, screenshots, "affiliate").await;
    ada.click("nav.tabs a[href='/account/affiliate/payouts']")
        .await;
    ada.wait_for_url(&format!("{base}/account/affiliate/payouts"))
        .await;
    ada.click("#kind-bank_transfer").await;
    ada.fill("#account_holder", "Ada Lovelace").await;
    ada.fill("#iban", "DE89 3704 0044 0532 0130 00").await;
    ada.click("form.add-destination button[type=submit]").await;
    ada.wait_for_url(&format!(
        "{base}/account/affiliate/payouts?done=destination_added"
    ))
    .await;
    assert!(
        ada.text(".items")
            .await
            .contains("bank account ending 3000")
    );
    shoot(&ada, screenshots, "payouts").await;

    // Past the hold period the commission is payable. Ada's session ended meanwhile:
    // she logs in again, asks for the payout, and finds it in the history.
    app.clock.advance(time::Duration::days(31));
    log_in(&ada, &base, "ada").await;
    ada.wait_for_url(&format!("{base}/account/profile")).await;
    ada.goto(&format!("{base}/account/affiliate/payouts")).await;
    ada.click("form.request-payout button[type=submit]").await;
    ada.wait_for_url(&format!(
        "{base}/account/affiliate/payouts?done=payout_requested"
    ))
    .await;
    let history = ada.text("table.payouts").await;
    assert!(
        history.contains("100.00 EUR") && history.contains("bank account ending 3000"),
        "{history}"
    );
    shoot(&ada, screenshots, "payout-history").await;
    ada.close().await;
}
on_both_engines!(
    in_chromium,
    super::a_delegate_accepts_and_a_referral_earns_a_commission
);
