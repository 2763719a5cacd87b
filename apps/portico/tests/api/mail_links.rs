//! Reading the one-time links out of captured mails.
//!
//! Links are read from the raw message, as a person copying them out of an `.eml`
//! file would: bodies are sent as they are, so no transfer encoding needs undoing.

/// The `(email, token)` parameters of the verification link in a captured mail.
pub fn verification_link(raw: &str) -> (String, String) {
    let start = raw
        .find("/verify-email?email=")
        .expect("a verification link");
    let rest = &raw[start + "/verify-email?email=".len()..];
    let (email, rest) = rest.split_once("&token=").expect("a token parameter");
    let token: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (email.to_owned(), token)
}

/// Undoes quoted-printable soft line breaks and `=3D`, for searching text in a mail
/// whatever its encoding.
pub fn decoded(raw: &str) -> String {
    raw.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// The `token` parameter of the first `{path}?token=` link in a captured mail.
pub fn link_token(raw: &str, path: &str) -> String {
    let needle = format!("{path}?token=");
    let start = raw.find(&needle).expect("a link with a token");
    raw[start + needle.len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}
