//! Cross-site request forgery: every form carries a token that only a page of this
//! site, read by the person's own browser, can know.
//!
//! The token is the SHA-256 of a fixed label and a secret the browser holds in an
//! HttpOnly cookie: the session token once signed in, a random value before. A
//! forged form from another site is sent with those cookies but cannot read them,
//! so it cannot carry the token; no server-side state is needed.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use poem::{Request, Response};
use sha2::{Digest, Sha256};

use crate::http::cookies::cookie_value;
use crate::wiring::Services;

/// The cookie that binds the forms shown before login (over https `__Host-` prefixed,
/// like the session cookie, so a sibling subdomain cannot plant it).
pub const FORM_COOKIE: &str = "portico_form";
/// Its name over https.
pub const SECURE_FORM_COOKIE: &str = "__Host-portico_form";

fn form_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_FORM_COOKIE
    } else {
        FORM_COOKIE
    }
}
/// The form field that carries the token.
pub const FIELD: &str = "csrf";

/// The token for forms bound to `secret`.
pub fn token_for(secret: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"portico form token\0");
    hasher.update(secret.as_bytes());
    URL_SAFE_NO_PAD.encode(hasher.finalize())
}

/// Whether `sent` is the token for `secret`. Both sides are hashed again before
/// they are compared, so the time the comparison takes says nothing about the token.
pub fn is_valid(secret: &str, sent: &str) -> bool {
    !secret.is_empty() && Sha256::digest(token_for(secret)) == Sha256::digest(sent)
}

/// A fresh random secret for [`FORM_COOKIE`].
pub fn fresh_form_secret() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The pre-login form secret this browser holds, if any.
pub fn form_secret(req: &Request, secure: bool) -> Option<String> {
    cookie_value(req, form_cookie_name(secure))
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

/// Whether a form posted before login carries the token of this browser's form
/// cookie (over https the `__Host-` one).
pub fn anonymous_form_is_valid(req: &Request, secure: bool, sent: &str) -> bool {
    form_secret(req, secure).is_some_and(|secret| is_valid(&secret, sent))
}

/// The `Set-Cookie` value that hands a browser its pre-login form secret.
pub fn form_cookie(secret: &str, secure: bool) -> String {
    format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Lax{}",
        form_cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

/// A form shown before login, bound to the browser's form secret (a new one when it
/// has none).
pub fn anonymous_form(
    req: &Request,
    services: &Services,
    page: impl FnOnce(String) -> Response,
) -> Response {
    let (secret, fresh) = match form_secret(req, services.cookies_secure()) {
        Some(secret) => (secret, false),
        None => match fresh_form_secret() {
            Ok(secret) => (secret, true),
            Err(error) => {
                return crate::web::page::failure(&error, crate::web::text::visitor_lang(req));
            }
        },
    };
    let mut response = page(token_for(&secret));
    if fresh {
        crate::web::page::set_cookie(
            &mut response,
            &form_cookie(&secret, services.cookies_secure()),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_valid_for_its_own_secret_only() {
        let token = token_for("session secret");
        assert!(is_valid("session secret", &token));
        assert!(!is_valid("another secret", &token));
        assert!(!is_valid("session secret", ""));
        assert!(!is_valid("", &token_for("")));
    }

    #[test]
    fn fresh_secrets_differ() {
        assert_ne!(fresh_form_secret().unwrap(), fresh_form_secret().unwrap());
    }
}
