//! The client-area pages in real headless Chromium, through the live server.

use portico_sea_orm::Backend;

use crate::live::LiveServer;
use crate::support::{PASSWORD, TestApp, on_both_engines};
use crate::webdriver::Driver;

async fn a_person_logs_in_edits_the_profile_and_logs_out(app: &TestApp) {
    let api_token = app.signed_up("ada").await;
    let server = LiveServer::start(app.services.clone()).await;
    let base = format!("http://{}", server.address);
    let driver = Driver::start().await;
    let browser = driver.browser().await;
    // Both engines show the same pages: one of them keeps the screenshots.
    let screenshots = app.database().backend() == Backend::Sqlite;

    browser.goto(&format!("{base}/account/profile")).await;
    assert_eq!(browser.url().await, format!("{base}/login"));
    if screenshots {
        browser.screenshot("login", 1280, 900).await;
    }
    if screenshots {
        browser.screenshot("login", 390, 844).await;
    }
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
    if screenshots {
        browser.screenshot("profile-invalid", 1280, 900).await;
    }

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
    if screenshots {
        browser.screenshot("profile", 1280, 900).await;
    }
    if screenshots {
        browser.screenshot("profile", 390, 844).await;
    }
    let profile = app.get("/v1/me/profile", &api_token).await.json();
    assert_eq!(profile["first_name"], "Augusta");

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
on_both_engines!(
    in_chromium,
    super::a_person_logs_in_edits_the_profile_and_logs_out
);
