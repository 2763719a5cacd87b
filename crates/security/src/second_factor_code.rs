//! A second-factor code as a client typed it, read once where the request comes in.

use std::fmt;

use portico_kernel::TokenDigest;

use crate::recovery::RecoveryCode;
use crate::totp::TotpCode;

/// What a typed code can be: six digits from an authenticator app, a recovery code
/// (kept only as its digest), or text that is neither. Reading never fails: text that
/// is no code is a wrong guess like any other, counted and recorded by the service
/// that judges it, so a typo and an attack are told apart by no one.
#[derive(Clone, PartialEq, Eq)]
pub enum SecondFactorCode {
    /// Six digits.
    Totp(TotpCode),
    /// A recovery code, as the digest it is stored under.
    Recovery(TokenDigest),
    /// Neither.
    Unreadable,
}

impl SecondFactorCode {
    /// Reads what the client typed (spaces, dashes and case as `TotpCode` and
    /// `RecoveryCode` allow).
    pub fn read(typed: &str) -> Self {
        if let Ok(code) = TotpCode::parse(typed) {
            return Self::Totp(code);
        }
        RecoveryCode::digest_of(typed).map_or(Self::Unreadable, Self::Recovery)
    }

    /// The six digits, when it is an authenticator app's code.
    pub fn totp(&self) -> Option<&TotpCode> {
        match self {
            Self::Totp(code) => Some(code),
            Self::Recovery(_) | Self::Unreadable => None,
        }
    }
}

impl fmt::Debug for SecondFactorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A code is a secret while it is valid: only its kind may be logged.
        f.write_str(match self {
            Self::Totp(_) => "SecondFactorCode::Totp(<redacted>)",
            Self::Recovery(_) => "SecondFactorCode::Recovery(<redacted>)",
            Self::Unreadable => "SecondFactorCode::Unreadable",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_a_recovery_code_and_anything_else_are_told_apart() {
        assert!(matches!(
            SecondFactorCode::read("123 456"),
            SecondFactorCode::Totp(_)
        ));
        let recovery = RecoveryCode::generate_set().unwrap().remove(0);
        assert_eq!(
            SecondFactorCode::read(recovery.expose()),
            SecondFactorCode::Recovery(RecoveryCode::digest_of(recovery.expose()).unwrap())
        );
        for text in ["", "hello world", "12345", "1234567"] {
            assert_eq!(
                SecondFactorCode::read(text),
                SecondFactorCode::Unreadable,
                "{text}"
            );
        }
    }

    #[test]
    fn debug_output_never_shows_the_code() {
        let shown = format!("{:?}", SecondFactorCode::read("654321"));
        assert!(!shown.contains("654321"), "{shown}");
    }
}
