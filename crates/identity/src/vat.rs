//! Tax and VAT identification numbers.
//!
//! A VAT ID starts with its country's prefix. When that prefix belongs to an EU member
//! state (plus `XI` for Northern Ireland), GB, CH or NO, the rest must match that
//! country's published format; any other tax id (a US EIN, an Australian ABN...) is
//! kept as given after a basic sanity check, because Portico cannot know every
//! country's scheme.
//!
//! The format table is a set of patterns where `#` is a digit, `@` a letter, `*` a
//! letter or digit, `?` a letter, `+` or `*` (Irish check characters), and anything
//! else must appear literally.

use std::fmt;

/// Why a text is not an acceptable tax id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidTaxId {
    /// Empty, too long, or holding characters no tax id uses.
    #[error("a tax id has 2 to 30 letters, digits, spaces, '.', '-' or '/'")]
    Malformed,
    /// A VAT ID whose country prefix is known but whose number does not fit.
    #[error("not a valid VAT ID for {country} (expected {expected})")]
    WrongFormat {
        /// The VAT prefix, such as `DE`.
        country: &'static str,
        /// A human description of the expected shape.
        expected: &'static str,
    },
}

/// A tax id: either a format-checked VAT ID (stored compact, e.g. `DE123456789`) or
/// another country's tax number (stored trimmed, as given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxId(String);

struct VatFormat {
    prefix: &'static str,
    patterns: &'static [&'static str],
    expected: &'static str,
}

const RO_PATTERNS: &[&str] = &[
    "##",
    "###",
    "####",
    "#####",
    "######",
    "#######",
    "########",
    "#########",
    "##########",
];

/// VAT formats of the EU member states, Northern Ireland, the UK, Switzerland and
/// Norway (European Commission VIES and national authorities).
const FORMATS: &[VatFormat] = &[
    VatFormat {
        prefix: "AT",
        patterns: &["U########"],
        expected: "U followed by 8 digits",
    },
    VatFormat {
        prefix: "BE",
        patterns: &["0#########", "1#########"],
        expected: "10 digits starting with 0 or 1",
    },
    VatFormat {
        prefix: "BG",
        patterns: &["#########", "##########"],
        expected: "9 or 10 digits",
    },
    VatFormat {
        prefix: "CY",
        patterns: &["########@"],
        expected: "8 digits and a letter",
    },
    VatFormat {
        prefix: "CZ",
        patterns: &["########", "#########", "##########"],
        expected: "8 to 10 digits",
    },
    VatFormat {
        prefix: "DE",
        patterns: &["#########"],
        expected: "9 digits",
    },
    VatFormat {
        prefix: "DK",
        patterns: &["########"],
        expected: "8 digits",
    },
    VatFormat {
        prefix: "EE",
        patterns: &["#########"],
        expected: "9 digits",
    },
    VatFormat {
        prefix: "EL",
        patterns: &["#########"],
        expected: "9 digits",
    },
    VatFormat {
        prefix: "ES",
        patterns: &["*#######*"],
        expected: "9 characters: a letter or digit, 7 digits, a letter or digit",
    },
    VatFormat {
        prefix: "FI",
        patterns: &["########"],
        expected: "8 digits",
    },
    VatFormat {
        prefix: "FR",
        patterns: &["**#########"],
        expected: "2 letters or digits and 9 digits",
    },
    VatFormat {
        prefix: "HR",
        patterns: &["###########"],
        expected: "11 digits",
    },
    VatFormat {
        prefix: "HU",
        patterns: &["########"],
        expected: "8 digits",
    },
    VatFormat {
        prefix: "IE",
        patterns: &["#######@", "#######@@", "#?#####@"],
        expected: "7 digits and 1 or 2 letters",
    },
    VatFormat {
        prefix: "IT",
        patterns: &["###########"],
        expected: "11 digits",
    },
    VatFormat {
        prefix: "LT",
        patterns: &["#########", "############"],
        expected: "9 or 12 digits",
    },
    VatFormat {
        prefix: "LU",
        patterns: &["########"],
        expected: "8 digits",
    },
    VatFormat {
        prefix: "LV",
        patterns: &["###########"],
        expected: "11 digits",
    },
    VatFormat {
        prefix: "MT",
        patterns: &["########"],
        expected: "8 digits",
    },
    VatFormat {
        prefix: "NL",
        patterns: &["#########B##"],
        expected: "9 digits, B and 2 digits",
    },
    VatFormat {
        prefix: "PL",
        patterns: &["##########"],
        expected: "10 digits",
    },
    VatFormat {
        prefix: "PT",
        patterns: &["#########"],
        expected: "9 digits",
    },
    VatFormat {
        prefix: "RO",
        patterns: RO_PATTERNS,
        expected: "2 to 10 digits",
    },
    VatFormat {
        prefix: "SE",
        patterns: &["##########01"],
        expected: "10 digits followed by 01",
    },
    VatFormat {
        prefix: "SI",
        patterns: &["########"],
        expected: "8 digits",
    },
    VatFormat {
        prefix: "SK",
        patterns: &["##########"],
        expected: "10 digits",
    },
    VatFormat {
        prefix: "XI",
        patterns: &["#########", "############", "GD###", "HA###"],
        expected: "9 or 12 digits, or GD/HA and 3 digits",
    },
    VatFormat {
        prefix: "GB",
        patterns: &["#########", "############", "GD###", "HA###"],
        expected: "9 or 12 digits, or GD/HA and 3 digits",
    },
    VatFormat {
        prefix: "CHE",
        patterns: &["#########", "#########MWST", "#########TVA", "#########IVA"],
        expected: "CHE, 9 digits and optionally MWST, TVA or IVA",
    },
    VatFormat {
        prefix: "NO",
        patterns: &["#########", "#########MVA"],
        expected: "9 digits and optionally MVA",
    },
];

