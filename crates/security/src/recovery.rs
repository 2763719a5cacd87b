//! Recovery codes: the way in when the authenticator app is lost.
//!
//! A set holds [`RecoveryCode::SET_SIZE`] codes of 80 random bits each, written as 16
//! characters of Crockford's base32 in groups of four (`7k2m-q9xd-...`). The alphabet
//! leaves out `i`, `l`, `o` and `u`, and reading a code maps the look-alikes back, so
//! a code copied by hand still works. Only each code's SHA-256 is stored (the input is
//! random, so no stretching is needed), and a code is used up by deleting it.

use std::fmt;

use portico_kernel::{SecretToken, StorageError, TokenDigest};

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const CHARS: usize = 16;
const GROUP: usize = 4;

/// One recovery code, in the grouped form shown to the client once.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl RecoveryCode {
    /// Codes in a set.
    pub const SET_SIZE: usize = 10;

    /// A fresh set of codes.
    pub fn generate_set() -> Result<Vec<Self>, StorageError> {
        (0..Self::SET_SIZE).map(|_| Self::generate()).collect()
    }

    fn generate() -> Result<Self, StorageError> {
        let mut bytes = [0u8; 10];
        getrandom::fill(&mut bytes).map_err(StorageError::new)?;
        let bits = bytes
            .iter()
            .fold(0u128, |acc, byte| (acc << 8) | u128::from(*byte));
        let mut text = String::with_capacity(CHARS + CHARS / GROUP);
        for index in 0..CHARS {
            if index > 0 && index % GROUP == 0 {
                text.push('-');
            }
            let shift = 5 * (CHARS - 1 - index);
            let symbol = usize::try_from((bits >> shift) & 0x1f).unwrap_or_default();
            text.push(char::from(ALPHABET[symbol]));
        }
        Ok(Self(text))
    }

    /// The code as shown to the client.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The stored form of this code.
    pub fn digest(&self) -> TokenDigest {
        Self::digest_of(&self.0).unwrap_or_else(|| TokenDigest::from_stored(String::new()))
    }

    /// The stored form of a code as typed: case, dashes and spaces do not matter, and
    /// `i`/`l` read as `1`, `o` as `0`. `None` when the text cannot be a code.
    pub fn digest_of(input: &str) -> Option<TokenDigest> {
        let mut canonical = String::with_capacity(CHARS);
        for c in input.chars().filter(|c| *c != '-' && *c != ' ') {
            let c = match c.to_ascii_lowercase() {
                'i' | 'l' => '1',
                'o' => '0',
                other => other,
            };
            if !ALPHABET.contains(&u8::try_from(c).ok()?) {
                return None;
            }
            canonical.push(c);
        }
        (canonical.len() == CHARS).then(|| SecretToken::from_client(&canonical).digest())
    }
}

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    #[test]
    fn a_set_has_ten_distinct_grouped_codes() {
        let set = RecoveryCode::generate_set().unwrap();
        assert_eq!(set.len(), 10);
        let distinct: HashSet<_> = set.iter().map(|code| code.expose().to_owned()).collect();
        assert_eq!(distinct.len(), 10);
        for code in &set {
            assert_eq!(code.expose().len(), 19);
            assert_eq!(code.expose().matches('-').count(), 3);
            assert_eq!(RecoveryCode::digest_of(code.expose()), Some(code.digest()));
        }
    }

    #[test]
    fn typing_variations_read_as_the_same_code() {
        let code = RecoveryCode("1k0m-q9xd-a7b3-zz10".into());
        let digest = code.digest();
        for typed in [
            "1K0M-Q9XD-A7B3-ZZ10",
            "1k0mq9xda7b3zz10",
            "ik0m q9xd a7b3 zzl0",
            "1kOm-q9xd-a7b3-zz1o",
        ] {
            assert_eq!(
                RecoveryCode::digest_of(typed),
                Some(digest.clone()),
                "{typed}"
            );
        }
        assert_eq!(RecoveryCode::digest_of("1k0m-q9xd-a7b3-zz1"), None);
        assert_eq!(RecoveryCode::digest_of("1k0m-q9xd-a7b3-zz1u"), None);
        assert_eq!(RecoveryCode::digest_of("123456"), None);
    }

    #[test]
    fn codes_never_show_in_debug_output() {
        let code = RecoveryCode::generate_set().unwrap().remove(0);
        assert!(!format!("{code:?}").contains(code.expose()));
    }

    proptest! {
        #[test]
        fn reading_any_text_never_panics_and_only_16_symbols_count(input in "\\PC{0,40}") {
            if let Some(digest) = RecoveryCode::digest_of(&input) {
                prop_assert_eq!(digest.as_str().len(), 64);
            }
        }
    }
}
