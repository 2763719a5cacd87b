//! Postal addresses.

use portico_kernel::AddressId;
use time::OffsetDateTime;

use crate::country::CountryCode;
use crate::person_name::{InvalidName, parse_free_text};

/// Why a postal code is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a postal code has 1 to 16 letters, digits, spaces or '-'")]
pub struct InvalidPostalCode;

/// A postal code. Formats differ too much between countries to check more than its
/// character set and length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalCode(String);

impl PostalCode {
    /// The longest code accepted, in characters (all of them ASCII).
    pub const MAX_LEN: usize = 16;

    /// Parses user input; surrounding white space is ignored, letters are upper-cased.
    pub fn parse(input: &str) -> Result<Self, InvalidPostalCode> {
        let input = input.trim();
        if input.is_empty()
            || input.len() > Self::MAX_LEN
            || !input
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        {
            return Err(InvalidPostalCode);
        }
        Ok(Self(input.to_ascii_uppercase()))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A short line of an address (street, city, region).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressLine(String);

impl AddressLine {
    /// Most characters in one line.
    pub const MAX_LEN: usize = 200;

    /// Parses user input with the free-text rules.
    pub fn parse(input: &str) -> Result<Self, InvalidName> {
        parse_free_text(input, Self::MAX_LEN).map(Self)
    }

    /// The line.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The fields of a postal address, already valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalAddressFields {
    /// Street and number.
    pub line1: AddressLine,
    /// Building, floor, c/o.
    pub line2: Option<AddressLine>,
    /// City or town.
    pub city: AddressLine,
    /// State, province or county, where the country uses one.
    pub region: Option<AddressLine>,
    /// Postal code.
    pub postal_code: PostalCode,
    /// Country.
    pub country: CountryCode,
}

/// A stored postal address of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalAddress {
    /// Its id.
    pub id: AddressId,
    /// Its fields.
    pub fields: PostalAddressFields,
    /// Whether invoices go to this address; exactly one address of an account that has
    /// any is the default.
    pub default_billing: bool,
    /// When it was added.
    pub created_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_codes_are_upper_cased() {
        assert_eq!(
            PostalCode::parse(" sw1a 1aa ").unwrap().as_str(),
            "SW1A 1AA"
        );
        assert_eq!(PostalCode::parse("8001").unwrap().as_str(), "8001");
    }

    #[test]
    fn postal_codes_with_other_characters_are_refused() {
        for input in ["", "8001;", &"1".repeat(17), "80\n01"] {
            assert_eq!(PostalCode::parse(input), Err(InvalidPostalCode), "{input}");
        }
    }
}
