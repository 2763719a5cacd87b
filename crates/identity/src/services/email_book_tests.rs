//! Unit tests of [`super::EmailBook`], with mockall doubles and a fixed clock.

use super::*;
use crate::ports::{MockAccountRepository, MockEmailRepository};
use crate::test_support::{fixed_clock, profile};
use portico_kernel::ClientInfo;
use portico_kernel::mail::plain::PlainComposer;

fn book(accounts: MockAccountRepository, emails: MockEmailRepository) -> EmailBook {
    EmailBook::new(
        Arc::new(accounts),
        Arc::new(emails),
        Arc::new(PlainComposer),
        Links::new("https://portal.example"),
        Arc::new(fixed_clock()),
    )
}

fn accounts_with_profile() -> MockAccountRepository {
    let mut accounts = MockAccountRepository::new();
    accounts
        .expect_profile()
        .returning(|id| Ok(Some(profile(id))));
    accounts
}

fn email(address: &str, verified: bool, primary: bool) -> AccountEmail {
    AccountEmail {
        id: EmailId::generate(),
        address: EmailAddress::parse(address).unwrap(),
        verified,
        primary,
        created_at: fixed_clock().now(),
    }
}

#[tokio::test]
async fn an_added_address_is_unverified_and_gets_a_verification_mail() {
    let mut emails = MockEmailRepository::new();
    emails
        .expect_add()
        .withf(|_, email, verification, message, limit| {
            *limit == EmailBook::MAX_EMAILS
                && !email.verified
                && !email.primary
                && verification.email_id == email.id
                && message.to == email.address
                && message.template == "verify_email"
                && message
                    .secret_delivery
                    .as_ref()
                    .is_some_and(|c| c.text.contains(&format!("email={}", email.id)))
        })
        .times(1)
        .returning(|_, _, _, _, _| Ok(()));
    let book = book(accounts_with_profile(), emails);

    let added = book
        .add(
            AccountId::generate(),
            EmailAddress::parse("work@example.com").unwrap(),
            &ClientInfo::default(),
        )
        .await
        .unwrap();

    assert_eq!(added.address.as_str(), "work@example.com");
}

#[tokio::test]
async fn no_address_is_added_past_the_limit() {
    let mut emails = MockEmailRepository::new();
    emails
        .expect_add()
        .returning(|_, _, _, _, _| Err(EmailWriteError::LimitReached));
    let book = book(accounts_with_profile(), emails);

    let result = book
        .add(
            AccountId::generate(),
            EmailAddress::parse("x@example.com").unwrap(),
            &ClientInfo::default(),
        )
        .await;

    assert!(matches!(result, Err(EmailError::LimitReached { max: 10 })));
}

#[tokio::test]
async fn the_token_is_checked_by_its_digest_against_the_clock() {
    let token = SecretToken::generate().unwrap();
    let digest = token.digest();
    let mut emails = MockEmailRepository::new();
    emails
        .expect_verify()
        .withf(move |_, _, d, now| *d == digest && *now == fixed_clock().now())
        .returning(|_, _, _, _| Ok(VerifyOutcome::InvalidToken));
    let book = book(MockAccountRepository::new(), emails);

    let result = book
        .verify(
            AccountId::generate(),
            EmailId::generate(),
            &token,
            &ClientInfo::default(),
        )
        .await;

    assert!(matches!(result, Err(EmailError::InvalidToken)));
}

#[tokio::test]
async fn an_unverified_address_cannot_become_primary() {
    let target = email("new@example.com", false, false);
    let id = target.id;
    let listed = vec![email("old@example.com", true, true), target];
    let mut emails = MockEmailRepository::new();
    emails.expect_list().return_once(move |_, _| {
        Ok(Page {
            items: listed,
            next_cursor: None,
        })
    });
    emails.expect_make_primary().times(0);
    let book = book(accounts_with_profile(), emails);

    let result = book
        .make_primary(AccountId::generate(), id, &ClientInfo::default())
        .await;

    assert!(matches!(result, Err(EmailError::NotVerified)));
}

#[tokio::test]
async fn the_former_primary_address_is_told_about_the_change() {
    let target = email("new@example.com", true, false);
    let id = target.id;
    let listed = vec![email("old@example.com", true, true), target];
    let mut emails = MockEmailRepository::new();
    emails.expect_list().return_once(move |_, _| {
        Ok(Page {
            items: listed,
            next_cursor: None,
        })
    });
    emails
        .expect_make_primary()
        .withf(move |_, email_id, _, notice| {
            *email_id == id
                && notice.as_ref().is_some_and(|notice| {
                    notice.to.as_str() == "old@example.com"
                        && notice.template == "primary_email_changed"
                        && notice.stored.text.contains("new@example.com")
                })
        })
        .times(1)
        .returning(|_, _, _, _| Ok(()));
    let book = book(accounts_with_profile(), emails);

    book.make_primary(AccountId::generate(), id, &ClientInfo::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn an_added_address_is_recorded_in_the_audit_trail_with_the_client() {
    let mut emails = MockEmailRepository::new();
    emails.expect_add().returning(|_, _, _, _, _| Ok(()));
    let mut audit = crate::ports::MockEmailAuditTrail::new();
    audit
        .expect_record()
        .withf(|_, change, detail, _, client| {
            *change == EmailChange::Added
                && detail == "work@example.com"
                && client.ip == "192.0.2.3".parse().ok()
        })
        .times(1)
        .returning(|_, _, _, _, _| Ok(()));
    let book = book(accounts_with_profile(), emails).with_audit_trail(Arc::new(audit));

    book.add(
        AccountId::generate(),
        EmailAddress::parse("work@example.com").unwrap(),
        &ClientInfo::new("192.0.2.3".parse().ok(), None),
    )
    .await
    .unwrap();
}
