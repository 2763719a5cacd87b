//! Affiliate links: an unguessable short code, where it leads, and a campaign name.

use std::fmt;

use portico_kernel::StorageError;
use portico_kernel::text_rules::WHITE_SPACE;

const CODE_ALPHABET: &[u8; 32] = b"23456789abcdefghjkmnpqrstuvwxyz0";
const CODE_LEN: usize = 12;

/// The text is not a link code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a link code")]
pub struct InvalidCode;

/// A link's public code: 12 characters, 60 random bits, so codes cannot be guessed
/// or enumerated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LinkCode(String);

impl LinkCode {
    /// A fresh random code.
    pub fn generate() -> Result<Self, StorageError> {
        let mut bytes = [0u8; CODE_LEN];
        getrandom::fill(&mut bytes).map_err(StorageError::new)?;
        Ok(Self(
            bytes
                .iter()
                .map(|b| char::from(CODE_ALPHABET[usize::from(b % 32)]))
                .collect(),
        ))
    }

    /// Reads a code from a URL or a registration form.
    pub fn parse(input: &str) -> Result<Self, InvalidCode> {
        let valid = input.len() == CODE_LEN && input.bytes().all(|b| CODE_ALPHABET.contains(&b));
        if valid {
            Ok(Self(input.to_owned()))
        } else {
            Err(InvalidCode)
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LinkCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The text is not an acceptable landing URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "a landing URL is an absolute http:// or https:// URL without credentials, at most 2048 characters"
)]
pub struct InvalidLandingUrl;

/// Where a link leads: http(s) only, so a link can never run script or open a
/// local file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LandingUrl(String);

impl LandingUrl {
    /// The longest URL accepted, as typed and once normalised, in bytes.
    pub const MAX_LEN: usize = 2048;

    /// Reads a URL.
    pub fn parse(input: &str) -> Result<Self, InvalidLandingUrl> {
        let input = input.trim();
        if input.len() > Self::MAX_LEN {
            return Err(InvalidLandingUrl);
        }
        // The length that counts is the stored, normalised one: percent-encoding
        // can make it several times longer than what was typed.
        Self::read(input).and_then(|url| {
            if url.0.len() <= Self::MAX_LEN {
                Ok(url)
            } else {
                Err(InvalidLandingUrl)
            }
        })
    }

    /// Reads a URL stored before, normalised again. Its length is not judged: one
    /// stored by an earlier version, normalised less strictly, may come out longer,
    /// and must still be shown and followed.
    pub fn from_stored(stored: &str) -> Result<Self, InvalidLandingUrl> {
        Self::read(stored.trim())
    }

    fn read(input: &str) -> Result<Self, InvalidLandingUrl> {
        let url = url::Url::parse(input).map_err(|_| InvalidLandingUrl)?;
        let acceptable = matches!(url.scheme(), "http" | "https")
            && url.host_str().is_some_and(|host| !host.is_empty())
            && url.username().is_empty()
            && url.password().is_none();
        if acceptable {
            Ok(Self(strict_uri(&url)))
        } else {
            Err(InvalidLandingUrl)
        }
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL's host, lower-case (as the URL parser normalises it).
    pub fn host(&self) -> Option<String> {
        url::Url::parse(&self.0)
            .ok()
            .and_then(|url| url.host_str().map(str::to_owned))
    }
}

/// The URL as RFC 3986 spells it. The WHATWG serialisation browsers use leaves
/// some characters bare that RFC 3986 allows nowhere after the host (`{`, `|`, `^`,
/// a second `#`, a `%` that starts no escape...): answers promise a `uri`, and the
/// clients that check it follow RFC 3986. The landing page's server decodes the
/// escapes to the same characters; only a page that compares the raw bytes (a
/// signed URL, a cache key) or reads a second `#` from its fragment sees a
/// difference, and such a URL was never a valid one to give.
fn strict_uri(url: &url::Url) -> String {
    let text = url.as_str();
    let (origin, rest) = text.split_at(url[..url::Position::BeforePath].len());
    let mut strict = String::with_capacity(text.len());
    strict.push_str(origin);
    let mut in_fragment = false;
    let bytes = rest.as_bytes();
    for (index, &byte) in bytes.iter().enumerate() {
        let bare = match byte {
            b'#' => !std::mem::replace(&mut in_fragment, true),
            b'%' => bytes
                .get(index + 1..index + 3)
                .is_some_and(|digits| digits.iter().all(u8::is_ascii_hexdigit)),
            _ => byte.is_ascii_alphanumeric() || b"-._~:/?@!$&'()*+,;=".contains(&byte),
        };
        if bare {
            strict.push(char::from(byte));
        } else {
            strict.push_str(&format!("%{byte:02X}"));
        }
    }
    strict
}

/// The text is not a host name for the landing allow-list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a host name (write `example.com`, or `*.example.com` for its subdomains)")]
pub struct InvalidLandingHost(pub String);

/// The hosts landing URLs may point to, so that `/r/{code}` on the portal's own
/// origin can never send a visitor to someone else's site (an open redirect is a
/// phishing tool with the portal's name on it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LandingHosts {
    /// Hosts allowed exactly.
    exact: Vec<String>,
    /// Domains whose subdomains are allowed too (from `*.example.com`).
    suffixes: Vec<String>,
}

impl LandingHosts {
    /// Reads host names: `example.com`, or `*.example.com` for the domain and its
    /// subdomains. Case is ignored; ports and schemes are not host names.
    pub fn parse<'a>(hosts: impl IntoIterator<Item = &'a str>) -> Result<Self, InvalidLandingHost> {
        let mut allowed = Self::default();
        for host in hosts {
            let host = host.trim().to_ascii_lowercase();
            let (wildcard, name) = match host.strip_prefix("*.") {
                Some(name) => (true, name.to_owned()),
                None => (false, host.clone()),
            };
            let valid = !name.is_empty()
                && url::Url::parse(&format!("http://{name}/"))
                    .ok()
                    .and_then(|url| url.host_str().map(|h| h == name))
                    .unwrap_or(false);
            if !valid {
                return Err(InvalidLandingHost(host));
            }
            if wildcard {
                allowed.suffixes.push(name.clone());
            }
            allowed.exact.push(name);
        }
        Ok(allowed)
    }

