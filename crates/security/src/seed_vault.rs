//! Encrypting TOTP seeds at rest.
//!
//! A seed is as good as the second factor itself, so the database only ever holds it
//! sealed with XChaCha20-Poly1305 under a key that lives outside the database (a
//! setting, or a key file in the data folder). The account id is bound in as
//! associated data: a sealed seed copied onto another account's row does not open.
//! The 24-byte random nonce makes nonce reuse a non-issue for any number of seeds.

use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use portico_kernel::{AccountId, StorageError};
use sha2::{Digest, Sha256};

use crate::totp::TotpSeed;

const NONCE_BYTES: usize = 24;

/// A seed as stored: nonce, then ciphertext and tag.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedSeed(Vec<u8>);

impl SealedSeed {
    /// Wraps bytes read from storage.
    pub fn from_stored(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The bytes to store.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SealedSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SealedSeed({} bytes)", self.0.len())
    }
}

/// The key is not 32 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a seed key has exactly 32 bytes")]
pub struct InvalidSeedKey;

/// A sealed seed did not open: the key is not the one it was sealed with, the bytes
/// were altered, or it belongs to another account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the sealed seed does not open with this key for this account")]
pub struct UnsealError;

/// Seals and opens TOTP seeds with one key.
#[derive(Clone)]
pub struct SeedVault {
    cipher: XChaCha20Poly1305,
    key: [u8; SeedVault::KEY_BYTES],
}

impl SeedVault {
    /// Bytes in a key.
    pub const KEY_BYTES: usize = 32;

    /// A vault over a 32-byte key.
    pub fn new(key: &[u8]) -> Result<Self, InvalidSeedKey> {
        let cipher = XChaCha20Poly1305::new_from_slice(key).map_err(|_| InvalidSeedKey)?;
        let key = key.try_into().map_err(|_| InvalidSeedKey)?;
        Ok(Self { cipher, key })
    }

    /// A fresh random key.
    pub fn generate_key() -> Result<[u8; Self::KEY_BYTES], StorageError> {
        let mut key = [0u8; Self::KEY_BYTES];
        getrandom::fill(&mut key).map_err(StorageError::new)?;
        Ok(key)
    }

    /// A key for another purpose derived from this one (SHA-256 of the key and the
    /// purpose), so that one configured secret serves several jobs without any of
    /// them revealing it.
    pub fn derived_key(&self, purpose: &str) -> [u8; Self::KEY_BYTES] {
        let mut hasher = Sha256::new();
        hasher.update(self.key);
        hasher.update(purpose.as_bytes());
        hasher.finalize().into()
    }

    /// Seals the account's seed.
    pub fn seal(&self, account: AccountId, seed: &TotpSeed) -> Result<SealedSeed, StorageError> {
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(StorageError::new)?;
        let aad = account.to_string();
        let ciphertext = self
            .cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: seed.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| StorageError::new(SealFailed))?;
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        Ok(SealedSeed(sealed))
    }

    /// Opens a seed sealed for this account.
    pub fn open(&self, account: AccountId, sealed: &SealedSeed) -> Result<TotpSeed, UnsealError> {
        let (nonce, ciphertext) = sealed.0.split_at_checked(NONCE_BYTES).ok_or(UnsealError)?;
        let nonce = XNonce::try_from(nonce).map_err(|_| UnsealError)?;
        let aad = account.to_string();
        let plain = self
            .cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| UnsealError)?;
        TotpSeed::from_bytes(&plain).ok_or(UnsealError)
    }
}

impl fmt::Debug for SeedVault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SeedVault(<key redacted>)")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("sealing a seed failed")]
struct SealFailed;

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> SeedVault {
        SeedVault::new(&[7u8; 32]).unwrap()
    }

    #[test]
    fn a_sealed_seed_opens_for_its_account_only() {
        let account = AccountId::generate();
        let seed = TotpSeed::generate().unwrap();
        let sealed = vault().seal(account, &seed).unwrap();
        assert_eq!(vault().open(account, &sealed).unwrap(), seed);
        assert_eq!(
            vault().open(AccountId::generate(), &sealed),
            Err(UnsealError)
        );
    }

    #[test]
    fn the_sealed_bytes_hide_the_seed_and_differ_each_time() {
        let account = AccountId::generate();
        let seed = TotpSeed::from_bytes(&[1u8; 20]).unwrap();
        let a = vault().seal(account, &seed).unwrap();
        let b = vault().seal(account, &seed).unwrap();
        assert_ne!(a, b);
        assert!(!a.as_bytes().windows(20).any(|w| w == seed.as_bytes()));
    }

    #[test]
    fn another_key_or_altered_bytes_do_not_open() {
        let account = AccountId::generate();
        let sealed = vault()
            .seal(account, &TotpSeed::generate().unwrap())
            .unwrap();
        let other = SeedVault::new(&[8u8; 32]).unwrap();
        assert_eq!(other.open(account, &sealed), Err(UnsealError));
        let mut bytes = sealed.as_bytes().to_vec();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert_eq!(
            vault().open(account, &SealedSeed::from_stored(bytes)),
            Err(UnsealError)
        );
        assert_eq!(
            vault().open(account, &SealedSeed::from_stored(vec![1, 2, 3])),
            Err(UnsealError)
        );
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_from_the_key() {
        let v = vault();
        assert_ne!(v.derived_key("a"), v.derived_key("b"));
        assert_ne!(v.derived_key("a"), [7u8; 32]);
        assert_eq!(v.derived_key("a"), vault().derived_key("a"));
    }

    #[test]
    fn keys_must_have_32_bytes() {
        assert_eq!(SeedVault::new(&[0u8; 16]).err(), Some(InvalidSeedKey));
        assert!(SeedVault::new(&SeedVault::generate_key().unwrap()).is_ok());
    }
}
