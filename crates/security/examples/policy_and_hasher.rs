//! The password policy and the argon2id hasher on their own, as a service that only
//! registers accounts or changes passwords would use them. Such a service depends on
//! `portico-security = { default-features = false, features = ["hasher"] }` and gets
//! nothing of TOTP, seed sealing, QR codes or address ranges.
//!
//! Run it with `cargo run -p portico-security --example policy_and_hasher`; the
//! test suite runs it too.

use std::sync::Arc;

use futures_executor::block_on;
use portico_kernel::{
    CredentialPreparer, EmailAddress, Password, PasswordRejection, PrepareCredentialError, Username,
};
use portico_security::{
    Argon2Hasher, PasswordContext, PasswordHasher, PasswordPolicy, Passwords, Verification,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The policy alone is cheap and synchronous: it names the first rule a password
    // breaks, before any hashing work is spent on it.
    let policy = PasswordPolicy::new(12).with_service_name("Example Hosting");
    let emails = ["ada@example.com"];
    let context = PasswordContext {
        username: "ada.lovelace",
        emails: &emails,
    };
    for candidate in [
        "too short",
        "ada.lovelace was here",
        "example hosting forever",
        "violet tractor sings at dawn",
    ] {
        let verdict = policy.check(&Password::new(candidate.into()), &context);
        println!("{candidate:?}: {verdict:?}");
    }
    let short = policy.check(&Password::new("too short".into()), &context);
    assert_eq!(short, Err(PasswordRejection::TooShort { min: 12 }));

    // The hasher works on its own threads, so any executor can await it; this
    // example uses none but a plain blocking loop.
    let hasher = Arc::new(Argon2Hasher::new()?);
    let passwords = Passwords::new(policy, hasher.clone());
    let chosen = Password::new("violet tractor sings at dawn".into());
    let stored = block_on(passwords.check_and_hash(&chosen, &context))?;
    assert!(stored.as_phc().starts_with("$argon2id$"));
    println!("stored as {}...", &stored.as_phc()[..30]);

    let right = block_on(hasher.verify(&chosen, &stored))?;
    let wrong = block_on(hasher.verify(&Password::new("violet tractor".into()), &stored))?;
    assert_eq!(
        right,
        Verification::Match {
            needs_rehash: false
        }
    );
    assert_eq!(wrong, Verification::Mismatch);

    // `Passwords` is also the kernel's `CredentialPreparer`: hand it to identity's
    // `Registrations` and the first password meets the same policy and hasher.
    let preparer: &dyn CredentialPreparer = &passwords;
    let refused = block_on(preparer.prepare(
        &Password::new("ada.lovelace 1815-1852".into()),
        &Username::parse("ada.lovelace")?,
        &EmailAddress::parse("ada@example.com")?,
    ));
    assert!(matches!(
        refused,
        Err(PrepareCredentialError::Rejected(
            PasswordRejection::ContainsPersonalData { part: "username" }
        ))
    ));
    println!("registration refuses a password built from the username");
    Ok(())
}
