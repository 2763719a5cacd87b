//! `My account > Profile` pages through the real router: email addresses, phone
//! numbers, postal addresses and company, as a browser without JavaScript uses them.

use crate::form_browser::{Browser, location, text};
use crate::support::{PASSWORD, TestApp, on_both_engines, verification_link};

/// The id in `html` of the item whose text contains `needle` (`{kind}-{id}` ids).
fn item_id(html: &str, kind: &str, needle: &str) -> String {
    let marker = format!("id=\"{kind}-");
    html.split(&marker)
        .skip(1)
        .find(|chunk| {
            chunk
                .split("</li>")
                .next()
                .unwrap_or_default()
                .contains(needle)
        })
        .and_then(|chunk| chunk.split('"').next())
        .unwrap_or_else(|| panic!("no {kind} showing {needle} in {html}"))
        .to_owned()
}

async fn email_addresses_are_added_confirmed_made_primary_and_removed(app: &TestApp) {
    let api_token = app.signed_up("ada").await;
    let mut browser = Browser::new(app);
    browser.log_in("ada").await;

    let refused = browser
        .submit(
            "/account/emails",
            "/account/emails",
            &[("address", "not an address")],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", text(&refused));
    let html = text(&refused);
    assert!(html.contains("id=\"address-error\""), "{html}");
    assert!(
        html.contains("value=\"not an address\""),
        "typed value kept: {html}"
    );

    let added = browser
        .submit(
            "/account/emails",
            "/account/emails",
            &[("address", "ada@work.example")],
        )
        .await;
    assert_eq!(added.status, 303, "{}", text(&added));
    assert_eq!(location(&added), "/account/emails?done=email_added");
    let (html, _) = browser.form_token("/account/emails?done=email_added").await;
    assert!(html.contains("role=\"status\""), "{html}");
    let id = item_id(&html, "email", "ada@work.example");
    assert!(html.contains("Not yet verified"), "{html}");

    // Sending the link again mails a new one; the first is then useless.
    let first = app
        .wait_for_mail("ada@work.example", "/verify-email?email=")
        .await;
    let resent = browser
        .submit(
            "/account/emails",
            &format!("/account/emails/{id}/resend"),
            &[],
        )
        .await;
    assert_eq!(location(&resent), "/account/emails?done=email_sent");
    let (_, old_token) = verification_link(&first);
    app.post(
        &format!("/v1/me/emails/{id}/verify"),
        Some(&api_token),
        serde_json::json!({ "token": old_token }),
    )
    .await
    .expect(422);

    app.add_verified_email(&api_token, "ada@home.example").await;
    let (html, _) = browser.form_token("/account/emails").await;
    let home = item_id(&html, "email", "ada@home.example");
    // A confirmed address has no link to send again (a page left open in a tab).
    let stale = browser
        .submit(
            "/account/emails",
            &format!("/account/emails/{home}/resend"),
            &[],
        )
        .await;
    assert_eq!(stale.status, 409, "{}", text(&stale));
    let listed = app.get("/v1/me/emails", &api_token).await.json();
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["address"] == "ada@home.example" && item["verified"] == true),
        "still confirmed: {listed}"
    );
    let primary = browser
        .submit(
            "/account/emails",
            &format!("/account/emails/{home}/primary"),
            &[],
        )
        .await;
    assert_eq!(location(&primary), "/account/emails?done=email_primary");
    let listed = app.get("/v1/me/emails", &api_token).await.json();
    let home_item = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["address"] == "ada@home.example")
        .unwrap()
        .clone();
    assert_eq!(home_item["primary"], true);

    let removed = browser
        .submit(
            "/account/emails",
            &format!("/account/emails/{id}/remove"),
            &[],
        )
        .await;
    assert_eq!(location(&removed), "/account/emails?done=email_removed");
    let (html, _) = browser.form_token("/account/emails").await;
    assert!(!html.contains("ada@work.example"), "{html}");
    // The primary address offers no edit or removal.
    assert!(
        !html.contains(&format!("/account/emails/{home}/remove")),
        "{html}"
    );
}
on_both_engines!(
    email_pages,
    super::email_addresses_are_added_confirmed_made_primary_and_removed
);

