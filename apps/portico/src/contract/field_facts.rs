//! What the domain enforces on each field, stated in the spec from the same constants
//! the domain uses: lengths, patterns, closed value sets, ranges and formats. A client
//! generator then refuses a bad value before sending it, and a fuzzer knows what a
//! good one looks like.
//!
//! Patterns allow the white space the domain trims; lengths count characters.

use portico_affiliate::services::ledger::MAX_EVENT_AMOUNT_MINOR;
use portico_affiliate::{
    BillingEventId, Campaign, CommissionStatus, DestinationKind, LandingUrl, PayoutStatus,
};
use portico_delegation::{DelegateStatus, MAX_SCOPE_PRODUCTS, ProductId, ProductName};
use portico_identity::{
    AddressLine, CompanyName, CountryCode, PersonName, PhoneLabel, PostalCode, TaxId,
};
use portico_kernel::{EmailAddress, Username};
use portico_mail_log::{BounceReason, BounceReference, MessageStatus};
use portico_security::{PasswordPolicy, SecurityEventKind, WhitelistLabel};
use serde_json::{Value, json};

use crate::mail_notices::sources::MAIL_TEMPLATES;

/// What the spec states about one field.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// A string format: `date-time`, `uuid`, `email`, `uri`.
    Format(&'static str),
    /// One of these values.
    OneOf(Vec<String>),
    /// Text: at most this many characters, matching this pattern.
    Text {
        max_chars: Option<usize>,
        pattern: Option<String>,
    },
    /// A whole number in this range.
    Range { min: i64, max: i64 },
    /// A list of this many items.
    Items { min: usize, max: usize },
}

/// One rule on one field of one schema.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldFact {
    /// The schema (`RegisterRequest`).
    pub schema: &'static str,
    /// The field (`username`).
    pub field: &'static str,
    /// What holds for it.
    pub rule: Rule,
}

/// The settings some rules depend on.
#[derive(Debug, Clone)]
pub struct ConfiguredRules {
    /// `PORTICO_PASSWORD_MIN_LENGTH`.
    pub password_min_chars: usize,
    /// The landing hosts' URL pattern (`PORTICO_AFFILIATE_LANDING_HOSTS`).
    pub landing_url_pattern: String,
}

/// The white space the domain trims (Unicode's `White_Space`), as a class body.
const SPACE: &str = r"\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// The control characters the domain refuses (Unicode's `Cc`), as a class body.
const CONTROL: &str = r"\x00-\x1F\x7F-\x9F";

/// Text the domain trims and then wants `min..=max` characters of, each one in
/// `inner` and the first and last ones in `edge` as well (so not white space): the
/// length is stated by the pattern, since white space around the text is not counted.
fn trimmed(min: usize, max: usize, edge: &str, inner: &str) -> Rule {
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
        max_chars: None,
        pattern: Some(format!("^[{SPACE}]*{core}[{SPACE}]*$")),
    }
}

/// Free text as the domain reads it: trimmed, 1 to `max` characters, no control
/// characters.
fn free_text(max: usize) -> Rule {
    trimmed(
        1,
        max,
        &format!("[^{SPACE}{CONTROL}]"),
        &format!("[^{CONTROL}]"),
    )
}

fn text(max_chars: usize, pattern: impl Into<String>) -> Rule {
    Rule::Text {
        max_chars: Some(max_chars),
        pattern: Some(pattern.into()),
    }
}

fn one_of<'a>(values: impl IntoIterator<Item = &'a str>) -> Rule {
    let mut seen: Vec<String> = Vec::new();
    for value in values {
        if !seen.iter().any(|known| known == value) {
            seen.push(value.to_owned());
        }
    }
    Rule::OneOf(seen)
}

fn fact(schema: &'static str, field: &'static str, rule: Rule) -> FieldFact {
    FieldFact {
        schema,
        field,
        rule,
    }
}

