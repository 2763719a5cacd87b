//! The session of a browser: the same sessions the API hands out, carried in an
//! HttpOnly cookie instead of an `Authorization` header.

use poem::Request;
use portico_security::{AuthError, SecretToken, Session};

use crate::http::client::client_info;
use crate::http::cookies::cookie_value;
use crate::wiring::Services;

/// The session cookie's name over plain http (development, tests).
pub const SESSION_COOKIE: &str = "portico_session";
/// Its name over https: the `__Host-` prefix makes browsers refuse the cookie unless
/// it is `Secure`, set by this host itself, for the whole site and without `Domain`,
/// so a sibling subdomain cannot plant one of its own (cookie tossing).
pub const SECURE_SESSION_COOKIE: &str = "__Host-portico_session";

/// The session cookie's name on a portal served over https (`secure`) or not.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// A request from a browser whose session is complete and live, with the secret the
/// forms of its pages are bound to.
pub struct SignedIn {
    /// The session, checked exactly as the API checks a bearer token (expiry, idle
    /// time, IP whitelist, second factor).
    pub session: Session,
    /// The session token, for the forms' CSRF tokens; never rendered.
    pub secret: String,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn")
            .field("session", &self.session.id)
            .finish_non_exhaustive()
    }
}

/// Why a page cannot be shown to this browser.
#[derive(Debug)]
pub enum NotSignedIn {
    /// No session, or one that ended: log in.
    LogIn,
    /// A login waiting for its second factor.
    SecondFactor,
    /// The account's IP whitelist refuses this address.
    AddressNotAllowed,
    /// The session store failed (logged).
    Failed,
}

/// The session the browser's cookie names, checked as the API checks bearer tokens.
pub async fn signed_in(services: &Services, req: &Request) -> Result<SignedIn, NotSignedIn> {
    let secret = session_secret(services, req).ok_or(NotSignedIn::LogIn)?;
    let token = SecretToken::from_client(secret);
    match services
        .sessions
        .authenticate(&token, &client_info(req))
        .await
    {
        Ok(session) => Ok(SignedIn {
            session,
            secret: secret.to_owned(),
        }),
        Err(AuthError::SecondFactorPending) => Err(NotSignedIn::SecondFactor),
        Err(AuthError::AddressNotAllowed) => Err(NotSignedIn::AddressNotAllowed),
        Err(AuthError::InvalidSession | AuthError::NotPending) => Err(NotSignedIn::LogIn),
        Err(AuthError::Unexpected(error)) => {
            tracing::error!(%error, "a browser session could not be checked");
            Err(NotSignedIn::Failed)
        }
    }
}

/// The session token the browser's cookie holds, if any.
fn session_secret<'a>(services: &Services, req: &'a Request) -> Option<&'a str> {
    cookie_value(req, session_cookie_name(services.cookies_secure()))
        .filter(|value| !value.is_empty())
}

/// The pending login the browser's cookie names, for the second-factor page.
pub async fn pending(services: &Services, req: &Request) -> Option<(Session, String)> {
    let secret = session_secret(services, req)?;
    match services
        .sessions
        .authenticate_pending(&SecretToken::from_client(secret), &client_info(req))
        .await
    {
        Ok(session) => Some((session, secret.to_owned())),
        Err(AuthError::Unexpected(error)) => {
            tracing::error!(%error, "a pending browser session could not be checked");
            None
        }
        Err(_) => None,
    }
}

/// The `Set-Cookie` value that hands a browser its session: out of reach of scripts,
/// sent on top-level navigation from elsewhere (so a link into the portal finds the
/// person signed in) but not with cross-site posts, and only over https when the
/// portal is served over https. It lasts as long as the browser runs; the session's
/// own expiry still applies.
pub fn session_cookie(token: &SecretToken, secure: bool) -> String {
    format!(
        "{}={}; Path=/; HttpOnly; SameSite=Lax{}",
        session_cookie_name(secure),
        token.expose(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that makes the browser forget its session.
pub fn cleared_session_cookie(secure: bool) -> String {
    format!(
        "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}",
        session_cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}