async fn a_stale_session_is_asked_for_the_password_inside_the_form(app: &TestApp) {
    app.signed_up("ada").await;
    let mut browser = Browser::new(app);
    browser.log_in("ada").await;
    app.clock.advance(time::Duration::minutes(11));

    let asked = browser
        .submit(
            "/account/emails",
            "/account/emails",
            &[("address", "ada@work.example")],
        )
        .await;
    assert_eq!(asked.status, 403, "{}", text(&asked));
    let html = text(&asked);
    assert!(html.contains("id=\"add-reauth-password\""), "{html}");
    assert!(
        html.contains("value=\"ada@work.example\""),
        "typed value kept: {html}"
    );

    let wrong = browser
        .submit(
            "/account/emails",
            "/account/emails",
            &[
                ("address", "ada@work.example"),
                ("reauth_password", "not the password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", text(&wrong));
    let html = text(&wrong);
    assert!(html.contains("id=\"add-reauth-password-error\""), "{html}");
    assert!(html.contains("nothing was changed"), "{html}");

    let done = browser
        .submit(
            "/account/emails",
            "/account/emails",
            &[
                ("address", "ada@work.example"),
                ("reauth_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", text(&done));
    let (html, _) = browser.form_token("/account/emails").await;
    assert!(html.contains("ada@work.example"), "{html}");
}
on_both_engines!(
    step_up_in_pages,
    super::a_stale_session_is_asked_for_the_password_inside_the_form
);

async fn phone_numbers_are_added_edited_and_removed(app: &TestApp) {
    let api_token = app.signed_up("ada").await;
    let mut browser = Browser::new(app);
    browser.log_in("ada").await;

    let refused = browser
        .submit(
            "/account/phones",
            "/account/phones",
            &[("number", "12"), ("label", &"x".repeat(41))],
        )
        .await;
    assert_eq!(refused.status, 422);
    let html = text(&refused);
    assert!(html.contains("id=\"number-error\""), "{html}");
    assert!(
        html.contains("id=\"label-error\""),
        "every field at fault: {html}"
    );
    assert_eq!(
        app.get("/v1/me/phones", &api_token).await.json()["items"],
        serde_json::json!([])
    );

    let added = browser
        .submit(
            "/account/phones",
            "/account/phones",
            &[("number", "+41 44 668 18 00"), ("label", "office")],
        )
        .await;
    assert_eq!(location(&added), "/account/phones?done=phone_added");
    let (html, _) = browser.form_token("/account/phones").await;
    let id = item_id(&html, "phone", "+41446681800");
    let edited = browser
        .submit(
            "/account/phones",
            &format!("/account/phones/{id}"),
            &[("number", "+41 44 668 18 01"), ("label", "")],
        )
        .await;
    assert_eq!(location(&edited), "/account/phones?done=phone_changed");
    let listed = app.get("/v1/me/phones", &api_token).await.json();
    assert_eq!(listed["items"][0]["number"], "+41446681801");
    assert!(listed["items"][0].get("label").is_none(), "{listed}");

    // Another account cannot touch it.
    app.signed_up("bob").await;
    let mut bob = Browser::new(app);
    bob.log_in("bob").await;
    let foreign = bob
        .submit(
            "/account/phones",
            &format!("/account/phones/{id}/remove"),
            &[],
        )
        .await;
    assert_eq!(foreign.status, 404);
    assert_eq!(
        app.get("/v1/me/phones", &api_token).await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let removed = browser
        .submit(
            "/account/phones",
            &format!("/account/phones/{id}/remove"),
            &[],
        )
        .await;
    assert_eq!(location(&removed), "/account/phones?done=phone_removed");
    assert_eq!(
        app.get("/v1/me/phones", &api_token).await.json()["items"],
        serde_json::json!([])
    );
}
on_both_engines!(
    phone_pages,
    super::phone_numbers_are_added_edited_and_removed
);

async fn postal_addresses_and_the_company_are_kept(app: &TestApp) {
    let api_token = app.signed_up("ada").await;
    let mut browser = Browser::new(app);
    browser.log_in("ada").await;

    let refused = browser
        .submit(
            "/account/addresses",
            "/account/addresses",
            &[
                ("line1", ""),
                ("city", "Zürich"),
                ("postal_code", "8001"),
                ("country", "XX"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    let html = text(&refused);
    assert!(
        html.contains("id=\"line1-error\"") && html.contains("id=\"country-error\""),
        "{html}"
    );

    for (line1, city) in [("Bahnhofstrasse 1", "Zürich"), ("Marktgasse 2", "Bern")] {
        let added = browser
            .submit(
                "/account/addresses",
                "/account/addresses",
                &[
                    ("line1", line1),
                    ("city", city),
                    ("postal_code", "8001"),
                    ("country", "CH"),
                ],
            )
            .await;
        assert_eq!(
            location(&added),
            "/account/addresses?done=address_added",
            "{}",
            text(&added)
        );
    }
    let (html, _) = browser.form_token("/account/addresses").await;
    let bern = item_id(&html, "address", "Marktgasse 2");
    let edited = browser
        .submit(
            "/account/addresses",
            &format!("/account/addresses/{bern}"),
            &[
                ("line1", "Marktgasse 3"),
                ("city", "Bern"),
                ("postal_code", "3011"),
                ("country", "CH"),
                ("default_billing", "on"),
            ],
        )
        .await;
    assert_eq!(location(&edited), "/account/addresses?done=address_changed");
    let listed = app.get("/v1/me/addresses", &api_token).await.json();
    let billing: Vec<_> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["default_billing"] == true)
        .map(|a| a["line1"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(billing, ["Marktgasse 3"]);

    let refused = browser
        .submit(
            "/account/company",
            "/account/company",
            &[("name", "Analytical Engines AG"), ("tax_id", "DE12")],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(text(&refused).contains("id=\"tax_id-error\""));
    app.get("/v1/me/company", &api_token).await.expect(404);
    let saved = browser
        .submit(
            "/account/company",
            "/account/company",
            &[
                ("name", "Analytical Engines AG"),
                ("tax_id", "CHE-123.456.788 MWST"),
            ],
        )
        .await;
    assert_eq!(
        location(&saved),
        "/account/company?done=company_saved",
        "{}",
        text(&saved)
    );
    let company = app.get("/v1/me/company", &api_token).await.json();
    assert_eq!(company["name"], "Analytical Engines AG");
    let removed = browser
        .submit("/account/company", "/account/company/remove", &[])
        .await;
    assert_eq!(location(&removed), "/account/company?done=company_removed");
    app.get("/v1/me/company", &api_token).await.expect(404);
}
on_both_engines!(
    address_and_company_pages,
    super::postal_addresses_and_the_company_are_kept
);

async fn a_form_without_its_token_changes_nothing(app: &TestApp) {
    let api_token = app.signed_up("ada").await;
    let mut browser = Browser::new(app);
    browser.log_in("ada").await;
    let forged = browser
        .post(
            "/account/phones",
            &[("number", "+41 44 668 18 00"), ("csrf", "forged")],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert!(text(&forged).contains("This form has expired"));
    assert_eq!(
        app.get("/v1/me/phones", &api_token).await.json()["items"],
        serde_json::json!([])
    );
}
on_both_engines!(
    forged_profile_forms,
    super::a_form_without_its_token_changes_nothing
);
