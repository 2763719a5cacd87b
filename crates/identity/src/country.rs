//! Country codes.

use std::fmt;

/// The text is not an ISO 3166-1 alpha-2 country code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not an ISO 3166-1 alpha-2 country code (for example DE, FR, US)")]
pub struct InvalidCountry;

/// An assigned ISO 3166-1 alpha-2 code, in upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CountryCode(isocountry::CountryCode);

impl CountryCode {
    /// Parses a two-letter code in any case.
    pub fn parse(input: &str) -> Result<Self, InvalidCountry> {
        let input = input.trim();
        if input.len() != 2 {
            return Err(InvalidCountry);
        }
        isocountry::CountryCode::for_alpha2_caseless(input)
            .map(Self)
            .map_err(|_| InvalidCountry)
    }

    /// Every assigned code, in upper case, in alphabetical order.
    pub fn all() -> impl Iterator<Item = &'static str> {
        isocountry::CountryCode::iter_alpha2().map(|code| code.alpha2())
    }

    /// The two upper-case letters.
    pub fn as_str(&self) -> &'static str {
        self.0.alpha2()
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn assigned_codes_are_accepted_in_any_case() {
        assert_eq!(CountryCode::parse("de").unwrap().as_str(), "DE");
        assert_eq!(CountryCode::parse("CH").unwrap().as_str(), "CH");
    }

    #[test]
    fn unassigned_and_malformed_codes_are_refused() {
        for input in ["XX", "ZZ", "D", "DEU", "", "1A"] {
            assert_eq!(CountryCode::parse(input), Err(InvalidCountry), "{input}");
        }
    }

    proptest! {
        #[test]
        fn accepted_codes_round_trip(input in "[a-zA-Z]{2}") {
            if let Ok(code) = CountryCode::parse(&input) {
                prop_assert_eq!(code.as_str(), input.to_ascii_uppercase());
                prop_assert_eq!(CountryCode::parse(code.as_str()), Ok(code));
            }
        }
    }
}
