//! The stored form of a password.

use std::fmt;

/// A password hash in PHC string format (`$argon2id$v=19$...`).
///
/// It lives in the kernel because two domains hold it: identity stores the first one
/// when an account is registered, security verifies and replaces it. Neither can read
/// a password back from it, but it is still kept out of logs.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a PHC string produced by a hasher or read from storage.
    pub fn from_phc(phc: String) -> Self {
        Self(phc)
    }

    /// The PHC string, for storage and verification.
    pub fn as_phc(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_never_shows_in_debug_output() {
        let hash = PasswordHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into());
        assert!(!format!("{hash:?}").contains("argon2id"));
    }
}

/// Which rule of the password policy a candidate password broke.
///
/// Shared by identity (registration) and security (password change and reset) so both
/// report the same rule the same way.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRejection {
    /// Fewer Unicode code points than the configured minimum.
    #[error("the password must have at least {min} characters")]
    TooShort {
        /// The configured minimum.
        min: usize,
    },
    /// More code points than the hard cap; refused before any hashing work is done.
    #[error("the password must have at most {max} characters")]
    TooLong {
        /// The hard cap.
        max: usize,
    },
    /// Found among the most common passwords, or guessable in very few attempts.
    #[error("the password is too common or too easy to guess")]
    TooCommon,
    /// The same as the password it replaces.
    #[error("the new password must differ from the current one")]
    SameAsCurrent,
    /// Built from the username, an email address of the account or the service name.
    #[error("the password must not contain {}", whose(.part))]
    ContainsPersonalData {
        /// What it contains: "username", "email address" or "service name".
        part: &'static str,
    },
}

/// How a refusal names what the password contains: the person's own data, or the
/// portal's name.
fn whose(part: &str) -> String {
    if part == "service name" {
        "the name of this service".to_owned()
    } else {
        format!("your {part}")
    }
}

/// A password as typed by a client. It is never logged: `Debug` prints a placeholder
/// and there is no `Display`.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Wraps the text exactly as received: no trimming, no case folding, no
    /// normalization, so the password that is checked is the one that was typed.
    pub fn new(text: String) -> Self {
        Self(text)
    }

    /// The text, for the hasher and the policy only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}
