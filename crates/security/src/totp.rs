//! Time-based one-time passwords (RFC 6238): seeds, codes and checking one against
//! the other.
//!
//! Codes are the common kind every authenticator app reads: HMAC-SHA-1, 6 digits,
//! 30-second steps. A code is checked against the current step and one step either
//! side (clock drift), and the step that matched is returned so that the caller can
//! refuse any step not later than the last one used: the library does not prevent
//! reuse by itself.

use std::fmt;

use portico_kernel::StorageError;
use time::OffsetDateTime;
use totp_rs::{Algorithm, Builder, Totp};

/// The issuer authenticator apps show when the portal names no brand of its own.
pub const DEFAULT_ISSUER: &str = "Portico";

/// A TOTP seed: 160 random bits, the size RFC 4226 recommends. Never shown in logs.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSeed([u8; TotpSeed::BYTES]);

impl TotpSeed {
    /// Bytes in a seed.
    pub const BYTES: usize = 20;

    /// A fresh seed from the operating system's CSPRNG.
    pub fn generate() -> Result<Self, StorageError> {
        let mut bytes = [0u8; Self::BYTES];
        getrandom::fill(&mut bytes).map_err(StorageError::new)?;
        Ok(Self(bytes))
    }

    /// A seed from its bytes; `None` unless there are exactly [`Self::BYTES`].
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }

    /// A seed from the base32 text an enrolment shows; `None` unless it decodes to
    /// exactly [`Self::BYTES`]. For embedders' and clients' tests that play the app.
    pub fn from_base32(text: &str) -> Option<Self> {
        let secret = totp_rs::Secret::try_from_base32(text).ok()?;
        Self::from_bytes(secret.as_ref())
    }

    /// The raw bytes, for sealing.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The seed in unpadded base32, the form apps accept when typed in by hand.
    pub fn to_base32(&self) -> String {
        self.totp(None)
            .map(|totp| totp.secret().to_base32())
            .unwrap_or_default()
    }

    fn totp(&self, label: Option<(&str, &str)>) -> Result<Totp, StorageError> {
        let builder = Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(6)
            .with_skew(1)
            .with_step_duration(TotpCode::STEP_SECONDS)
            .with_secret(self.0.to_vec());
        let builder = match label {
            Some((issuer, name)) => builder
                .with_issuer(Some(issuer))
                .with_account_name(name.to_owned()),
            None => builder,
        };
        builder.build().map_err(StorageError::new)
    }

    /// The `otpauth://` URI apps scan, labelled with `issuer` (the portal's brand)
    /// and `account_name`.
    pub fn otpauth_uri(&self, issuer: &str, account_name: &str) -> Result<String, StorageError> {
        self.totp(Some((issuer, account_name)))?
            .to_url()
            .map_err(StorageError::new)
    }

    /// The time step `code` belongs to, if it is the code of the step at `at` or of
    /// the step just before or after it.
    pub fn matching_step(&self, code: &TotpCode, at: OffsetDateTime) -> Option<u64> {
        self.totp(None).ok()?.check(&code.0, unix_seconds(at))
    }

    /// The code of the step at `at`: what an authenticator app would show then. For
    /// tests, and for embedders that drive a login from a script.
    pub fn code_at(&self, at: OffsetDateTime) -> Result<TotpCode, StorageError> {
        let code = self.totp(None)?.generate(unix_seconds(at));
        TotpCode::parse(&code.to_string()).map_err(StorageError::new)
    }
}

impl fmt::Debug for TotpSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSeed(<redacted>)")
    }
}

fn unix_seconds(at: OffsetDateTime) -> u64 {
    u64::try_from(at.unix_timestamp()).unwrap_or(0)
}

/// The text is not a six-digit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a code has 6 digits")]
pub struct InvalidTotpCode;

/// Six digits as typed from an authenticator app (spaces allowed, as apps show
/// "123 456").
#[derive(Clone, PartialEq, Eq)]
pub struct TotpCode(String);

impl TotpCode {
    /// Seconds per time step.
    pub const STEP_SECONDS: u64 = 30;

    /// Reads a code, ignoring spaces.
    pub fn parse(input: &str) -> Result<Self, InvalidTotpCode> {
        let digits: String = input.chars().filter(|c| *c != ' ').collect();
        if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(InvalidTotpCode)
        }
    }

    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TotpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpCode(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::Duration;

    fn seed() -> TotpSeed {
        // The RFC 6238 test seed for SHA-1.
        TotpSeed::from_bytes(b"12345678901234567890").unwrap()
    }

    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let at = OffsetDateTime::from_unix_timestamp(59).unwrap();
        // The RFC lists 8-digit codes; ours are their last 6 digits.
        assert_eq!(seed().code_at(at).unwrap().as_str(), "287082");
        let at = OffsetDateTime::from_unix_timestamp(1_111_111_109).unwrap();
        assert_eq!(seed().code_at(at).unwrap().as_str(), "081804");
    }

    #[test]
    fn a_code_matches_its_step_and_one_step_of_drift_but_no_more() {
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_010).unwrap();
        let code = seed().code_at(now).unwrap();
        let step = 1_700_000_010 / 30;
        assert_eq!(seed().matching_step(&code, now), Some(step));
        assert_eq!(
            seed().matching_step(&code, now + Duration::seconds(30)),
            Some(step)
        );
        assert_eq!(
            seed().matching_step(&code, now - Duration::seconds(30)),
            Some(step)
        );
        assert_eq!(
            seed().matching_step(&code, now + Duration::seconds(60)),
            None
        );
        assert_eq!(
            seed().matching_step(&code, now - Duration::seconds(60)),
            None
        );
    }

    #[test]
    fn another_seeds_code_does_not_match() {
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_010).unwrap();
        let other = TotpSeed::from_bytes(b"abcdefghijabcdefghij").unwrap();
        let code = other.code_at(now).unwrap();
        assert_eq!(seed().matching_step(&code, now), None);
        assert!(other.matching_step(&code, now).is_some());
    }

    #[test]
    fn the_uri_names_the_issuer_and_the_account_and_carries_the_seed() {
        let uri = seed().otpauth_uri(DEFAULT_ISSUER, "ada").unwrap();
        assert!(uri.starts_with("otpauth://totp/Portico:ada?"), "{uri}");
        assert!(uri.contains(&format!("secret={}", seed().to_base32())));
        assert!(uri.contains("issuer=Portico"));
        let branded = seed().otpauth_uri("Example Hosting", "ada").unwrap();
        assert!(branded.contains("issuer=Example%20Hosting"), "{branded}");
        assert_eq!(seed().to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(TotpSeed::from_base32(&seed().to_base32()), Some(seed()));
        assert_eq!(TotpSeed::from_base32("GEZDGNBV"), None);
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        assert!(!format!("{:?}", seed()).contains("123"));
        assert!(!format!("{:?}", TotpCode::parse("123456").unwrap()).contains("123"));
    }

    proptest! {
        #[test]
        fn exactly_six_digits_make_a_code(input in "\\PC{0,10}") {
            let digits: String = input.chars().filter(|c| *c != ' ').collect();
            let expected = digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit());
            prop_assert_eq!(TotpCode::parse(&input).is_ok(), expected);
        }

        #[test]
        fn spaced_codes_read_like_plain_ones(a in "[0-9]{3}", b in "[0-9]{3}") {
            prop_assert_eq!(
                TotpCode::parse(&format!("{a} {b}")).unwrap(),
                TotpCode::parse(&format!("{a}{b}")).unwrap()
            );
        }
    }
}