/// A username: letters, digits and `._-`, starting and ending with a letter or
/// digit, between the domain's bounds.
fn username() -> Rule {
    trimmed(
        Username::MIN_LEN,
        Username::MAX_LEN,
        "[A-Za-z0-9]",
        "[A-Za-z0-9._-]",
    )
}

/// A product id of the platform's: its own alphabet, as the domain reads it.
fn product_id() -> Rule {
    text(
        ProductId::MAX_LEN,
        format!("^[A-Za-z0-9._:-]{{1,{}}}$", ProductId::MAX_LEN),
    )
}

/// A language, an optional script and an optional region: the subset of BCP 47
/// tags a client needs.
fn language() -> Rule {
    Rule::Text {
        max_chars: None,
        pattern: Some(format!(
            "^[{SPACE}]*[A-Za-z]{{2,3}}(-[A-Za-z]{{4}})?(-([A-Za-z]{{2}}|[0-9]{{3}}))?[{SPACE}]*$"
        )),
    }
}

/// Every rule, with the configured ones filled in.
pub fn field_facts(configured: &ConfiguredRules) -> Vec<FieldFact> {
    let password = text(
        PasswordPolicy::HARD_MAX_LEN,
        format!("^[\\s\\S]{{{},}}$", configured.password_min_chars),
    );
    let email = Rule::Text {
        max_chars: Some(EmailAddress::MAX_LEN),
        pattern: None,
    };
    let currency = text(3, "^[A-Za-z]{3}$");
    let amount = Rule::Range {
        min: 1,
        max: MAX_EVENT_AMOUNT_MINOR,
    };
    let postal_code = trimmed(1, PostalCode::MAX_LEN, "[A-Za-z0-9-]", "[A-Za-z0-9 -]");
    let country = one_of(CountryCode::all());
    let tax_id = trimmed(2, TaxId::MAX_LEN, "[A-Za-z0-9./-]", "[A-Za-z0-9 ./-]");
    let whitelist_label = trimmed(
        0,
        WhitelistLabel::MAX_CHARS,
        &format!("[^{SPACE}{CONTROL}]"),
        &format!("[^{CONTROL}]"),
    );
    let event_id = text(
        BillingEventId::MAX_LEN,
        format!("^[^{CONTROL}]*[^{SPACE}{CONTROL}][^{CONTROL}]*$"),
    );
    vec![
        fact("RegisterRequest", "username", username()),
        fact("RegisterRequest", "email", Rule::Format("email")),
        fact("RegisterRequest", "email", email.clone()),
        fact("RegisterRequest", "password", password.clone()),
        fact(
            "RegisterRequest",
            "first_name",
            free_text(PersonName::MAX_LEN),
        ),
        fact(
            "RegisterRequest",
            "last_name",
            free_text(PersonName::MAX_LEN),
        ),
        fact("RegisterRequest", "language", language()),
        fact("ProfilePatch", "first_name", free_text(PersonName::MAX_LEN)),
        fact("ProfilePatch", "last_name", free_text(PersonName::MAX_LEN)),
        fact("ProfilePatch", "language", language()),
        fact("UsernameChangeRequest", "new_username", username()),
        fact("PasswordChangeRequest", "new_password", password.clone()),
        fact("ResetConfirmation", "new_password", password),
        fact("EmailRequest", "address", Rule::Format("email")),
        fact("EmailRequest", "address", email.clone()),
        fact("InviteRequest", "email", Rule::Format("email")),
        fact("InviteRequest", "email", email.clone()),
        fact("NewPhone", "label", free_text(PhoneLabel::MAX_LEN)),
        fact("PhonePatch", "label", free_text(PhoneLabel::MAX_LEN)),
        fact("NewAddress", "line1", free_text(AddressLine::MAX_LEN)),
        fact("NewAddress", "line2", free_text(AddressLine::MAX_LEN)),
        fact("NewAddress", "city", free_text(AddressLine::MAX_LEN)),
        fact("NewAddress", "region", free_text(AddressLine::MAX_LEN)),
        fact("NewAddress", "postal_code", postal_code.clone()),
        fact("NewAddress", "country", country.clone()),
        fact("AddressPatch", "line1", free_text(AddressLine::MAX_LEN)),
        fact("AddressPatch", "line2", free_text(AddressLine::MAX_LEN)),
        fact("AddressPatch", "city", free_text(AddressLine::MAX_LEN)),
        fact("AddressPatch", "region", free_text(AddressLine::MAX_LEN)),
        fact("AddressPatch", "postal_code", postal_code),
        fact("AddressPatch", "country", country),
        fact("CompanyRequest", "name", free_text(CompanyName::MAX_LEN)),
        fact("CompanyRequest", "tax_id", tax_id),
        fact("NewEntry", "label", whitelist_label),
        fact(
            "ScopeBody",
            "products",
            Rule::Items {
                min: 1,
                max: MAX_SCOPE_PRODUCTS,
            },
        ),
        fact(
            "NewLink",
            "landing_url",
            text(LandingUrl::MAX_LEN, configured.landing_url_pattern.clone()),
        ),
        fact("NewLink", "campaign", free_text(Campaign::MAX_LEN)),
        fact("NewDestination", "kind", one_of(DestinationKind::NAMES)),
        fact("NewDestination", "email", Rule::Format("email")),
        fact("NewDestination", "email", email),
        fact("PayoutRequestBody", "currency", currency.clone()),
        fact("ProductPut", "name", free_text(ProductName::MAX_CHARS)),
        fact("PaymentBody", "event_id", event_id.clone()),
        fact("PaymentBody", "amount_minor", amount.clone()),
        fact("PaymentBody", "currency", currency),
        fact("RefundBody", "event_id", event_id.clone()),
        fact("RefundBody", "payment_event_id", event_id),
        fact("RefundBody", "amount_minor", amount),
        fact(
            "BounceReport",
            "message_id",
            text(
                BounceReference::MAX_LEN,
                format!("^[\\s\\S]*[^{SPACE}][\\s\\S]*$"),
            ),
        ),
        fact(
            "BounceReport",
            "reason",
            text(BounceReason::MAX_LEN, format!("[^{SPACE}{CONTROL}]")),
        ),
        // What answers carry.
        fact(
            "MessageItem",
            "status",
            one_of(MessageStatus::ALL.map(MessageStatus::as_str)),
        ),
        fact(
            "MessageDetail",
            "status",
            one_of(MessageStatus::ALL.map(MessageStatus::as_str)),
        ),
        fact(
            "StatusEventItem",
            "status",
            one_of(MessageStatus::ALL.map(MessageStatus::as_str)),
        ),
        fact(
            "MessageItem",
            "template",
            one_of(MAIL_TEMPLATES.iter().map(|t| t.name)),
        ),
        fact(
            "MessageDetail",
            "template",
            one_of(MAIL_TEMPLATES.iter().map(|t| t.name)),
        ),
        fact(
            "MessageDetail",
            "language",
            one_of(portico_mail_log::template::LANGUAGES),
        ),
        fact(
            "SecurityEventItem",
            "kind",
            one_of(SecurityEventKind::ALL.map(SecurityEventKind::as_str)),
        ),
        fact(
            "DelegateBody",
            "status",
            one_of(DelegateStatus::ALL.map(DelegateStatus::as_str)),
        ),
        fact(
            "CommissionBody",
            "status",
            one_of(CommissionStatus::ALL.map(CommissionStatus::as_str)),
        ),
        fact(
            "PayoutBody",
            "status",
            one_of(PayoutStatus::ALL.map(PayoutStatus::as_str)),
        ),
        fact("DestinationBody", "kind", one_of(DestinationKind::NAMES)),
        fact("EmailItem", "address", Rule::Format("email")),
        fact("DelegateBody", "email", Rule::Format("email")),
        fact("MessageItem", "to", Rule::Format("email")),
        fact("MessageDetail", "to", Rule::Format("email")),
        fact("LinkBody", "url", Rule::Format("uri")),
        fact("LinkBody", "landing_url", Rule::Format("uri")),
        fact("EnrolmentBody", "otpauth_uri", Rule::Format("uri")),
    ]
}

