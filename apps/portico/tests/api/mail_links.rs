//! Reading the one-time links out of captured mails.

/// The `(email, token)` parameters of the verification link in a captured mail.
/// Bodies may be quoted-printable, so soft line breaks and `=3D` are undone first.
pub fn verification_link(raw: &str) -> (String, String) {
    let decoded = raw
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let start = decoded
        .find("/verify-email?email=")
        .expect("a verification link");
    let rest = &decoded[start + "/verify-email?email=".len()..];
    let (email, rest) = rest.split_once("&token=").expect("a token parameter");
    let token: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (email.to_owned(), token)
}

/// Undoes quoted-printable soft line breaks and `=3D`, so links read whole.
pub fn decoded(raw: &str) -> String {
    raw.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// The `token` parameter of the first `{path}?token=` link in a captured mail.
pub fn link_token(raw: &str, path: &str) -> String {
    let decoded = decoded(raw);
    let needle = format!("{path}?token=");
    let start = decoded.find(&needle).expect("a link with a token");
    decoded[start + needle.len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}
