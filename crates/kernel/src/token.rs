//! One-time and bearer tokens: sessions, email verification, password resets,
//! invitations.
//!
//! A token is 256 random bits, shown to the client once. Only its SHA-256 digest is
//! stored, so a copy of the database does not let anyone act as a client; a plain
//! hash suffices (no salt, no stretching) because the input is random, not chosen.

use std::fmt;

use crate::StorageError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// A bearer token in the form given to the client.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(String);

/// The SHA-256 digest of a token, hex encoded: the only form that is stored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenDigest(String);

impl SecretToken {
    /// Random bytes in a token.
    pub const BYTES: usize = 32;

    /// A fresh token from the operating system's CSPRNG.
    pub fn generate() -> Result<Self, StorageError> {
        let mut bytes = [0u8; Self::BYTES];
        getrandom::fill(&mut bytes).map_err(StorageError::new)?;
        Ok(Self(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// Wraps a token presented by a client. Anything is accepted here: a token that
    /// was never issued simply has no stored digest.
    pub fn from_client(text: &str) -> Self {
        Self(text.to_owned())
    }

    /// The text to hand to the client.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The digest to store or look up.
    pub fn digest(&self) -> TokenDigest {
        let digest = Sha256::digest(self.0.as_bytes());
        TokenDigest(digest.iter().map(|b| format!("{b:02x}")).collect())
    }
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretToken(<redacted>)")
    }
}

impl TokenDigest {
    /// Wraps a digest read from storage.
    pub fn from_stored(hex: String) -> Self {
        Self(hex)
    }

    /// The hex text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_256_bits_and_differ() {
        let a = SecretToken::generate().unwrap();
        let b = SecretToken::generate().unwrap();
        assert_eq!(a.expose().len(), 43);
        assert_ne!(a, b);
    }

    #[test]
    fn the_digest_is_sha256_hex_and_stable() {
        let token = SecretToken::from_client("abc");
        assert_eq!(
            token.digest().as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_token_never_shows_in_debug_output() {
        let token = SecretToken::from_client("abc");
        assert!(!format!("{token:?}").contains("abc"));
    }
}
