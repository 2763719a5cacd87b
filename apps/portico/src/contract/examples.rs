//! An example of every request body and of the main answers, as a client developer
//! would first send and read them. A test holds each example against its own schema,
//! so an example cannot drift from what the server accepts or says.

use serde_json::{Value, json};

/// The examples, by schema name.
pub fn examples() -> Vec<(&'static str, Value)> {
    let uuid = "0190a6b2-5c3e-7d41-9a7b-3f2d1c0b9a88";
    let at = "2026-12-06T09:30:00Z";
    vec![
        // Request bodies.
        (
            "RegisterRequest",
            json!({"username": "ada", "email": "ada@example.com",
                "password": "violet tractor sings", "first_name": "Ada",
                "last_name": "Lovelace", "language": "en-GB"}),
        ),
        (
            "LoginRequest",
            json!({"login": "ada@example.com", "password": "violet tractor sings"}),
        ),
        (
            "ReauthenticateRequest",
            json!({"password": "violet tractor sings", "totp_code": "492039"}),
        ),
        ("SecondFactorRequest", json!({"code": "492039"})),
        ("ProfilePatch", json!({"language": "de-CH"})),
        ("EmailRequest", json!({"address": "ada@work.example"})),
        (
            "VerifyRequest",
            json!({"token": "q7JXk2vN9cR4tW1yZ8bL3mH6dF0sA5eG2uI7oP9xCnE"}),
        ),
        (
            "NewPhone",
            json!({"number": "+41 44 668 18 00", "label": "office"}),
        ),
        ("PhonePatch", json!({"label": null})),
        (
            "NewAddress",
            json!({"line1": "Bahnhofstrasse 1", "city": "Zürich", "postal_code": "8001",
                "country": "CH", "default_billing": true}),
        ),
        ("AddressPatch", json!({"line2": "3rd floor"})),
        (
            "CompanyRequest",
            json!({"name": "Analytical Engines AG", "tax_id": "CHE-123.456.788 MWST"}),
        ),
        (
            "PasswordChangeRequest",
            json!({"current_password": "violet tractor sings",
                "new_password": "amber lantern drifts north"}),
        ),
        (
            "UsernameChangeRequest",
            json!({"new_username": "countess", "password": "violet tractor sings",
                "totp_code": "492039"}),
        ),
        ("CodeRequest", json!({"code": "492039"})),
        (
            "ReauthRequest",
            json!({"password": "violet tractor sings", "code": "492039"}),
        ),
        ("ResetRequest", json!({"login": "ada@example.com"})),
        (
            "ResetConfirmation",
            json!({"token": "q7JXk2vN9cR4tW1yZ8bL3mH6dF0sA5eG2uI7oP9xCnE",
                "new_password": "quiet harbour lamps", "totp_code": "492039"}),
        ),
        (
            "NewEntry",
            json!({"cidr": "203.0.113.0/24", "label": "office"}),
        ),
        (
            "InviteRequest",
            json!({"email": "bob@example.com", "scope": {"products": ["vps-17"]}}),
        ),
        ("ScopeBody", json!({"all": true})),
        ("ScopeChangeRequest", json!({"scope": {"all": true}})),
        (
            "AcceptRequest",
            json!({"token": "q7JXk2vN9cR4tW1yZ8bL3mH6dF0sA5eG2uI7oP9xCnE"}),
        ),
        ("NewLink", json!({"campaign": "spring"})),
        (
            "NewDestination",
            json!({"kind": "bank_transfer", "account_holder": "Ada Lovelace",
                "iban": "DE89 3704 0044 0532 0130 00"}),
        ),
        (
            "PayoutRequestBody",
            json!({"destination_id": uuid, "currency": "EUR"}),
        ),
        ("ProductPut", json!({"name": "VPS S"})),
        (
            "PaymentBody",
            json!({"event_id": "inv-1001", "account_id": uuid, "amount_minor": 120000,
                "currency": "EUR"}),
        ),
        (
            "RefundBody",
            json!({"event_id": "refund-77", "payment_event_id": "inv-1001",
                "amount_minor": 40000}),
        ),
        (
            "BounceReport",
            json!({"message_id": uuid, "reason": "550 5.1.1 mailbox unknown"}),
        ),
        // The main answers.
        (
            "ProfileBody",
            json!({"id": uuid, "username": "ada", "first_name": "Ada",
                "last_name": "Lovelace", "language": "en-GB", "created_at": at}),
        ),
        (
            "SessionCreated",
            json!({"id": uuid, "token": "MpzzcvWl2EmlNBQWSFgQh0DK8dSaDXzR8jMkYeJsWuc",
                "expires_at": at, "second_factor_required": false,
                "device_token": "6SoydMbLDB-7dE-nk6lwWBGMzWCpGObYJYKUX7V8ziY"}),
        ),
        (
            "EmailItem",
            json!({"id": uuid, "address": "ada@work.example", "verified": false,
                "primary": false, "created_at": at}),
        ),
        (
            "MessageItem",
            json!({"id": uuid, "to": "ada@work.example",
                "subject": "Confirm your email address", "template": "verify_email",
                "status": "sent", "created_at": at, "sent_at": at}),
        ),
        (
            "SecurityEventItem",
            json!({"id": uuid, "kind": "login_succeeded", "at": at,
                "ip_address": "203.0.113.7", "user_agent": "curl/8.5.0",
                "detail": "factor: password"}),
        ),
        (
            "DelegateBody",
            json!({"id": uuid, "email": "bob@example.com", "status": "pending",
                "scope": {"products": ["vps-17"]}, "invited_at": at, "expires_at": at}),
        ),
    ]
}

/// Writes every example into its schema.
pub fn state_examples(spec: &mut Value) {
    let Some(schemas) = spec
        .get_mut("components")
        .and_then(|components| components.get_mut("schemas"))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (name, example) in examples() {
        if let Some(schema) = schemas.get_mut(name) {
            schema["example"] = example;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_example_lands_in_its_schema() {
        let mut spec = json!({"components": {"schemas": {"LoginRequest": {"type": "object"}}}});

        state_examples(&mut spec);

        assert_eq!(
            spec["components"]["schemas"]["LoginRequest"]["example"]["login"],
            "ada@example.com"
        );
    }
}
