//! Phone numbers.

use std::fmt;

/// Why a text is not an acceptable phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPhone {
    /// Without a leading `+` and country calling code the number is ambiguous.
    #[error("write the number in international form, starting with + and the country code")]
    NotInternational,
    /// Not a number any numbering plan assigns.
    #[error("not a valid phone number")]
    Invalid,
}

/// A phone number in E.164 form (`+41446681800`), validated against the numbering plan
/// of its country by the `phonenumber` crate (libphonenumber's metadata).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct E164Phone(String);

impl E164Phone {
    /// Parses a number written in international form, with any usual separators
    /// (`+41 44 668 18 00`, `+1 (650) 253-0000`).
    pub fn parse(input: &str) -> Result<Self, InvalidPhone> {
        let input = input.trim();
        if input.len() > 40 || input.chars().any(char::is_control) {
            return Err(InvalidPhone::Invalid);
        }
        if !input.starts_with('+') {
            return Err(InvalidPhone::NotInternational);
        }
        let number = phonenumber::parse(None, input).map_err(|_| InvalidPhone::Invalid)?;
        if !phonenumber::is_valid(&number) {
            return Err(InvalidPhone::Invalid);
        }
        Ok(Self(
            number.format().mode(phonenumber::Mode::E164).to_string(),
        ))
    }

    /// Reads back a number that was valid when stored. Only the E.164 shape is checked
    /// (`+` and 4 to 15 digits): numbering plans change, and a number accepted once
    /// must stay readable after the metadata drops its range.
    pub fn from_stored(text: &str) -> Result<Self, InvalidPhone> {
        let digits = text.strip_prefix('+').ok_or(InvalidPhone::Invalid)?;
        if (4..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) {
            Ok(Self(text.to_owned()))
        } else {
            Err(InvalidPhone::Invalid)
        }
    }

    /// The E.164 text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for E164Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers_are_normalized_to_e164() {
        assert_eq!(
            E164Phone::parse("+41 44 668 18 00").unwrap().as_str(),
            "+41446681800"
        );
        assert_eq!(
            E164Phone::parse("+1 (650) 253-0000").unwrap().as_str(),
            "+16502530000"
        );
    }

    #[test]
    fn national_and_invalid_numbers_are_refused() {
        assert_eq!(
            E164Phone::parse("044 668 18 00"),
            Err(InvalidPhone::NotInternational)
        );
        assert_eq!(E164Phone::parse("+41 12"), Err(InvalidPhone::Invalid));
        assert_eq!(E164Phone::parse("+call me"), Err(InvalidPhone::Invalid));
    }

    #[test]
    fn a_stored_number_is_read_back_by_its_shape_only() {
        assert_eq!(
            E164Phone::from_stored("+99912345678").unwrap().as_str(),
            "+99912345678"
        );
        assert_eq!(
            E164Phone::from_stored("41446681800"),
            Err(InvalidPhone::Invalid)
        );
        assert_eq!(
            E164Phone::from_stored("+4144x681800"),
            Err(InvalidPhone::Invalid)
        );
    }

    proptest! {
        #[test]
        fn accepted_numbers_are_e164_and_stable(input in "\\+[0-9 ()-]{0,20}") {
            if let Ok(phone) = E164Phone::parse(&input) {
                let text = phone.as_str();
                prop_assert!(text.starts_with('+'));
                prop_assert!(text[1..].chars().all(|c| c.is_ascii_digit()));
                prop_assert!(text.len() <= 16);
                prop_assert_eq!(E164Phone::parse(text), Ok(phone.clone()));
                prop_assert_eq!(E164Phone::from_stored(text), Ok(phone.clone()));
            }
        }
    }
}
