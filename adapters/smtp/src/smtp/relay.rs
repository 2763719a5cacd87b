//! The SMTP server to deliver to, read from `PORTICO_SMTP_URL`.

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::extension::ClientId;
use url::Url;

use super::SmtpUrlError;

/// Port of plain SMTP (`smtp://` without `tls`).
const SMTP_PORT: u16 = 25;
/// Port of message submission with STARTTLS (`smtp://...?tls=...`).
const SUBMISSION_PORT: u16 = 587;
/// Port of submission over TLS from the first byte (`smtps://`).
const SUBMISSIONS_PORT: u16 = 465;

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// No TLS (a relay on the same host or network).
    Plain,
    /// STARTTLS after the greeting; `required` refuses a server that does not offer it.
    StartTls { required: bool },
    /// TLS from the first byte.
    Implicit,
}

/// Where and how to connect.
#[derive(Clone)]
pub struct Relay {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub credentials: Option<Credentials>,
    /// The name sent in EHLO: the URL's path when it has one, else this host's name.
    pub hello: ClientId,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Credentials stay out of logs.
        f.debug_struct("Relay")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .finish_non_exhaustive()
    }
}

impl Relay {
    /// Reads `smtp://host[:port]`, `smtp://host[:port]?tls=required|opportunistic` or
    /// `smtps://host[:port]`, each with optional percent-encoded `user:password@` and an
    /// optional `/hello-name` path.
    pub fn parse(url: &str) -> Result<Self, SmtpUrlError> {
        let url = Url::parse(url).map_err(|e| SmtpUrlError(e.to_string()))?;
        let host = url
            .host_str()
            .filter(|host| !host.is_empty())
            .ok_or_else(|| SmtpUrlError("it names no host".into()))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let tls = url
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, value)| value.into_owned());
        let (security, default_port) = match (url.scheme(), tls.as_deref()) {
            ("smtp", None) => (Security::Plain, SMTP_PORT),
            ("smtp", Some("required")) => (Security::StartTls { required: true }, SUBMISSION_PORT),
            ("smtp", Some("opportunistic")) => {
                (Security::StartTls { required: false }, SUBMISSION_PORT)
            }
            // As lettre read it: `tls` means nothing once TLS starts with the first byte.
            ("smtps", _) => (Security::Implicit, SUBMISSIONS_PORT),
            (scheme, tls) => {
                return Err(SmtpUrlError(format!(
                    "scheme {scheme:?} with tls={tls:?} is not one of smtp://, \
                     smtp://...?tls=required, smtp://...?tls=opportunistic, smtps://"
                )));
            }
        };
        let credentials = match url.password() {
            Some(password) => Some(Credentials::new(decode(url.username())?, decode(password)?)),
            None => None,
        };
        let name = url.path().trim_matches('/');
        let hello = if name.is_empty() {
            ClientId::default()
        } else {
            ClientId::Domain(name.to_owned())
        };
        Ok(Self {
            host,
            port: url.port().unwrap_or(default_port),
            security,
            credentials,
            hello,
        })
    }
}

fn decode(part: &str) -> Result<String, SmtpUrlError> {
    percent_encoding::percent_decode_str(part)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| SmtpUrlError("its user or password is not UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scheme_has_its_security_and_default_port() {
        let plain = Relay::parse("smtp://mail.example").unwrap();
        assert_eq!((plain.security, plain.port), (Security::Plain, 25));
        let starttls = Relay::parse("smtp://mail.example?tls=required").unwrap();
        assert_eq!(
            (starttls.security, starttls.port),
            (Security::StartTls { required: true }, 587)
        );
        let opportunistic = Relay::parse("smtp://mail.example:2525?tls=opportunistic").unwrap();
        assert_eq!(
            (opportunistic.security, opportunistic.port),
            (Security::StartTls { required: false }, 2525)
        );
        let implicit = Relay::parse("smtps://mail.example").unwrap();
        assert_eq!(
            (implicit.security, implicit.port),
            (Security::Implicit, 465)
        );
    }

    #[test]
    fn credentials_are_percent_decoded_and_kept_out_of_debug() {
        let relay = Relay::parse("smtp://portal%40example.com:p%3Ass@mail.example:25").unwrap();
        let credentials = relay.credentials.clone().unwrap();
        let expected = Credentials::new("portal@example.com".into(), "p:ss".into());
        assert!(credentials == expected);
        assert!(!format!("{relay:?}").contains("p:ss"));
    }

    #[test]
    fn the_path_names_the_client_in_ehlo() {
        let relay = Relay::parse("smtp://mail.example/portal.example").unwrap();
        assert_eq!(relay.hello, ClientId::Domain("portal.example".into()));
    }

    #[test]
    fn unknown_schemes_and_tls_modes_are_refused() {
        for url in [
            "http://mail.example",
            "smtp://mail.example?tls=sometimes",
            "smtp://",
            "not a url",
        ] {
            assert!(Relay::parse(url).is_err(), "{url}");
        }
    }

    #[test]
    fn bracketed_ipv6_hosts_lose_their_brackets() {
        let relay = Relay::parse("smtp://[::1]:2525").unwrap();
        assert_eq!((relay.host.as_str(), relay.port), ("::1", 2525));
    }
}
