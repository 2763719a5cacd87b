//! What the domain enforces on each field, stated in the spec from the same constants
//! the domain uses: lengths, patterns, closed value sets, ranges and formats. A client
//! generator then refuses a bad value before sending it, and a fuzzer knows what a
//! good one looks like.
//!
//! The rules and their patterns are in [`super::rules`]; lengths count characters.

use portico_affiliate::services::ledger::MAX_EVENT_AMOUNT_MINOR;
use portico_affiliate::{Campaign, CommissionStatus, DestinationKind, PayoutStatus};
use portico_delegation::{DelegateStatus, MAX_SCOPE_PRODUCTS, ProductName};
use portico_identity::{AddressLine, CompanyName, CountryCode, PersonName, PhoneLabel};
use portico_kernel::EmailAddress;
use portico_kernel::text_rules::{CONTROL, WHITE_SPACE as SPACE};
use portico_mail_log::{BounceReason, MessageStatus};
use portico_security::{PasswordPolicy, SecurityEventKind};
use serde_json::Value;

use super::rules::{
    Rule, bounce_reference, event_id, free_text, language, one_of, postal_code, product_id, state,
    tax_id, text, username, whitelist_label,
};
use super::spec_walk::operations_mut;
use crate::api::accounts::MAX_REFERRAL_CODE_CHARS;
use crate::mail_notices::sources::MAIL_TEMPLATES;

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

fn fact(schema: &'static str, field: &'static str, rule: Rule) -> FieldFact {
    FieldFact {
        schema,
        field,
        rule,
    }
}

/// Every rule, with the configured ones filled in.
pub fn field_facts(configured: &ConfiguredRules) -> Vec<FieldFact> {
    let password = Rule::Text {
        min_chars: Some(configured.password_min_chars),
        max_chars: Some(PasswordPolicy::HARD_MAX_LEN),
        pattern: None,
    };
    let email = Rule::Text {
        min_chars: None,
        max_chars: Some(EmailAddress::MAX_LEN),
        pattern: None,
    };
    let currency = text(3, "^[A-Za-z]{3}$");
    let amount = Rule::Range {
        min: 1,
        max: MAX_EVENT_AMOUNT_MINOR,
    };
    let postal_code = postal_code();
    let country = one_of(CountryCode::all());
    let tax_id = tax_id();
    let whitelist_label = whitelist_label();
    let event_id = event_id();
    let message_status = one_of(MessageStatus::ALL.map(MessageStatus::as_str));
    let template = one_of(MAIL_TEMPLATES.iter().map(|source| source.name));
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
        fact(
            "RegisterRequest",
            "referral_code",
            Rule::Text {
                min_chars: None,
                max_chars: Some(MAX_REFERRAL_CODE_CHARS),
                pattern: None,
            },
        ),
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
            // Its limit, `LandingUrl::MAX_LEN`, counts bytes once normalised: no
            // character count states it.
            Rule::Text {
                min_chars: None,
                max_chars: None,
                pattern: Some(configured.landing_url_pattern.clone()),
            },
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
        fact("BounceReport", "message_id", bounce_reference()),
        fact(
            "BounceReport",
            "reason",
            text(BounceReason::MAX_LEN, format!("[^{SPACE}{CONTROL}]")),
        ),
        // What answers carry.
        fact("MessageItem", "status", message_status.clone()),
        fact("MessageDetail", "status", message_status.clone()),
        fact("StatusEventItem", "status", message_status.clone()),
        fact("MessageItem", "template", template.clone()),
        fact("MessageDetail", "template", template.clone()),
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
    let parameters = operations_mut(spec)
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