    /// A regular expression (in the dialect JSON Schema and OpenAPI use) that an
    /// acceptable landing URL matches: http(s), an allowed host, an optional port and
    /// path, letters in any case, white space around it. It tells clients the rule up
    /// front; [`Self::allows`] stays the judge.
    pub fn url_pattern(&self) -> String {
        let mut hosts: Vec<String> = self.exact.iter().map(|name| any_case(name)).collect();
        hosts.extend(
            self.suffixes
                .iter()
                .map(|domain| format!(r"([A-Za-z0-9-]+\.)+{}", any_case(domain))),
        );
        format!(
            r"^[{WHITE_SPACE}]*[Hh][Tt][Tt][Pp][Ss]?://({}){PORT}?([/?#][^{WHITE_SPACE}]*)?[{WHITE_SPACE}]*$",
            hosts.join("|")
        )
    }

    /// Whether a landing URL points to an allowed host.
    pub fn allows(&self, url: &LandingUrl) -> bool {
        url.host().is_some_and(|host| {
            self.exact.contains(&host)
                || self
                    .suffixes
                    .iter()
                    .any(|domain| host.ends_with(&format!(".{domain}")))
        })
    }
}

/// A port, 0 to 65535.
const PORT: &str =
    r"(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))";

/// A host name as a pattern matching it in any case; the characters a host may hold
/// that mean something in a pattern (`.` and the brackets of an IPv6 address) are
/// escaped, and nothing else, so that every dialect reads it alike.
fn any_case(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' => {
                format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
            }
            '.' | '[' | ']' => format!(r"\{c}"),
            other => other.to_string(),
        })
        .collect()
}

/// The text is not a campaign name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a campaign name has 1 to 64 characters and no control characters")]
pub struct InvalidCampaign;

/// A campaign name, to tell links apart in reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign(String);

impl Campaign {
    /// The longest name accepted, in characters.
    pub const MAX_LEN: usize = 64;

