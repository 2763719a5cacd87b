//! Proving that an email address belongs to the client.
//!
//! Adding (or editing) an address issues a token, stored only as its digest with a
//! 24-hour expiry; the address's verification mail carries it in a link. Issuing a new
//! token for the same address replaces the old one, and a token works once.

use portico_kernel::{EmailId, OneTimeLink, SecretToken, StorageError, TokenDigest};
use time::{Duration, OffsetDateTime};

/// How long a verification link works.
pub const VERIFICATION_LIFETIME: Duration = Duration::hours(24);

/// A pending verification as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailVerification {
    /// The address it verifies.
    pub email_id: EmailId,
    /// Digest of the token in the link.
    pub digest: TokenDigest,
    /// When the link stops working.
    pub expires_at: OffsetDateTime,
}

impl EmailVerification {
    /// A fresh token for an address, and what to store about it.
    pub fn issue(
        email_id: EmailId,
        now: OffsetDateTime,
    ) -> Result<(SecretToken, Self), StorageError> {
        let token = SecretToken::generate()?;
        let verification = Self {
            email_id,
            digest: token.digest(),
            expires_at: now + VERIFICATION_LIFETIME,
        };
        Ok((token, verification))
    }
}

/// Builds the links mails carry, from the configured public base URL (never from a
/// request's Host header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    base_url: String,
}

impl Links {
    /// Links under `base_url` (such as `https://portal.example.com`).
    pub fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
        }
    }

    /// `{base}/verify-email?email={id}&token={token}`: the page that confirms an
    /// address by calling `POST /v1/me/emails/{id}/verify`.
    pub fn verify_email(&self, email: EmailId, token: &SecretToken) -> OneTimeLink {
        OneTimeLink::new(
            &self.base_url,
            "/verify-email",
            &[("email", &email.to_string())],
            token.expose(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verification_expires_after_a_day_and_stores_only_the_digest() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let (token, verification) = EmailVerification::issue(EmailId::generate(), now).unwrap();
        assert_eq!(verification.expires_at, now + Duration::hours(24));
        assert_eq!(verification.digest, token.digest());
        assert_ne!(verification.digest.as_str(), token.expose());
    }

    #[test]
    fn the_link_names_the_address_and_carries_the_token() {
        let links = Links::new("https://portal.example/");
        let email = EmailId::generate();
        let token = SecretToken::from_client("abc");
        assert_eq!(
            links.verify_email(email, &token).expose(),
            format!("https://portal.example/verify-email?email={email}&token=abc")
        );
    }
}
