//! Reading request cookies, and the known-device cookie that browsers keep.

use poem::Request;
use portico_security::SecretToken;
use portico_security::devices::DEVICE_LIFETIME;

/// The known-device cookie's name.
pub const DEVICE_COOKIE: &str = "portico_device";

/// The value of the first cookie called `name` in the request's `Cookie` headers.
pub fn cookie_value<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers()
        .get_all(poem::http::header::COOKIE)
        .iter()
        .filter_map(|header| header.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value)
}

/// The known-device credential a browser sent, if any.
pub fn read_device_cookie(req: &Request) -> Option<String> {
    cookie_value(req, DEVICE_COOKIE)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

/// The `Set-Cookie` value that hands a browser its known-device credential: out of
/// reach of scripts, sent only to this site, and only over https when the portal is
/// served over https.
pub fn device_cookie(token: &SecretToken, secure: bool) -> String {
    format!(
        "{DEVICE_COOKIE}={}; Max-Age={}; Path=/; HttpOnly; SameSite=Strict{}",
        token.expose(),
        DEVICE_LIFETIME.whole_seconds(),
        if secure { "; Secure" } else { "" }
    )
}
