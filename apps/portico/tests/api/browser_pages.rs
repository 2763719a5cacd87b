//! The client-area pages in real headless Chromium, through the live server.

use portico_sea_orm::Backend;

use crate::live::LiveServer;
use crate::support::{PASSWORD, TestApp, on_both_engines, verification_link};
use crate::webdriver::{Browser, Driver};

async fn a_person_registers_edits_the_profile_and_logs_out(app: &TestApp) {
    let server = LiveServer::start(app.services.clone()).await;
    let base = format!("http://{}", server.address);
    let driver = Driver::start().await;
    let browser = driver.browser().await;
    // Both engines show the same pages: one of them keeps the screenshots.
    let screenshots = app.database().backend() == Backend::Sqlite;

    // The accessibility check finds what it should: a field without a label.
    if screenshots {
        browser
            .goto("data:text/html,<!doctype html><html lang=en><title>t</title><main><input></main></html>")
            .await;
        let found = browser.accessibility_violations().await;
        assert!(found.iter().any(|line| line.contains("label")), "{found:?}");
    }
    browser.goto(&format!("{base}/register")).await;
    browser.fill("#username", "ada").await;
    browser.fill("#email", "ada@example.com").await;
    browser.fill("#password", PASSWORD).await;
    browser.fill("#first_name", "Ada").await;
    browser.fill("#last_name", "Lovelace").await;
    shoot(&browser, screenshots, "register").await;
    browser.click("form.card button[type=submit]").await;
    browser
        .wait_for_url(&format!("{base}/login?registered"))
        .await;
    let api_token = app.token_for("ada").await;

    browser.goto(&format!("{base}/account/profile")).await;
    assert_eq!(browser.url().await, format!("{base}/login"));
    shoot(&browser, screenshots, "login").await;
    browser.fill("#login", "ada").await;
    browser.fill("#password", "not the password").await;
    browser.click("form.card button[type=submit]").await;
    browser.wait_for("[role=alert]").await;
    assert!(
        browser
            .text("[role=alert]")
            .await
            .contains("The login or the password is wrong.")
    );

    browser.fill("#login", "ada").await;
    browser.fill("#password", PASSWORD).await;
    browser.click("form.card button[type=submit]").await;
    browser
        .wait_for_url(&format!("{base}/account/profile"))
        .await;
    assert_eq!(browser.text("#username").await, "ada");

    // The address is confirmed from the mailed link, on a page that posts it.
    let mail = app
        .wait_for_mail("ada@example.com", "/verify-email?email=")
        .await;
    let (email, token) = verification_link(&mail);
    browser
        .goto(&format!("{base}/verify-email?email={email}&token={token}"))
        .await;
    browser.wait_for_url(&format!("{base}/verify-email")).await;
    shoot(&browser, screenshots, "verify-email").await;
    browser.click("form.verify button").await;
    browser
        .wait_for_url(&format!("{base}/account/emails?done=email_verified"))
        .await;
    assert!(browser.text(".items").await.contains("Verified"));
    browser.goto(&format!("{base}/account/profile")).await;

    browser.fill("#language", "klingon!").await;
    browser.click("form.card button[type=submit]").await;
    browser.wait_for("#language-error").await;
    assert!(!browser.text("#language-error").await.is_empty());
    assert_eq!(
        browser
            .attribute("#language", "aria-invalid")
            .await
            .as_deref(),
        Some("true")
    );
    shoot(&browser, screenshots, "profile-invalid").await;

    browser.fill("#first_name", "Augusta").await;
    browser.fill("#language", "de-CH").await;
    browser.click("form.card button[type=submit]").await;
    browser
        .wait_for_url(&format!("{base}/account/profile?saved"))
        .await;
    assert_eq!(
        browser.text("[role=status]").await,
        "Ihr Profil wurde gespeichert."
    );
    shoot(&browser, screenshots, "profile").await;
    let profile = app.get("/v1/me/profile", &api_token).await.json();
    assert_eq!(profile["first_name"], "Augusta");
    // Back to English for the rest of the journey (the address stays the same:
    // the English page is what tells the save is done).
    browser.fill("#language", "en").await;
    browser.click("form.card button[type=submit]").await;
    browser.wait_for("html[lang='en']").await;

    every_profile_section(&browser, &base, screenshots).await;
    let phones = app.get("/v1/me/phones", &api_token).await.json();
    assert_eq!(phones["items"][0]["number"], "+41446681800");
    let company = app.get("/v1/me/company", &api_token).await.json();
    assert_eq!(company["tax_id"], "CHE123456788MWST");

    // The email history, and one message in it.
    app.deliver().await;
    browser.click("nav.menu a[href='/account/messages']").await;
    browser
        .wait_for_url(&format!("{base}/account/messages"))
        .await;
    assert!(browser.text(".items").await.contains("Sent"));
    shoot(&browser, screenshots, "messages").await;
    browser.click(".items li.message a").await;
    browser.wait_for("iframe.mail").await;
    assert!(browser.text("dl.facts").await.contains("Sent"));
    shoot(&browser, screenshots, "message").await;

    browser.click("form.logout button").await;
    browser.wait_for_url(&format!("{base}/login")).await;
    browser.goto(&format!("{base}/account/profile")).await;
    assert_eq!(
        browser.url().await,
        format!("{base}/login"),
        "refused after logout"
    );
    browser.close().await;
}
/// Adds an email address, a phone number and a postal address, and sets the company,
/// through the tabs of `My account > Profile`.
async fn every_profile_section(browser: &Browser<'_>, base: &str, screenshots: bool) {
    browser.click("nav.tabs a[href='/account/emails']").await;
    browser
        .wait_for_url(&format!("{base}/account/emails"))
        .await;
    browser.fill("#address", "augusta@work.example").await;
    browser.click("form.add button[type=submit]").await;
    browser
        .wait_for_url(&format!("{base}/account/emails?done=email_added"))
        .await;
    assert!(
        browser
            .text(".items")
            .await
            .contains("augusta@work.example")
    );
    shoot(browser, screenshots, "emails").await;

    browser.click("nav.tabs a[href='/account/phones']").await;
    browser
        .wait_for_url(&format!("{base}/account/phones"))
        .await;
    browser.fill("#number", "12").await;
    browser.click("form.add button[type=submit]").await;
    browser.wait_for("#number-error").await;
    browser.fill("#number", "+41 44 668 18 00").await;
    browser.fill("#label", "office").await;
    browser.click("form.add button[type=submit]").await;
    browser
        .wait_for_url(&format!("{base}/account/phones?done=phone_added"))
        .await;
    shoot(browser, screenshots, "phones").await;

    browser.click("nav.tabs a[href='/account/addresses']").await;
    browser
        .wait_for_url(&format!("{base}/account/addresses"))
        .await;
    browser.fill("#line1", "Bahnhofstrasse 1").await;
    browser.fill("#postal_code", "8001").await;
    browser.fill("#city", "Zürich").await;
    browser.fill("#country", "CH").await;
    browser.click("form.add button[type=submit]").await;
    browser
        .wait_for_url(&format!("{base}/account/addresses?done=address_added"))
        .await;
    assert!(browser.text(".items").await.contains("Billing address"));
    shoot(browser, screenshots, "addresses").await;

    browser.click("nav.tabs a[href='/account/company']").await;
    browser
        .wait_for_url(&format!("{base}/account/company"))
        .await;
    browser.fill("#name", "Analytical Engines AG").await;
    browser.fill("#tax_id", "CHE-123.456.788 MWST").await;
    browser.click("form.card button[type=submit]").await;
    browser
        .wait_for_url(&format!("{base}/account/company?done=company_saved"))
        .await;
    shoot(browser, screenshots, "company").await;
}

/// Screenshots of the page shown, at a desktop's and a phone's width, and its
/// accessibility check: no serious or critical finding of axe-core. Both engines show
/// the same pages, so one of them (`screenshots`) does this.
pub async fn shoot(browser: &Browser<'_>, screenshots: bool, name: &str) {
    if screenshots {
        browser.screenshot(name, 1280, 900).await;
        browser.screenshot(name, 390, 844).await;
        let violations = browser.accessibility_violations().await;
        assert!(violations.is_empty(), "{name}: {violations:#?}");
    }
}

on_both_engines!(
    in_chromium,
    super::a_person_registers_edits_the_profile_and_logs_out
);