/// Fields named like ids that are not UUIDs: the platform's own ids, kept as sent.
const OPAQUE_IDS: [(&str, &str); 5] = [
    ("ProductBody", "id"),
    ("PaymentBody", "event_id"),
    ("RefundBody", "event_id"),
    ("RefundBody", "payment_event_id"),
    ("BounceReport", "message_id"),
];

/// Fields of any schema named like ids that are no UUIDs: a Tax/VAT ID, and the id
/// of a request (which a trusted proxy may have chosen).
const NOT_IDS: [&str; 2] = ["tax_id", "request_id"];

/// The format a field's name implies: every `*_at` (and `at`, `approve_after`) is a
/// timestamp, every `id` and `*_id` a UUID unless it is in [`OPAQUE_IDS`] or
/// [`NOT_IDS`].
fn named_format(schema: &str, field: &str) -> Option<&'static str> {
    if field == "at" || field.ends_with("_at") || field == "approve_after" {
        Some("date-time")
    } else if (field == "id" || field.ends_with("_id"))
        && !OPAQUE_IDS.contains(&(schema, field))
        && !NOT_IDS.contains(&field)
    {
        Some("uuid")
    } else {
        None
    }
}

/// Writes one rule into a property's schema.
fn state(property: &mut Value, rule: &Rule) {
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
        Rule::Text { max_chars, pattern } => {
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

/// Writes the naming rules and `facts` into the spec's schemas. A fact about a field
/// the spec does not have is returned, so that a test can catch a renamed one.
pub fn state_field_facts(spec: &mut Value, facts: &[FieldFact]) -> Vec<FieldFact> {
    let Some(schemas) = spec["components"]["schemas"].as_object_mut() else {
        return facts.to_vec();
    };
    for (name, schema) in schemas.iter_mut() {
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (field, property) in properties.iter_mut() {
            if property["type"] == "string"
                && let Some(format) = named_format(name, field)
            {
                state(property, &Rule::Format(format));
            }
        }
    }
    let mut unknown = Vec::new();
    for known in facts {
        let property = schemas
            .get_mut(known.schema)
            .and_then(|schema| schema.get_mut("properties"))
            .and_then(|properties| properties.get_mut(known.field));
        match property {
            Some(property) => state(property, &known.rule),
            None => unknown.push(known.clone()),
        }
    }
    unknown
}

/// Writes what the domain enforces on parameters: ids in paths are UUIDs (so are the
/// accounts of an access decision), product ids have their own alphabet, and a
/// message list filters by one of the message statuses.
pub fn state_parameter_facts(spec: &mut Value) {
    let statuses = one_of(MessageStatus::ALL.map(MessageStatus::as_str));
    let Some(paths) = spec["paths"].as_object_mut() else {
        return;
    };
    let parameters = paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .filter_map(|operation| operation.get_mut("parameters"))
        .filter_map(Value::as_array_mut)
        .flatten();
    for parameter in parameters {
        let rule = match (parameter["in"].as_str(), parameter["name"].as_str()) {
            (Some("path"), Some("id")) | (Some("query"), Some("actor" | "account")) => {
                Rule::Format("uuid")
            }
            (Some("path"), Some("product_id")) | (Some("query"), Some("product")) => product_id(),
            (Some("query"), Some("status")) => statuses.clone(),
            _ => continue,
        };
        state(&mut parameter["schema"], &rule);
    }
}

#[cfg(test)]
mod tests {
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
