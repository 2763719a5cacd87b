//! Email addresses.
//!
//! An [`EmailAddress`] is checked once, at the edge, and is then safe everywhere: it
//! has a dotted domain, no display name, no domain literal and no control characters,
//! so it can go into a mail header without any chance of header injection.

use std::fmt;

/// Why a text is not an acceptable email address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidEmail {
    /// Longer than the 254 characters an SMTP path allows.
    #[error("an email address has at most 254 characters")]
    TooLong,
    /// Control characters (CR, LF, NUL...) never belong in an address.
    #[error("an email address cannot contain control characters")]
    ControlCharacter,
    /// Not of the form `local@domain.tld`.
    #[error("not a valid email address")]
    Malformed,
}

/// A syntactically valid email address, with its domain in lower case.
///
/// The local part keeps its case (some servers honour it), but [`EmailAddress::key`]
/// folds it, so `Ada@x.io` and `ada@X.io` count as the same address for uniqueness
/// and login.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// The longest address accepted (RFC 5321 path limit less the angle brackets).
    pub const MAX_LEN: usize = 254;

    /// Parses user input; surrounding white space is ignored.
    pub fn parse(input: &str) -> Result<Self, InvalidEmail> {
        let input = input.trim();
        if input.chars().any(char::is_control) {
            return Err(InvalidEmail::ControlCharacter);
        }
        if input.len() > Self::MAX_LEN {
            return Err(InvalidEmail::TooLong);
        }
        let options = email_address::Options::default()
            .with_minimum_sub_domains(2)
            .without_domain_literal()
            .without_display_text();
        let parsed = email_address::EmailAddress::parse_with_options(input, options)
            .map_err(|_| InvalidEmail::Malformed)?;
        let (local, domain) = (parsed.local_part(), parsed.domain());
        if local.contains(char::is_whitespace) || domain.contains(char::is_whitespace) {
            return Err(InvalidEmail::Malformed);
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The address as it should be shown and mailed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-folded form used for uniqueness and lookups.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }

    /// Where a notice about an account goes: its primary address (verified or not:
    /// it is the one the client chose), then every other verified address, each
    /// once however it is capitalised.
    pub fn notice_recipients<'a>(
        primary: &'a EmailAddress,
        verified: &'a [EmailAddress],
    ) -> Vec<&'a EmailAddress> {
        let mut recipients = vec![primary];
        for address in verified {
            if recipients.iter().all(|r| r.key() != address.key()) {
                recipients.push(address);
            }
        }
        recipients
    }

    /// The part before the `@`, used to spot passwords built from the address.
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_domain_is_lower_cased_and_the_local_part_kept() {
        let email = EmailAddress::parse("  Ada.Lovelace@Example.ORG ").unwrap();
        assert_eq!(email.as_str(), "Ada.Lovelace@example.org");
        assert_eq!(email.key(), "ada.lovelace@example.org");
        assert_eq!(email.local_part(), "Ada.Lovelace");
    }

    #[test]
    fn header_injection_is_refused() {
        assert_eq!(
            EmailAddress::parse("a@example.com\r\nBcc: b@example.com"),
            Err(InvalidEmail::ControlCharacter)
        );
        assert_eq!(
            EmailAddress::parse("a\n@example.com"),
            Err(InvalidEmail::ControlCharacter)
        );
    }

    #[test]
    fn display_names_literals_and_bare_hosts_are_refused() {
        for input in [
            "Ada <ada@example.com>",
            "ada@[127.0.0.1]",
            "ada@localhost",
            "ada",
            "@example.com",
            "",
        ] {
            assert_eq!(
                EmailAddress::parse(input),
                Err(InvalidEmail::Malformed),
                "{input}"
            );
        }
    }

    #[test]
    fn overlong_addresses_are_refused() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(InvalidEmail::TooLong));
    }

    proptest! {
        #[test]
        fn parsed_addresses_never_hold_control_characters_and_reparse_to_themselves(input in "\\PC{0,40}@?\\PC{0,20}") {
            if let Ok(email) = EmailAddress::parse(&input) {
                prop_assert!(!email.as_str().chars().any(char::is_control));
                prop_assert_eq!(EmailAddress::parse(email.as_str()), Ok(email.clone()));
            }
        }
    }
}
