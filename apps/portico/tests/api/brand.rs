//! The hosting company's brand through the real router: its name, logo and colour on
//! the pages (and the logo's origin in their policy), its name in the mails, as the
//! authenticator label and in the password rule, and its own wording for a mail.

use poem::http::Method;
use portico::brand::Brand;
use serde_json::json;

use crate::support::{
    PASSWORD, TestApp, build_with, decoded, on_both_engines, registration, send, settings,
};

async fn a_branded_portal_shows_and_signs_with_its_own_name(app: &TestApp) {
    let mut branded = settings();
    branded.brand = Brand {
        name: "Example Hosting".into(),
        logo_url: Some("https://cdn.example/brand/logo.svg".into()),
        accent: "#0a7a3b".into(),
        mail_templates: vec![(
            "welcome.en.txt".into(),
            "Subject: {{ first_name }}, welcome aboard {{ brand }}\n\nConfirm: {{ link }}\n".into(),
        )],
        page_templates: vec![(
            "login.html".into(),
            "{% extends \"layout.html\" %}{% from \"field.html\" import input %}\
             {% block title %}Sign in{% endblock %}{% block content %}\
             <h1>Welcome back to {{ brand.name }}</h1>{{ username }}{% endblock %}"
                .into(),
        )],
    };
    let (client, _) = build_with(app.database(), app.clock.clone(), &app.smtp_url(), branded);

    let login = send(&client, Method::GET, "/login", None, None).await;
    let html = String::from_utf8_lossy(&login.body).into_owned();
    // The operator's wording; a value the page lacks (`username` before login) shows
    // as nothing rather than failing the page.
    assert_eq!(login.status, 200, "{html}");
    assert!(
        html.contains("<title>Sign in · Example Hosting</title>"),
        "{html}"
    );
    assert!(
        html.contains("<h1>Welcome back to Example Hosting</h1>"),
        "{html}"
    );
    assert!(
        html.contains("src=\"https:&#x2f;&#x2f;cdn.example&#x2f;brand&#x2f;logo.svg\""),
        "{html}"
    );
    let policy = login.headers["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains("img-src 'self' data: https://cdn.example;"),
        "{policy}"
    );
    let colour = send(&client, Method::GET, "/assets/brand.css", None, None).await;
    assert!(String::from_utf8_lossy(&colour.body).contains("--accent: #0a7a3b"));

    // The password rule refuses the brand's words.
    let mut refused = registration("ada");
    refused["password"] = json!("example hosting rocks 1815");
    let answer = send(&client, Method::POST, "/v1/accounts", None, Some(refused)).await;
    assert_eq!(
        answer.status,
        422,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert!(String::from_utf8_lossy(&answer.body).contains("the name of this service"));

    // The welcome mail in the operator's wording, the German one signed with the brand.
    let created = send(
        &client,
        Method::POST,
        "/v1/accounts",
        None,
        Some(registration("ada")),
    )
    .await;
    assert_eq!(created.status, 201);
    let mut german = registration("grace");
    german["language"] = json!("de-CH");
    send(&client, Method::POST, "/v1/accounts", None, Some(german)).await;
    let mail = app.wait_for_mail("ada@example.com", "welcome aboard").await;
    assert!(
        decoded(&mail).contains("Ada, welcome aboard Example Hosting"),
        "{mail}"
    );
    let mail = app
        .wait_for_mail("grace@example.com", "Example Hosting")
        .await;
    assert!(
        decoded(&mail).contains("Willkommen bei Example Hosting"),
        "{mail}"
    );

    // Authenticator apps show the brand.
    let login = send(
        &client,
        Method::POST,
        "/v1/sessions",
        None,
        Some(json!({ "login": "ada", "password": PASSWORD })),
    )
    .await;
    let token = login.json()["token"].as_str().unwrap().to_owned();
    let enrolment = send(
        &client,
        Method::POST,
        "/v1/me/two-factor/totp",
        Some(&token),
        Some(json!({})),
    )
    .await;
    let uri = enrolment.json()["otpauth_uri"].as_str().unwrap().to_owned();
    assert!(
        uri.starts_with("otpauth://totp/Example%20Hosting:ada?"),
        "{uri}"
    );
    assert!(uri.contains("issuer=Example%20Hosting"), "{uri}");
}
on_both_engines!(
    branded_portal,
    super::a_branded_portal_shows_and_signs_with_its_own_name
);

async fn a_password_built_from_the_brands_name_is_refused_with_the_other_faults(app: &TestApp) {
    let mut branded = settings();
    branded.brand = Brand {
        name: "Acme".into(),
        ..Brand::default()
    };
    let (client, _) = build_with(app.database(), app.clock.clone(), &app.smtp_url(), branded);
    let mut body = registration("ada");
    body["password"] = json!("acme acme acme 1");
    body["first_name"] = json!("");

    let refused = send(&client, Method::POST, "/v1/accounts", None, Some(body)).await;

    refused.expect_invalid_fields(&["password", "first_name"]);
    // Another brand's name is just a word here.
    let mut body = registration("ada");
    body["password"] = json!("Portico violet tractor");
    send(&client, Method::POST, "/v1/accounts", None, Some(body))
        .await
        .expect(201);
}
on_both_engines!(
    brand_password,
    super::a_password_built_from_the_brands_name_is_refused_with_the_other_faults
);
