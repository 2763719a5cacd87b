//! The rules the spec can state about a field, how each is written into a property's
//! schema, and the patterns that say what the domain's text parsers accept: trimmed
//! text of a length between bounds, usernames, product ids and language tags.
//!
//! Patterns allow the white space the domain trims, and state the length of trimmed
//! text themselves (white space around it is not counted).

use portico_affiliate::BillingEventId;
use portico_delegation::ProductId;
use portico_identity::{PostalCode, TaxId};
use portico_kernel::Username;
use portico_kernel::text_rules::{CONTROL, WHITE_SPACE as SPACE};
use portico_mail_log::BounceReference;
use portico_security::WhitelistLabel;
use serde_json::{Value, json};

/// What the spec states about one field.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// A string format: `date-time`, `uuid`, `email`, `uri`.
    Format(&'static str),
    /// One of these values.
    OneOf(Vec<String>),
    /// Text: at least and at most this many characters, matching this pattern.
    Text {
        min_chars: Option<usize>,
        max_chars: Option<usize>,
        pattern: Option<String>,
    },
    /// A whole number in this range.
    Range { min: i64, max: i64 },
    /// A list of this many items.
    Items { min: usize, max: usize },
}

/// Text the domain trims and then wants `min..=max` characters of, each one in
/// `inner` and the first and last ones in `edge` as well (so not white space): the
/// length is stated by the pattern, since white space around the text is not counted.
pub fn trimmed(min: usize, max: usize, edge: &str, inner: &str) -> Rule {
    let core = match (min, max) {
        (_, 1) => edge.to_owned(),
        (0 | 1, _) => format!("{edge}(?:{inner}{{0,{}}}{edge})?", max - 2),
        _ => format!("{edge}{inner}{{{},{}}}{edge}", min - 2, max - 2),
    };
    let core = if min == 0 {
        format!("(?:{core})?")
    } else {
        core
    };
    Rule::Text {
        min_chars: None,
        max_chars: None,
        pattern: Some(format!("^[{SPACE}]*{core}[{SPACE}]*$")),
    }
}

/// Free text as the domain reads it: trimmed, 1 to `max` characters, no control
/// characters.
pub fn free_text(max: usize) -> Rule {
    trimmed(
        1,
        max,
        &format!("[^{SPACE}{CONTROL}]"),
        &format!("[^{CONTROL}]"),
    )
}

pub fn text(max_chars: usize, pattern: impl Into<String>) -> Rule {
    Rule::Text {
        min_chars: None,
        max_chars: Some(max_chars),
        pattern: Some(pattern.into()),
    }
}

pub fn one_of<'a>(values: impl IntoIterator<Item = &'a str>) -> Rule {
    let mut seen: Vec<String> = Vec::new();
    for value in values {
        if !seen.iter().any(|known| known == value) {
            seen.push(value.to_owned());
        }
    }
    Rule::OneOf(seen)
}

/// A username: letters, digits and `._-`, starting and ending with a letter or
/// digit, between the domain's bounds.
pub fn username() -> Rule {
    trimmed(
        Username::MIN_LEN,
        Username::MAX_LEN,
        "[A-Za-z0-9]",
        "[A-Za-z0-9._-]",
    )
}

/// A product id of the platform's: its own alphabet, as the domain reads it.
pub fn product_id() -> Rule {
    text(
        ProductId::MAX_LEN,
        format!("^[A-Za-z0-9._:-]{{1,{}}}$", ProductId::MAX_LEN),
    )
}

/// A postal code: letters, digits, spaces and dashes.
pub fn postal_code() -> Rule {
    trimmed(1, PostalCode::MAX_LEN, "[A-Za-z0-9-]", "[A-Za-z0-9 -]")
}

/// A tax id as written: letters, digits and `./-` (whether it fits its country's VAT
/// format is judged beyond what a pattern can say).
pub fn tax_id() -> Rule {
    trimmed(2, TaxId::MAX_LEN, "[A-Za-z0-9./-]", "[A-Za-z0-9 ./-]")
}

/// A whitelist entry's label: optional, without control characters.
pub fn whitelist_label() -> Rule {
    trimmed(
        0,
        WhitelistLabel::MAX_CHARS,
        &format!("[^{SPACE}{CONTROL}]"),
        &format!("[^{CONTROL}]"),
    )
}

/// A billing system's event id: not blank, without control characters.
pub fn event_id() -> Rule {
    text(
        BillingEventId::MAX_LEN,
        format!("^[^{CONTROL}]*[^{SPACE}{CONTROL}][^{CONTROL}]*$"),
    )
}

/// A bounced message's id or `Message-ID`: not blank.
pub fn bounce_reference() -> Rule {
    text(
        BounceReference::MAX_LEN,
        format!("^[\\s\\S]*[^{SPACE}][\\s\\S]*$"),
    )
}

/// A language, an optional script and an optional region: the subset of BCP 47
/// tags a client needs.
pub fn language() -> Rule {
    Rule::Text {
        min_chars: None,
        max_chars: None,
        pattern: Some(format!(
            "^[{SPACE}]*[A-Za-z]{{2,3}}(-[A-Za-z]{{4}})?(-([A-Za-z]{{2}}|[0-9]{{3}}))?[{SPACE}]*$"
        )),
    }
}

