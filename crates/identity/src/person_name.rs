//! Personal names.

use std::fmt;

/// Why a text is not an acceptable name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidName {
    /// Empty once trimmed.
    #[error("this field cannot be empty")]
    Empty,
    /// Longer than [`PersonName::MAX_LEN`] characters.
    #[error("this field has at most 100 characters")]
    TooLong,
    /// Control characters (tabs, line breaks, NUL) would corrupt invoices and mails.
    #[error("this field cannot contain control characters")]
    ControlCharacter,
}

/// A first or last name. Any script is welcome; only emptiness, absurd length and
/// control characters are refused, because real names break every stricter rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    /// Most characters.
    pub const MAX_LEN: usize = 100;

    /// Parses user input; surrounding white space is ignored.
    pub fn parse(input: &str) -> Result<Self, InvalidName> {
        parse_free_text(input, Self::MAX_LEN).map(Self)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The shared rule for short free-text fields (names, labels, address lines): trimmed,
/// not empty, at most `max` characters, no control characters.
pub fn parse_free_text(input: &str, max: usize) -> Result<String, InvalidName> {
    let input = input.trim();
    if input.is_empty() {
        return Err(InvalidName::Empty);
    }
    if input.chars().count() > max {
        return Err(InvalidName::TooLong);
    }
    if input.chars().any(char::is_control) {
        return Err(InvalidName::ControlCharacter);
    }
    Ok(input.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_any_script_are_kept_trimmed() {
        assert_eq!(PersonName::parse("  Zoë ").unwrap().as_str(), "Zoë");
        assert!(PersonName::parse("山田").is_ok());
    }

    #[test]
    fn empty_long_and_control_text_is_refused() {
        assert_eq!(PersonName::parse("   "), Err(InvalidName::Empty));
        assert_eq!(
            PersonName::parse(&"x".repeat(101)),
            Err(InvalidName::TooLong)
        );
        assert_eq!(
            PersonName::parse("Ada\nLovelace"),
            Err(InvalidName::ControlCharacter)
        );
    }
}
