//! A browser without JavaScript for the page tests: it keeps the cookies it is given,
//! sends them back, and posts forms as `application/x-www-form-urlencoded`.

use poem::Body;
use poem::http::Method;
use portico::web::browser_session::session_cookie_name;

use crate::support::{PASSWORD, Reply, TestApp, read};

/// A browser: the cookies it was given, sent back with every request.
pub struct Browser<'a> {
    app: &'a TestApp,
    pub cookies: Vec<(String, String)>,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
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

    pub async fn get(&mut self, path: &str) -> Reply {
        self.request(Method::GET, path, None).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.request(Method::POST, path, Some(form)).await
    }

    /// Opens `path` and returns its page with the form token it carries.
    pub async fn form_token(&mut self, path: &str) -> (String, String) {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", text(&page));
        let html = text(&page);
        let token = form_token_in(&html);
        (html, token)
    }

    /// Opens `page`, then posts `fields` and its form token to `action`.
    pub async fn submit(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> Reply {
        let (_, token) = self.form_token(page).await;
        let mut form = fields.to_vec();
        form.push(("csrf", &token));
        self.post(action, &form).await
    }

    pub async fn log_in(&mut self, login: &str) {
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

/// The session cookie's name on the test portal (https, so `__Host-` prefixed).
pub fn session_cookie(app: &TestApp) -> &'static str {
    session_cookie_name(app.services.cookies_secure())
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

/// The form token a page carries.
pub fn form_token_in(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned()
}

pub fn text(reply: &Reply) -> String {
    String::from_utf8_lossy(&reply.body).into_owned()
}

pub fn location(reply: &Reply) -> &str {
    reply
        .headers
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
}

/// The `Set-Cookie` header that sets `name`.
pub fn set_cookie<'r>(reply: &'r Reply, name: &str) -> &'r str {
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no cookie {name}"))
}