/// Writes one rule into a property's schema.
pub fn state(property: &mut Value, rule: &Rule) {
    match rule {
        Rule::Format(format) => property["format"] = json!(format),
        Rule::OneOf(values) => {
            // OpenAPI 3.0 lets a nullable field be null only if its enum lists null.
            let mut allowed = json!(values);
            if property["nullable"] == true
                && let Some(list) = allowed.as_array_mut()
            {
                list.push(Value::Null);
            }
            property["enum"] = allowed;
        }
        Rule::Text {
            min_chars,
            max_chars,
            pattern,
        } => {
            if let Some(min) = min_chars {
                property["minLength"] = json!(min);
            }
            if let Some(max) = max_chars {
                property["maxLength"] = json!(max);
            }
            if let Some(pattern) = pattern {
                property["pattern"] = json!(pattern);
            }
        }
        Rule::Range { min, max } => {
            property["minimum"] = json!(min);
            property["maximum"] = json!(max);
        }
        Rule::Items { min, max } => {
            property["minItems"] = json!(min);
            property["maxItems"] = json!(max);
        }
    }
}

#[cfg(test)]
mod tests {
    use portico_identity::{InvalidTaxId, PersonName};
    use regex::Regex;

    use super::*;

    fn pattern(rule: &Rule) -> Regex {
        match rule {
            Rule::Text {
                pattern: Some(pattern),
                ..
            } => Regex::new(pattern).unwrap(),
            other => panic!("no pattern: {other:?}"),
        }
    }

    #[test]
    fn free_text_counts_what_the_domain_keeps_after_trimming() {
        let name = pattern(&free_text(5));

        for good in ["Ada", "  Ada  ", "a b c", "abcde", "\u{3000}abcde\t", "é"] {
            assert!(name.is_match(good), "{good:?}");
        }
        for bad in ["", "   ", "abcdef", "a\u{7}b", "\u{1c}ab"] {
            assert!(!name.is_match(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_username_pattern_holds_exactly_the_domains_usernames() {
        let rule = username();
        let usernames = pattern(&rule);
        for candidate in [
            "ada",
            " ada.l ",
            "a-b",
            "ab",
            "-ab",
            "ab-",
            "a b",
            &"a".repeat(32),
            &"a".repeat(33),
        ] {
            assert_eq!(
                usernames.is_match(candidate),
                Username::parse(candidate).is_ok(),
                "{candidate:?}"
            );
        }
    }

    #[test]
    fn patterns_agree_with_the_domain_on_codes_ids_and_landing_urls() {
        let postal = pattern(&postal_code());
        for candidate in ["8001", " sw1a 1aa ", "", " ", "12345678901234567", "80_01"] {
            assert_eq!(
                postal.is_match(candidate),
                PostalCode::parse(candidate).is_ok(),
                "{candidate:?}"
            );
        }
        let products = pattern(&product_id());
        let long = "p".repeat(ProductId::MAX_LEN + 1);
        for candidate in ["vps-17", "a.b:c_d", "", "vps 17", long.as_str()] {
            assert_eq!(
                products.is_match(candidate),
                ProductId::parse(candidate).is_ok(),
                "{candidate:?}"
            );
        }
        let hosts =
            portico_affiliate::LandingHosts::parse(["portal.example", "*.shop.example"]).unwrap();
        let landing = Regex::new(&hosts.url_pattern()).unwrap();
        for candidate in [
            "https://portal.example/offer?a=1#x",
            " HTTPS://Portal.Example:8443 ",
            "http://eu.shop.example/",
            "https://portal.example:65535/",
            "https://portal.example.evil.test/",
            "https://evil.test/?portal.example",
            "ftp://portal.example/",
            "https://portal.example:65536/",
        ] {
            let accepted =
                portico_affiliate::LandingUrl::parse(candidate).is_ok_and(|url| hosts.allows(&url));
            assert_eq!(landing.is_match(candidate), accepted, "{candidate:?}");
        }
    }

    #[test]
    fn patterns_agree_with_the_domain_on_tax_ids_labels_event_ids_and_bounces() {
        let tax_ids = pattern(&tax_id());
        let long = "1".repeat(TaxId::MAX_LEN + 1);
        for candidate in [
            "DE123456789",
            " che-123.456.789 mwst ",
            "12/34",
            "A",
            "DE_1",
            &long,
        ] {
            let well_formed = !matches!(TaxId::parse(candidate), Err(InvalidTaxId::Malformed));
            assert_eq!(tax_ids.is_match(candidate), well_formed, "{candidate:?}");
        }
        let labels = pattern(&whitelist_label());
        let long = "x".repeat(WhitelistLabel::MAX_CHARS + 1);
        for candidate in ["office", "", "  ", " home vpn ", "a\u{7}b", &long] {
            assert_eq!(
                labels.is_match(candidate),
                WhitelistLabel::parse(candidate).is_ok(),
                "{candidate:?}"
            );
        }
        let events = pattern(&event_id());
        for candidate in ["inv-1001", " inv 1 ", "", "   ", "inv\n1"] {
            assert_eq!(
                events.is_match(candidate),
                BillingEventId::parse(candidate).is_ok(),
                "{candidate:?}"
            );
        }
        let bounces = pattern(&bounce_reference());
        for candidate in ["<abc@portal.example>", " x ", "", " \t "] {
            assert_eq!(
                bounces.is_match(candidate),
                BounceReference::parse(candidate).is_ok(),
                "{candidate:?}"
            );
        }
    }

    #[test]
    fn a_free_text_pattern_agrees_with_the_domain_on_names() {
        let names = pattern(&free_text(PersonName::MAX_LEN));
        let long = "x".repeat(PersonName::MAX_LEN);
        for candidate in [
            "Ada".to_owned(),
            format!("  {long}  "),
            format!("{long}x"),
            "\u{a0}Ada\u{a0}".to_owned(),
            "A\u{0}da".to_owned(),
            " ".to_owned(),
        ] {
            assert_eq!(
                names.is_match(&candidate),
                PersonName::parse(&candidate).is_ok(),
                "{candidate:?}"
            );
        }
    }
}
