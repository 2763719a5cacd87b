//! Bank details for payouts by transfer.

use std::fmt;

/// The text is not a valid IBAN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a valid IBAN (country code, check digits and checksum)")]
pub struct InvalidIban;

/// An IBAN whose ISO 13616 checksum holds, in electronic form (no spaces, upper case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iban(String);

impl Iban {
    /// Reads an IBAN as printed or typed: spaces ignored, case folded.
    pub fn parse(input: &str) -> Result<Self, InvalidIban> {
        let iban: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = iban.as_bytes();
        let well_formed = (15..=34).contains(&bytes.len())
            && bytes[..2].iter().all(u8::is_ascii_uppercase)
            && bytes[2..4].iter().all(u8::is_ascii_digit)
            && bytes[4..].iter().all(u8::is_ascii_alphanumeric);
        if !well_formed {
            return Err(InvalidIban);
        }
        // Move the first four characters to the end, read letters as 10..35, and take
        // the number modulo 97 digit by digit: it must be 1.
        let rearranged = bytes[4..].iter().chain(&bytes[..4]);
        let remainder = rearranged.fold(0u32, |acc, byte| {
            let value = if byte.is_ascii_digit() {
                u32::from(byte - b'0')
            } else {
                u32::from(byte - b'A') + 10
            };
            let acc = if value >= 10 {
                acc * 100 + value
            } else {
                acc * 10 + value
            };
            acc % 97
        });
        if remainder == 1 {
            Ok(Self(iban))
        } else {
            Err(InvalidIban)
        }
    }

    /// The electronic form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last four characters, for showing a destination without the whole number.
    pub fn last_four(&self) -> &str {
        &self.0[self.0.len().saturating_sub(4)..]
    }
}

impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The text is not a BIC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "a BIC has 8 or 11 characters: 4 letters for the bank, 2 for the country, then letters or digits"
)]
pub struct InvalidBic;

/// A BIC (ISO 9362), upper case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bic(String);

impl Bic {
    /// Reads a BIC.
    pub fn parse(input: &str) -> Result<Self, InvalidBic> {
        let bic = input.trim().to_ascii_uppercase();
        let bytes = bic.as_bytes();
        let valid = matches!(bytes.len(), 8 | 11)
            && bytes[..6].iter().all(u8::is_ascii_uppercase)
            && bytes[6..].iter().all(u8::is_ascii_alphanumeric);
        if valid {
            Ok(Self(bic))
        } else {
            Err(InvalidBic)
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn published_example_ibans_pass_and_altered_ones_fail() {
        for good in [
            "DE89 3704 0044 0532 0130 00",
            "GB82WEST12345698765432",
            "ch93 0076 2011 6238 5295 7",
            "NL91ABNA0417164300",
        ] {
            assert!(Iban::parse(good).is_ok(), "{good}");
        }
        assert_eq!(
            Iban::parse("DE89370400440532013000").unwrap().last_four(),
            "3000"
        );
        for bad in [
            "DE89 3704 0044 0532 0130 01",
            "GB82WEST12345698765423",
            "DE8937040044",
            "1289370400440532013000",
            "DE89-3704-0044-0532-0130-00",
            "",
        ] {
            assert_eq!(Iban::parse(bad), Err(InvalidIban), "{bad}");
        }
    }

    #[test]
    fn bics_have_eight_or_eleven_characters() {
        assert_eq!(Bic::parse("deutdeff").unwrap().as_str(), "DEUTDEFF");
        assert!(Bic::parse("DEUTDEFF500").is_ok());
        assert!(Bic::parse("DEUT").is_err());
        assert!(Bic::parse("1EUTDEFF").is_err());
    }

    proptest! {
        #[test]
        fn changing_one_digit_breaks_the_checksum(position in 4usize..22, delta in 1u8..10) {
            let good = "DE89370400440532013000";
            let mut bytes = good.as_bytes().to_vec();
            bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
            let altered = String::from_utf8(bytes).unwrap();
            prop_assert!(Iban::parse(&altered).is_err());
        }

        #[test]
        fn parsing_any_text_never_panics(input in "\\PC{0,40}") {
            let _ = Iban::parse(&input);
            let _ = Bic::parse(&input);
        }
    }
}