impl TaxId {
    /// Longest tax id accepted.
    pub const MAX_LEN: usize = 30;

    /// Parses a tax id, checking VAT IDs of the covered countries for their format.
    /// Spaces, dots and dashes inside a VAT ID are ignored (`CHE-123.456.789 MWST`).
    pub fn parse(input: &str) -> Result<Self, InvalidTaxId> {
        let input = input.trim();
        let len = input.chars().count();
        if !(2..=Self::MAX_LEN).contains(&len)
            || !input
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '-' | '/'))
        {
            return Err(InvalidTaxId::Malformed);
        }
        let compact: String = input
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        // Greece's VAT prefix is EL, but GR is what clients often type.
        let compact = match compact.strip_prefix("GR") {
            Some(rest) => format!("EL{rest}"),
            None => compact,
        };
        match FORMATS.iter().find(|f| compact.starts_with(f.prefix)) {
            Some(format) => {
                let number = &compact[format.prefix.len()..];
                if format.patterns.iter().any(|p| matches_pattern(number, p)) {
                    Ok(Self(compact))
                } else {
                    Err(InvalidTaxId::WrongFormat {
                        country: format.prefix,
                        expected: format.expected,
                    })
                }
            }
            None => Ok(Self(input.to_owned())),
        }
    }

    /// The stored form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TaxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn matches_pattern(number: &str, pattern: &str) -> bool {
    number.len() == pattern.len()
        && number.chars().zip(pattern.chars()).all(|(c, p)| match p {
            '#' => c.is_ascii_digit(),
            '@' => c.is_ascii_uppercase(),
            '*' => c.is_ascii_uppercase() || c.is_ascii_digit(),
            '?' => c.is_ascii_uppercase() || c == '+' || c == '*',
            literal => c == literal,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn vat_ids_of_covered_countries_are_accepted_and_compacted() {
        for (input, stored) in [
            ("DE 123 456 789", "DE123456789"),
            ("atu12345678", "ATU12345678"),
            ("FR 12 345678901", "FR12345678901"),
            ("NL123456789B01", "NL123456789B01"),
            ("GR123456789", "EL123456789"),
            ("CHE-123.456.789 MWST", "CHE123456789MWST"),
            ("NO 123456789 MVA", "NO123456789MVA"),
            ("GB123456789", "GB123456789"),
            ("IE1234567WA", "IE1234567WA"),
            ("ESX1234567X", "ESX1234567X"),
            ("SE123456789001", "SE123456789001"),
        ] {
            assert_eq!(TaxId::parse(input).unwrap().as_str(), stored, "{input}");
        }
    }

    #[test]
    fn vat_ids_of_covered_countries_in_the_wrong_format_are_refused() {
        for input in [
            "DE12345678",
            "ATX12345678",
            "NL123456789",
            "CHE12345678",
            "SE1234567890",
            "DE1234567890",
        ] {
            assert!(
                matches!(TaxId::parse(input), Err(InvalidTaxId::WrongFormat { .. })),
                "{input}"
            );
        }
    }

    #[test]
    fn other_tax_ids_are_kept_as_given() {
        assert_eq!(TaxId::parse("12-3456789").unwrap().as_str(), "12-3456789");
        assert_eq!(
            TaxId::parse("US 12-3456789").unwrap().as_str(),
            "US 12-3456789"
        );
    }

    #[test]
    fn garbage_is_refused() {
        for input in ["", "x", "DE<script>", &"9".repeat(31)] {
            assert_eq!(TaxId::parse(input), Err(InvalidTaxId::Malformed), "{input}");
        }
    }

    proptest! {
        #[test]
        fn any_nine_digit_german_number_is_a_german_vat_id(digits in "[0-9]{9}") {
            let id = format!("DE{digits}");
            let parsed = TaxId::parse(&id).unwrap();
            prop_assert_eq!(parsed.as_str(), id.as_str());
        }

        #[test]
        fn german_numbers_of_other_lengths_are_refused(digits in "[0-9]{1,8}|[0-9]{10,20}") {
            let refused = matches!(TaxId::parse(&format!("DE{digits}")), Err(InvalidTaxId::WrongFormat { .. }));
            prop_assert!(refused);
        }

        #[test]
        fn the_parser_never_panics_and_accepted_ids_reparse(input in "\\PC{0,40}") {
            if let Ok(id) = TaxId::parse(&input) {
                prop_assert_eq!(TaxId::parse(id.as_str()), Ok(id.clone()));
            }
        }
    }
}
