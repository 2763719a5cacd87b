//! Usernames.

use std::fmt;

/// Why a text is not an acceptable username.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidUsername {
    /// Shorter than [`Username::MIN_LEN`] or longer than [`Username::MAX_LEN`].
    #[error("a username has 3 to 32 characters")]
    Length,
    /// A character outside `a-z A-Z 0-9 . _ -`.
    #[error("a username may only contain letters a-z, digits, '.', '_' and '-'")]
    Character,
    /// Starts or ends with `.`, `_` or `-`.
    #[error("a username must start and end with a letter or a digit")]
    Edge,
}

/// A login name: 3 to 32 ASCII letters, digits, `.`, `_` or `-`, starting and ending
/// with a letter or digit.
///
/// The set is ASCII on purpose: it rules out look-alike characters from other scripts
/// and can never contain `@`, so a login that contains `@` is always an email address.
/// The case the client chose is kept for display, but two usernames that differ only
/// in case are the same account ([`Username::key`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    /// Fewest characters.
    pub const MIN_LEN: usize = 3;
    /// Most characters.
    pub const MAX_LEN: usize = 32;

    /// Parses user input; surrounding white space is ignored.
    pub fn parse(input: &str) -> Result<Self, InvalidUsername> {
        let input = input.trim();
        let len = input.chars().count();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&len) {
            return Err(InvalidUsername::Length);
        }
        if !input
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(InvalidUsername::Character);
        }
        let alnum_edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if !alnum_edge(input.chars().next()) || !alnum_edge(input.chars().last()) {
            return Err(InvalidUsername::Edge);
        }
        Ok(Self(input.to_owned()))
    }

    /// The username as the client wrote it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-folded form that must be unique.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ordinary_usernames_are_accepted_and_keep_their_case() {
        let name = Username::parse(" Ada.Lovelace_1815 ").unwrap();
        assert_eq!(name.as_str(), "Ada.Lovelace_1815");
        assert_eq!(name.key(), "ada.lovelace_1815");
    }

    #[test]
    fn lengths_outside_three_to_thirty_two_are_refused() {
        assert_eq!(Username::parse("ab"), Err(InvalidUsername::Length));
        assert_eq!(
            Username::parse(&"a".repeat(33)),
            Err(InvalidUsername::Length)
        );
        assert!(Username::parse("abc").is_ok());
        assert!(Username::parse(&"a".repeat(32)).is_ok());
    }

    #[test]
    fn at_signs_spaces_and_foreign_scripts_are_refused() {
        for input in ["ada@home", "ada lovelace", "аda", "ada!"] {
            assert_eq!(
                Username::parse(input),
                Err(InvalidUsername::Character),
                "{input}"
            );
        }
    }

    #[test]
    fn punctuation_at_either_end_is_refused() {
        assert_eq!(Username::parse(".ada"), Err(InvalidUsername::Edge));
        assert_eq!(Username::parse("ada-"), Err(InvalidUsername::Edge));
    }

    proptest! {
        #[test]
        fn every_accepted_username_matches_the_documented_set(input in "\\PC{0,40}") {
            if let Ok(name) = Username::parse(&input) {
                let text = name.as_str();
                prop_assert!((3..=32).contains(&text.len()));
                prop_assert!(text.chars().all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c)));
                prop_assert!(!text.contains('@'));
            }
        }

        #[test]
        fn generated_valid_usernames_are_accepted(input in "[a-zA-Z0-9][a-zA-Z0-9._-]{1,30}[a-zA-Z0-9]") {
            prop_assert!(Username::parse(&input).is_ok());
        }
    }
}