    /// Reads a name, trimmed.
    pub fn parse(input: &str) -> Result<Self, InvalidCampaign> {
        let name = input.trim();
        if name.is_empty()
            || name.chars().count() > Self::MAX_LEN
            || name.chars().any(char::is_control)
        {
            return Err(InvalidCampaign);
        }
        Ok(Self(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_pattern_names_each_host_and_each_wildcards_subdomains() {
        let hosts = LandingHosts::parse(["portal.example", "*.shop.example"]).unwrap();

        let pattern = hosts.url_pattern();

        assert!(
            pattern.contains(
                r"([Pp][Oo][Rr][Tt][Aa][Ll]\.[Ee][Xx][Aa][Mm][Pp][Ll][Ee]|[Ss][Hh][Oo][Pp]\."
            ),
            "{pattern}"
        );
        assert!(
            pattern.contains(r"|([A-Za-z0-9-]+\.)+[Ss][Hh][Oo][Pp]\."),
            "{pattern}"
        );
        assert!(
            pattern.starts_with("^[") && pattern.ends_with("]*$"),
            "{pattern}"
        );
    }

    #[test]
    fn only_listed_hosts_and_subdomains_of_wildcards_are_allowed() {
        let hosts = LandingHosts::parse(["Portal.Example", "*.shop.example"]).unwrap();
        let allowed = |url: &str| hosts.allows(&LandingUrl::parse(url).unwrap());
        assert!(allowed("https://portal.example/offer"));
        assert!(allowed("https://PORTAL.example:8443/x"));
        assert!(allowed("https://shop.example/"));
        assert!(allowed("https://eu.shop.example/"));
        assert!(!allowed("https://portal.example.evil.test/"));
        assert!(!allowed("https://evilportal.example/"));
        assert!(!allowed("https://evilshop.example/"));
        assert!(!allowed("https://evil.test/?portal.example"));
        assert!(LandingUrl::parse("https://portal.example@evil.test/").is_err());
        assert!(!LandingHosts::default().allows(&LandingUrl::parse("https://a.test/").unwrap()));
    }

    #[test]
    fn a_landing_host_must_be_a_bare_host_name() {
        for bad in [
            "",
            "https://portal.example",
            "portal.example:443",
            "a b",
            "*.",
            "x/y",
        ] {
            assert!(LandingHosts::parse([bad]).is_err(), "{bad}");
        }
    }
    use proptest::prelude::*;

    #[test]
    fn codes_are_random_and_read_back() {
        let a = LinkCode::generate().unwrap();
        let b = LinkCode::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(LinkCode::parse(a.as_str()), Ok(a));
        assert_eq!(LinkCode::parse("short"), Err(InvalidCode));
        assert_eq!(LinkCode::parse("ABCDEFGHJKMN"), Err(InvalidCode));
    }

    #[test]
    fn only_http_and_https_urls_land() {
        assert!(LandingUrl::parse("https://shop.example/offer?x=1").is_ok());
        assert!(LandingUrl::parse("http://example.com").is_ok());
        for bad in [
            "javascript:alert(1)",
            "data:text/html,hi",
            "file:///etc/passwd",
            "ftp://example.com/",
            "https://user:pw@example.com/",
            "/relative/path",
            "",
            &format!("https://a.example/{}", "é".repeat(1_000)),
        ] {
            assert_eq!(LandingUrl::parse(bad), Err(InvalidLandingUrl), "{bad}");
        }
    }

    #[test]
    fn a_landing_url_is_spelled_as_rfc_3986_allows() {
        let url = |input: &str| LandingUrl::parse(input).unwrap().as_str().to_owned();
        assert_eq!(
            url("https://shop.example/a?q={x}|^`[1]#top#more"),
            "https://shop.example/a?q=%7Bx%7D%7C%5E%60%5B1%5D#top%23more"
        );
        assert_eq!(
            url("https://shop.example/100%?a=%zz&b=%41"),
            "https://shop.example/100%25?a=%25zz&b=%41"
        );
        assert_eq!(
            url("http://[2001:db8::1]:8080/x"),
            "http://[2001:db8::1]:8080/x"
        );
        assert_eq!(
            url("https://shop.example/it's;a,b=c@d!$&(e)*+~"),
            "https://shop.example/it's;a,b=c@d!$&(e)*+~"
        );
    }

    #[test]
    fn a_stored_url_longer_once_normalised_is_still_read() {
        // Short enough as typed, three times longer once escaped.
        let stored = format!("https://shop.example/?q={}", "{".repeat(1_000));
        assert!(stored.len() <= LandingUrl::MAX_LEN);
        assert_eq!(LandingUrl::parse(&stored), Err(InvalidLandingUrl));
        let read = LandingUrl::from_stored(&stored).unwrap();
        assert!(read.as_str().ends_with("%7B%7B"), "{}", read.as_str());
        assert_eq!(
            LandingUrl::from_stored("javascript:alert(1)"),
            Err(InvalidLandingUrl)
        );
    }

    /// Whether `tail` (what follows the host) avoids what RFC 3986 forbids there,
    /// stated from the RFC's side (the characters it never allows, escapes that are
    /// not two hex digits, a second `#`) rather than as `strict_uri` builds it.
    fn breaks_rfc_3986(tail: &str) -> bool {
        let never = |c: char| !c.is_ascii() || c.is_ascii_control() || " \"<>\\^`{|}[]".contains(c);
        let bad_escape = tail.match_indices('%').any(|(at, _)| {
            tail.get(at + 1..at + 3)
                .is_none_or(|digits| !digits.chars().all(|c| c.is_ascii_hexdigit()))
        });
        tail.contains(never) || bad_escape || tail.matches('#').count() > 1
    }

    proptest! {
        #[test]
        fn parsing_any_text_never_panics(input in "\\PC{0,80}") {
            let _ = LinkCode::parse(&input);
            let _ = LandingUrl::parse(&input);
            let _ = Campaign::parse(&input);
        }

        #[test]
        fn every_landing_url_is_a_uri_and_reads_back_the_same(tail in "\\PC{0,60}") {
            if let Ok(url) = LandingUrl::parse(&format!("https://shop.example/{tail}")) {
                let text = url.as_str();
                prop_assert!(!breaks_rfc_3986(&text["https://shop.example".len()..]), "{}", text);
                prop_assert_eq!(LandingUrl::parse(text), Ok(url.clone()));
            }
        }
    }
}
