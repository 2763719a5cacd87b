//! The client-area pages through the real router, as a browser without JavaScript
//! uses them: forms posted as `application/x-www-form-urlencoded`, the session in a
//! cookie, a token in every form.

use poem::Body;
use poem::http::Method;

use crate::support::{PASSWORD, Reply, TestApp, on_both_engines, read};

/// A browser: the cookies it was given, sent back with every request.
struct Browser<'a> {
    app: &'a TestApp,
    cookies: Vec<(String, String)>,
}

impl<'a> Browser<'a> {
    fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            cookies: Vec::new(),
        }
    }

    async fn request(
        &mut self,
        method: Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> Reply {
        let mut request = self.app.client.request(method, path.to_owned());
        let cookie = self
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ");
        if !cookie.is_empty() {
            request = request.header("cookie", cookie);
        }
        if let Some(form) = form {
            let encoded = form
                .iter()
                .map(|(name, value)| format!("{name}={}", urlencode(value)))
                .collect::<Vec<_>>()
                .join("&");
            request = request
                .content_type("application/x-www-form-urlencoded")
                .body(Body::from_string(encoded));
        }
        let reply = read(request.send().await.0).await;
        for set in reply.headers.get_all("set-cookie") {
            let set = set.to_str().unwrap();
            let (pair, attributes) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(known, _)| known != name);
            if !attributes.contains("Max-Age=0") {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
        reply
    }

    async fn get(&mut self, path: &str) -> Reply {
        self.request(Method::GET, path, None).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.request(Method::POST, path, Some(form)).await
    }

    /// Opens `path` and returns its page with the form token it carries.
    async fn form_token(&mut self, path: &str) -> (String, String) {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", text(&page));
        let html = text(&page);
        let token = html
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned();
        (html, token)
    }

    async fn log_in(&mut self, login: &str) {
        let (_, token) = self.form_token("/login").await;
        let reply = self
            .post(
                "/login",
                &[("login", login), ("password", PASSWORD), ("csrf", &token)],
            )
            .await;
        assert_eq!(reply.status, 303, "{}", text(&reply));
        assert_eq!(location(&reply), "/account/profile");
    }
}

fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

fn text(reply: &Reply) -> String {
    String::from_utf8_lossy(&reply.body).into_owned()
}

fn location(reply: &Reply) -> &str {
    reply
        .headers
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
}

async fn a_browser_logs_in_edits_its_profile_and_logs_out(app: &TestApp) {
    let api_token = app.signed_up("ada").await;
    let mut browser = Browser::new(app);

    let first = browser.get("/account/profile").await;
    assert_eq!(first.status, 303);
    assert_eq!(location(&first), "/login");

    browser.log_in("ada").await;
    let session = browser
        .cookies
        .iter()
        .find(|(name, _)| name == "portico_session")
        .unwrap()
        .1
        .clone();
    assert!(!session.is_empty());
    let (html, token) = browser.form_token("/account/profile").await;
    assert!(html.contains("value=\"Ada\""), "{html}");

    let saved = browser
        .post(
            "/account/profile",
            &[
                ("first_name", "Augusta"),
                ("last_name", "King"),
                ("language", "de-CH"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", text(&saved));
    let profile = app.get("/v1/me/profile", &api_token).await.json();
    assert_eq!(profile["first_name"], "Augusta");
    assert_eq!(profile["language"], "de-CH");
    let (german, token) = browser.form_token("/account/profile?saved").await;
    assert!(german.contains("<html lang=\"de\">"), "{german}");
    assert!(german.contains("Ihr Profil wurde gespeichert."), "{german}");

    let out = browser.post("/logout", &[("csrf", &token)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(location(&out), "/login");
    let after = browser.get("/account/profile").await;
    assert_eq!(after.status, 303, "a page after logout is refused");
    // The session itself ended, not only the cookie.
    let mut replay = Browser::new(app);
    replay.cookies.push(("portico_session".into(), session));
    assert_eq!(replay.get("/account/profile").await.status, 303);
}
on_both_engines!(
    sign_in_and_profile,
    super::a_browser_logs_in_edits_its_profile_and_logs_out
);

async fn a_form_without_its_token_changes_nothing(app: &TestApp) {
    let api_token = app.signed_up("ada").await;
    let mut browser = Browser::new(app);
    browser.log_in("ada").await;

    for forged in ["", "not-the-token"] {
        let reply = browser
            .post(
                "/account/profile",
                &[
                    ("first_name", "Mallory"),
                    ("last_name", "King"),
                    ("language", "en"),
                    ("csrf", forged),
                ],
            )
            .await;
        assert_eq!(reply.status, 403, "{}", text(&reply));
    }
    let profile = app.get("/v1/me/profile", &api_token).await.json();
    assert_eq!(profile["first_name"], "Ada");

    // A login form posted from elsewhere, without the browser's form cookie, fails too.
    let mut stranger = Browser::new(app);
    let reply = stranger
        .post(
            "/login",
            &[("login", "ada"), ("password", PASSWORD), ("csrf", "x")],
        )
        .await;
    assert_eq!(reply.status, 403);
    assert!(
        !stranger
            .cookies
            .iter()
            .any(|(name, _)| name == "portico_session")
    );
}
on_both_engines!(
    forms_need_their_token,
    super::a_form_without_its_token_changes_nothing
);

async fn the_pages_show_the_apis_words_beside_the_fields(app: &TestApp) {
    app.signed_up("ada").await;
    let mut browser = Browser::new(app);
    let (_, token) = browser.form_token("/login").await;
    let refused = browser
        .post(
            "/login",
            &[
                ("login", "ada"),
                ("password", "wrong password here"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(refused.status, 401);
    assert!(text(&refused).contains("role=\"alert\""));

    browser.log_in("ada").await;
    let (_, token) = browser.form_token("/account/profile").await;
    let invalid = browser
        .post(
            "/account/profile",
            &[
                ("first_name", ""),
                ("last_name", "King"),
                ("language", "klingon!"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(invalid.status, 422);
    let html = text(&invalid);
    assert!(html.contains("id=\"language-error\""), "{html}");
    assert!(html.contains("id=\"first_name-error\""), "{html}");
    assert!(
        html.contains("value=\"klingon!\""),
        "what was typed stays: {html}"
    );
    assert!(
        invalid
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
}
on_both_engines!(
    field_errors,
    super::the_pages_show_the_apis_words_beside_the_fields
);
