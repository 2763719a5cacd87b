//! The problem types the API answers, by slug, with their status and what each means
//! in one sentence for the spec. `docs/error-codes.md` is the longer reference; a
//! test keeps the two in step.

/// One problem type: `urn:portico:problem:<slug>`, always answered with `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemType {
    /// The stable part of the `type` URN.
    pub slug: &'static str,
    /// The HTTP status it comes with.
    pub status: u16,
    /// When it is answered, for the operation's response description.
    pub meaning: &'static str,
}

const fn problem_type(slug: &'static str, status: u16, meaning: &'static str) -> ProblemType {
    ProblemType {
        slug,
        status,
        meaning,
    }
}

/// Every problem type an operation of the API can answer.
pub const PROBLEM_TYPES: &[ProblemType] = &[
    problem_type(
        "malformed-body",
        400,
        "the body is not JSON, or not a JSON object",
    ),
    problem_type(
        "invalid-parameter",
        400,
        "a query parameter cannot be read (`limit=lots`)",
    ),
    problem_type(
        "invalid-cursor",
        400,
        "the `cursor` is not one this server handed out",
    ),
    problem_type(
        "unauthenticated",
        401,
        "the bearer token is missing, unknown, revoked or expired",
    ),
    problem_type(
        "invalid-credentials",
        401,
        "the login is unknown or the password is wrong (one answer for both)",
    ),
    problem_type(
        "too-many-wrong-codes",
        401,
        "the fifth wrong code ended this pending login; log in again",
    ),
    problem_type(
        "address-not-allowed",
        403,
        "the caller's address is outside the account's IP whitelist",
    ),
    problem_type(
        "invitation-not-for-you",
        403,
        "this account does not hold the invited address verified, or sent the invitation",
    ),
    problem_type(
        "second-factor-required",
        403,
        "the session still waits for its second factor",
    ),
    problem_type(
        "reauthentication-required",
        403,
        "the session's last proof of the password is too old for this change; renew it with `reauthenticate`",
    ),
    problem_type(
        "not-found",
        404,
        "there is no such resource for this caller (or the affiliate program is off)",
    ),
    problem_type(
        "platform-disabled",
        404,
        "the platform API is off (`PORTICO_PLATFORM_TOKEN` is unset)",
    ),
    problem_type(
        "username-taken",
        409,
        "the username is in use (compared without case)",
    ),
    problem_type(
        "email-taken",
        409,
        "the address belongs to an account already (compared without case)",
    ),
    problem_type("email-not-verified", 409, "the address is not verified yet"),
    problem_type(
        "message-not-sent",
        409,
        "the message was never sent, so it cannot have bounced",
    ),
    problem_type(
        "primary-email",
        409,
        "the primary address cannot be removed; make another one primary first",
    ),
    problem_type(
        "last-verified-email",
        409,
        "the account's only verified address cannot be removed",
    ),
    problem_type(
        "concurrent-change",
        409,
        "another request changed the same data at the same moment; read again and retry",
    ),
    problem_type(
        "phone-exists",
        409,
        "the number is already listed on the account",
    ),
    problem_type(
        "limit-reached",
        409,
        "the account already holds as many of these as allowed",
    ),
    problem_type(
        "default-address-required",
        409,
        "the default billing address cannot stop being the default; make another one the default",
    ),
    problem_type(
        "second-factor-not-pending",
        409,
        "this session is complete; there is no second factor to send",
    ),
    problem_type(
        "two-factor-enabled",
        409,
        "two-factor authentication is already on",
    ),
    problem_type(
        "two-factor-not-enabled",
        409,
        "two-factor authentication is off",
    ),
    problem_type(
        "already-delegate",
        409,
        "the address or account already belongs to an active delegate",
    ),
    problem_type(
        "not-affiliate",
        409,
        "the account has not joined the affiliate program",
    ),
    problem_type(
        "whitelist-lockout",
        409,
        "after this change the whitelist would not hold the caller's own address",
    ),
    problem_type(
        "whitelist-entry-exists",
        409,
        "the whitelist already holds this range",
    ),
    problem_type(
        "no-enrolment",
        409,
        "no enrolment was started, or a newer one replaced it",
    ),
    problem_type("payload-too-large", 413, "the body is over 64 KiB"),
    problem_type(
        "unsupported-media-type",
        415,
        "the body is not `application/json`",
    ),
    problem_type(
        "validation-failed",
        422,
        "fields are missing, unknown, mistyped or not acceptable; `errors` names each",
    ),
    problem_type("empty-update", 422, "the body names no field to change"),
    problem_type(
        "payout-not-possible",
        422,
        "no approved balance in that currency, or less than the minimum payout",
    ),
    problem_type(
        "invalid-token",
        422,
        "the token is wrong, used, replaced by a newer one, voided or expired",
    ),
    problem_type(
        "too-many-attempts",
        429,
        "too many failed attempts lately; wait `Retry-After` seconds",
    ),
    problem_type(
        "too-many-requests",
        429,
        "more of these than allowed in an hour; wait `Retry-After` seconds",
    ),
    problem_type(
        "internal",
        500,
        "the server failed; `request_id` names the request in its logs",
    ),
];

/// The problem type of a slug.
pub fn problem_type_of(slug: &str) -> Option<&'static ProblemType> {
    PROBLEM_TYPES.iter().find(|known| known.slug == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slug_is_listed_once() {
        for (index, known) in PROBLEM_TYPES.iter().enumerate() {
            assert!(
                PROBLEM_TYPES[index + 1..]
                    .iter()
                    .all(|other| other.slug != known.slug),
                "{} is listed twice",
                known.slug
            );
        }
    }

    #[test]
    fn every_slug_is_the_one_in_the_error_reference() {
        let reference = include_str!("../../../../docs/error-codes.md");
        for known in PROBLEM_TYPES {
            let row = format!("| `{}` | {} |", known.slug, known.status);
            assert!(
                reference.contains(&row),
                "docs/error-codes.md has no row {row}"
            );
        }
    }
}
