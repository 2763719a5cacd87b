//! Limits on what costs mail or hashing, affiliate links that cannot become an open
//! redirect, and secret settings that never get printed.

use std::process::Command;

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

const SECRETS: [(&str, &str); 4] = [
    (
        "PORTICO_PLATFORM_TOKEN",
        "platform-token-that-must-stay-hidden-0123",
    ),
    (
        "PORTICO_SMTP_URL",
        "smtp://mailer:smtp-password-hidden@127.0.0.1:2525",
    ),
    (
        "PORTICO_TOTP_KEY",
        "dG90cC1rZXktdGhhdC1tdXN0LXN0YXktaGlkZGVuISE=",
    ),
    (
        "PORTICO_DATABASE_URL",
        "postgres://portico:db-password-hidden@127.0.0.1/x",
    ),
];

#[test]
fn help_never_prints_the_value_of_a_secret_setting() {
    for command in [&["serve", "--help"][..], &["--help"], &["worker", "--help"]] {
        let output = Command::new(env!("CARGO_BIN_EXE_portico"))
            .args(command)
            .envs(SECRETS)
            .output()
            .unwrap();
        assert!(output.status.success());
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains("PORTICO_PLATFORM_TOKEN"), "{help}");
        for (name, value) in SECRETS {
            assert!(!help.contains(value), "{name} printed by {command:?}");
        }
        for hidden in ["hidden", "password-hidden"] {
            assert!(!help.contains(hidden), "{help}");
        }
    }
}

#[test]
fn a_short_platform_token_is_refused_at_start_up_without_printing_it() {
    let data = std::env::temp_dir().join(format!("portico-short-token-{}", std::process::id()));
    let (started, said) = serve_output(
        &[
            ("PORTICO_PLATFORM_TOKEN", "short-secret-x"),
            ("PORTICO_TOTP_KEY", SECRETS[2].1),
            ("PORTICO_LISTEN", "127.0.0.1:0"),
        ],
        &data,
    );

    assert!(!started, "{said}");
    assert!(said.contains("PORTICO_PLATFORM_TOKEN"), "{said}");
    assert!(said.contains("32 characters"), "{said}");
    assert!(!said.contains("short-secret-x"), "{said}");
    assert!(
        !data.exists(),
        "nothing written before the settings are checked"
    );
}

#[test]
fn a_template_with_an_unknown_variable_is_refused_at_start_up() {
    let folder = std::env::temp_dir().join(format!("portico-templates-{}", std::process::id()));
    std::fs::create_dir_all(folder.join("web")).unwrap();
    std::fs::write(
        folder.join("web").join("login.html"),
        "{% extends \"layout.html\" %}{% block title %}In{% endblock %}\
         {% block content %}{{ usernme }}{% endblock %}",
    )
    .unwrap();
    let data = folder.join("data");
    let templates = folder.display().to_string();
    let (started, said) = serve_output(
        &[
            ("PORTICO_TEMPLATES_DIR", templates.as_str()),
            ("PORTICO_LISTEN", "127.0.0.1:0"),
        ],
        &data,
    );
    let nothing_written = !data.exists();
    std::fs::remove_dir_all(&folder).unwrap();

    assert!(!started, "{said}");
    assert!(said.contains("PORTICO_TEMPLATES_DIR"), "{said}");
    assert!(
        said.contains("login.html") && said.contains("`usernme`"),
        "{said}"
    );
    assert!(
        nothing_written,
        "nothing written before the templates are checked"
    );
}

/// What `portico serve` printed when it stopped, with the settings `env`; a server
/// that starts anyway is stopped after 30 s, and counts as started.
fn serve_output(env: &[(&str, &str)], data: &std::path::Path) -> (bool, String) {
    let mut server = Command::new(env!("CARGO_BIN_EXE_portico"))
        .arg("serve")
        .env_remove("PORTICO_TOTP_KEY")
        .env("PORTICO_DATA_DIR", data)
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while server.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let stopped_on_its_own = server.try_wait().unwrap().is_some();
    if !stopped_on_its_own {
        let _ = server.kill();
    }
    let output = server.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (!stopped_on_its_own || output.status.success(), said)
}

#[test]
fn a_password_minimum_below_eight_is_refused_at_start_up_not_raised() {
    let data = std::env::temp_dir().join(format!("portico-min-length-{}", std::process::id()));
    let (started, said) = serve_output(
        &[
            ("PORTICO_PASSWORD_MIN_LENGTH", "4"),
            ("PORTICO_LISTEN", "127.0.0.1:0"),
        ],
        &data,
    );

    assert!(!started, "{said}");
    assert!(said.contains("password-min-length"), "{said}");
    assert!(said.contains("8..=128"), "{said}");
    assert!(
        !data.exists(),
        "nothing written before the settings are checked"
    );
}

#[test]
fn a_listen_address_in_use_is_named() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let data = std::env::temp_dir().join(format!("portico-in-use-{}", std::process::id()));
    let (started, said) = serve_output(&[("PORTICO_LISTEN", address.as_str())], &data);
    let _ = std::fs::remove_dir_all(&data);

    assert!(!started, "{said}");
    assert!(said.contains(&address), "{said}");
    drop(taken);
}

#[test]
fn skipped_migrations_on_a_database_that_lacks_them_are_refused_with_what_to_run() {
    let data = std::env::temp_dir().join(format!("portico-skip-{}", std::process::id()));
    std::fs::create_dir_all(&data).unwrap();
    let url = format!("sqlite:{}?mode=rwc", data.join("empty.db").display());
    let (started, said) = serve_output(
        &[
            ("PORTICO_SKIP_MIGRATIONS", "true"),
            ("PORTICO_DATABASE_URL", url.as_str()),
            ("PORTICO_LISTEN", "127.0.0.1:0"),
        ],
        &data,
    );
    let _ = std::fs::remove_dir_all(&data);

    assert!(!started, "{said}");
    assert!(said.contains("portico migrate"), "{said}");
    assert!(said.contains("m0001"), "{said}");
}

#[test]
fn an_unreachable_database_is_named_at_start_up() {
    let data = std::env::temp_dir().join(format!("portico-no-db-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let (started, said) = serve_output(
        &[
            (
                "PORTICO_DATABASE_URL",
                "postgres://portico:db-secret@127.0.0.1:1/portico",
            ),
            ("PORTICO_LISTEN", "127.0.0.1:0"),
        ],
        &data,
    );

    assert!(!started, "{said}");
    assert!(
        said.contains("cannot reach the database at 127.0.0.1:1"),
        "{said}"
    );
    assert!(!said.contains("db-secret"), "{said}");
    // Nothing was written before the database answered: no TOTP key file.
    assert!(!data.join("totp-seed.key").exists(), "{said}");
    let _ = std::fs::remove_dir_all(&data);
}
