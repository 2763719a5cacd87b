//! `My account > Security` in real headless Chromium, through the live server:
//! two-factor with a code computed here, a login with the second factor, username
//! and password changes, and the whitelisting of the browser's own address.

use portico_sea_orm::Backend;

use crate::browser_pages::shoot;
use crate::live::LiveServer;
use crate::support::{PASSWORD, TestApp, link_token, on_both_engines};
use crate::webdriver::{Browser, Driver};

const NEW_PASSWORD: &str = "a fresh violet kettle hums";

async fn log_in(browser: &Browser<'_>, base: &str, login: &str, password: &str) {
    browser.goto(&format!("{base}/login")).await;
    browser.fill("#login", login).await;
    browser.fill("#password", password).await;
    browser.click("form.card button[type=submit]").await;
}

async fn a_person_secures_the_account(app: &TestApp) {
    let api_token = app.signed_up("ada").await;
    let server = LiveServer::start(app.services.clone()).await;
    let base = format!("http://{}", server.address);
    let driver = Driver::start().await;
    let browser = driver.browser().await;
    let screenshots = app.database().backend() == Backend::Sqlite;

    log_in(&browser, &base, "ada", PASSWORD).await;
    browser
        .wait_for_url(&format!("{base}/account/profile"))
        .await;
    browser.click("nav.menu a[href='/account/security']").await;
    browser
        .wait_for_url(&format!("{base}/account/security"))
        .await;
    shoot(&browser, screenshots, "security").await;

    // Two-factor: the key typed from the page, the code computed from it.
    browser
        .click("nav.tabs a[href='/account/security/two-factor']")
        .await;
    browser
        .wait_for_url(&format!("{base}/account/security/two-factor"))
        .await;
    shoot(&browser, screenshots, "two-factor").await;
    browser.click("form.enrol button[type=submit]").await;
    browser.wait_for("img.qr").await;
    shoot(&browser, screenshots, "two-factor-enrol").await;
    let secret = browser.text("#secret").await.replace(' ', "");
    browser.fill("#code", &app.totp_code(&secret)).await;
    browser.click("form.confirm button[type=submit]").await;
    browser.wait_for("#recovery-codes").await;
    let codes = browser.text("#recovery-codes").await;
    assert_eq!(codes.lines().count(), 10, "{codes}");
    // The copy and download buttons appear only where the script runs.
    assert_eq!(browser.attribute("button[data-copy]", "hidden").await, None);
    assert_eq!(
        browser.attribute("button[data-download]", "hidden").await,
        None
    );
    shoot(&browser, screenshots, "recovery-codes").await;
    app.next_step();

    browser.click("form.logout button").await;
    browser.wait_for_url(&format!("{base}/login")).await;
    log_in(&browser, &base, "ada", PASSWORD).await;
    browser
        .wait_for_url(&format!("{base}/login/second-factor"))
        .await;
    shoot(&browser, screenshots, "second-factor").await;
    browser.fill("#code", &app.totp_code(&secret)).await;
    browser.click("form.card button[type=submit]").await;
    browser
        .wait_for_url(&format!("{base}/account/profile"))
        .await;
    app.next_step();

    // The username, with the password and a code.
    browser.goto(&format!("{base}/account/security")).await;
    browser.fill("#new_username", "augusta").await;
    browser.fill("#username-password", PASSWORD).await;
    browser
        .fill("#username-code", &app.totp_code(&secret))
        .await;
    browser
        .click("form[action='/account/security/username'] button")
        .await;
    browser
        .wait_for_url(&format!("{base}/account/security?done=username_changed"))
        .await;
    assert_eq!(browser.text("#signed-in-as").await, "augusta");

    // The password: every other session ends.
    browser.fill("#current_password", PASSWORD).await;
    browser.fill("#new_password", NEW_PASSWORD).await;
    browser
        .click("form[action='/account/security/password'] button")
        .await;
    browser
        .wait_for_url(&format!("{base}/account/security?done=password_changed"))
        .await;
    app.get("/v1/me/profile", &api_token).await.expect(401);

    // The whitelist offers the browser's own address, and then lets it in.
    browser
        .goto(&format!("{base}/account/security/ip-whitelist"))
        .await;
    assert_eq!(browser.text("#current-address").await, "127.0.0.1");
    browser.fill("#label", "this laptop").await;
    browser.click("form.add button[type=submit]").await;
    browser
        .wait_for_url(&format!(
            "{base}/account/security/ip-whitelist?done=whitelist_added"
        ))
        .await;
    assert!(browser.text(".items").await.contains("127.0.0.1/32"));
    assert!(
        browser
            .text(".items")
            .await
            .contains("Your address is in this range")
    );
    shoot(&browser, screenshots, "ip-whitelist").await;
    // A second range, then the lock-out guard: the entry holding this browser's
    // address cannot go while another remains.
    browser.fill("#cidr", "192.0.2.0/24").await;
    browser.fill("#label", "office").await;
    browser.click("form.add button[type=submit]").await;
    // The same address as after the first entry: the second item tells it is done.
    browser.wait_for(".items li:nth-child(2)").await;
    browser
        .click(".items li:first-child form.remove button")
        .await;
    browser.wait_for("[role=alert]").await;
    assert!(browser.text(".items").await.contains("127.0.0.1/32"));
    shoot(&browser, screenshots, "ip-whitelist-refused").await;
    browser
        .click(".items li:last-child form.remove button")
        .await;
    browser
        .wait_for_url(&format!(
            "{base}/account/security/ip-whitelist?done=whitelist_removed"
        ))
        .await;
    assert!(!browser.text(".items").await.contains("192.0.2.0/24"));

    browser
        .goto(&format!("{base}/account/security/sessions"))
        .await;
    assert!(browser.text(".items").await.contains("This browser"));
    shoot(&browser, screenshots, "sessions").await;
    browser.goto(&format!("{base}/account/security/log")).await;
    assert!(
        browser
            .text(".items")
            .await
            .contains("Two-factor turned on")
    );
    shoot(&browser, screenshots, "security-log").await;
    // The error page, as a link opened without its token shows it.
    browser.goto(&format!("{base}/verify-email")).await;
    assert!(browser.text("[role=alert]").await.contains("Open it again"));
    shoot(&browser, screenshots, "error").await;
    browser.goto(&format!("{base}/account/security")).await;

    // A forgotten password: the mailed link, a new password and a code.
    browser.click("form.logout button").await;
    browser.wait_for_url(&format!("{base}/login")).await;
    browser.click("a[href='/forgot-password']").await;
    browser
        .wait_for_url(&format!("{base}/forgot-password"))
        .await;
    shoot(&browser, screenshots, "forgot-password").await;
    browser.fill("#login", "augusta").await;
    browser.click("form.card button[type=submit]").await;
    browser.wait_for("[role=status]").await;
    let mail = app
        .wait_for_mail("ada@example.com", "/reset-password?token=")
        .await;
    let token = link_token(&mail, "/reset-password");
    browser
        .goto(&format!("{base}/reset-password?token={token}"))
        .await;
    shoot(&browser, screenshots, "reset-password").await;
    app.next_step();
    browser
        .fill("#new_password", "a second violet kettle sings")
        .await;
    browser.fill("#totp_code", &app.totp_code(&secret)).await;
    browser.click("form.card button[type=submit]").await;
    browser.wait_for_url(&format!("{base}/login?reset")).await;
    app.next_step();
    log_in(&browser, &base, "augusta", "a second violet kettle sings").await;
    browser
        .wait_for_url(&format!("{base}/login/second-factor"))
        .await;
    browser.close().await;
}
on_both_engines!(in_chromium, super::a_person_secures_the_account);
