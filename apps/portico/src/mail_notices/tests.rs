//! Every notice of every domain rendered with the portal's real mail templates.

use std::sync::Arc;

use portico_affiliate::AffiliateNotice;
use portico_delegation::{DelegateChange, DelegationNotice};
use portico_identity::{IdentityNotice, PersonName};
use portico_kernel::{EmailAddress, FixedClock, Notice, OneTimeLink, Username};
use portico_mail_log::template::LANGUAGES;
use portico_mail_log::{Mailer, Templates};
use portico_security::{Cidr, SecurityNotice, SettingChange};
use time::OffsetDateTime;

use super::sources::MAIL_TEMPLATES;
use super::*;

fn ada() -> Username {
    Username::parse("ada").unwrap()
}

fn link() -> OneTimeLink {
    OneTimeLink::new(
        "https://portal.example/",
        "/verify-email",
        &[("email", "0190")],
        "s3cr3t-token",
    )
}

fn address(text: &str) -> EmailAddress {
    EmailAddress::parse(text).unwrap()
}

fn ip() -> Option<std::net::IpAddr> {
    Some("192.0.2.7".parse().unwrap())
}

/// One of each notice every domain sends.
fn every_notice() -> Vec<Box<dyn Notice>> {
    let mut all: Vec<Box<dyn Notice>> = vec![
        Box::new(IdentityNotice::Welcome {
            username: ada(),
            first_name: PersonName::parse("Ada <script>").unwrap(),
            link: link(),
        }),
        Box::new(IdentityNotice::VerifyEmail {
            username: ada(),
            link: link(),
        }),
        Box::new(IdentityNotice::PrimaryEmailChanged {
            username: ada(),
            new_address: address("new@example.com"),
        }),
        Box::new(SecurityNotice::UsernameChanged {
            old_username: ada(),
            new_username: Username::parse("ada.l").unwrap(),
            ip: ip(),
        }),
        Box::new(SecurityNotice::PasswordReset {
            username: ada(),
            link: link(),
            two_factor: true,
        }),
        Box::new(DelegationNotice::Invitation {
            owner: ada(),
            link: link(),
        }),
        Box::new(DelegationNotice::Accepted {
            owner: ada(),
            delegate_email: address("bo@example.com"),
        }),
        Box::new(DelegationNotice::Revoked { owner: ada() }),
        Box::new(AffiliateNotice::PayoutDestinationChanged {
            username: ada(),
            destination: "PayPal ada@example.com".into(),
            added: true,
            ip: ip(),
        }),
    ];
    for added in [true, false] {
        all.push(Box::new(SecurityNotice::IpWhitelistChanged {
            username: ada(),
            cidr: Cidr::parse("192.0.2.0/24").unwrap(),
            added,
            ip: if added { None } else { ip() },
        }));
    }
    for change in [
        DelegateChange::Invited,
        DelegateChange::ScopeChanged,
        DelegateChange::Revoked,
    ] {
        all.push(Box::new(DelegationNotice::Changed {
            owner: ada(),
            delegate_email: address("bob@example.com"),
            change,
            ip: None,
        }));
    }
    for change in [
        SettingChange::PasswordChanged,
        SettingChange::PasswordResetDone,
        SettingChange::TwoFactorEnabled,
        SettingChange::TwoFactorDisabled,
        SettingChange::RecoveryCodesRenewed,
    ] {
        all.push(Box::new(SecurityNotice::SettingChanged {
            change,
            username: ada(),
            ip: ip(),
        }));
    }
    all
}

fn notices() -> MailNotices {
    let templates = Templates::new(MAIL_TEMPLATES).unwrap();
    let clock = Arc::new(FixedClock::at(OffsetDateTime::UNIX_EPOCH));
    MailNotices::new(Arc::new(Mailer::new(
        Arc::new(templates),
        clock,
        "mail.example",
    )))
}

#[test]
fn every_notice_renders_in_every_language_with_a_subject() {
    let notices = notices();
    let to = address("ada@example.com");
    let mut names = std::collections::BTreeSet::new();
    for notice in every_notice() {
        names.insert(notice.name());
        for language in LANGUAGES {
            let message = notices
                .compose(None, &to, language, notice.as_ref())
                .unwrap_or_else(|error| panic!("{} ({language}): {error:?}", notice.name()));
            let stored = &message.stored;
            assert!(stored.text.contains("ada"), "{}", notice.name());
            assert_eq!(message.language, language);
            assert_eq!(message.template, notice.name());
            assert!(!stored.subject.is_empty(), "{}", notice.name());
            assert!(!stored.subject.contains("Subject"));
            assert!(stored.html.contains("<html"));
            assert!(!stored.text.contains("s3cr3t") && !stored.html.contains("s3cr3t"));
            assert_eq!(
                message.secret_delivery.is_some(),
                notice.link().is_some(),
                "{}",
                notice.name()
            );
        }
    }
    // Every embedded template belongs to a notice some domain sends.
    let embedded: std::collections::BTreeSet<_> =
        MAIL_TEMPLATES.iter().map(|source| source.name).collect();
    assert_eq!(names, embedded);
}

#[test]
fn a_notice_with_a_link_is_sent_with_the_token_and_stored_without() {
    let welcome = &every_notice()[0];
    let message = notices()
        .compose(None, &address("ada@example.com"), "en", welcome.as_ref())
        .unwrap();
    assert!(message.stored.text.contains("token=REDACTED"));
    let sent = message.secret_delivery.unwrap();
    assert!(sent.text.contains("token=s3cr3t-token"));
    assert!(sent.html.contains("token=s3cr3t-token"));
    assert!(message.stored.html.contains("Ada &lt;script&gt;"));
    assert!(message.stored.text.contains("Ada <script>"));
}

#[test]
fn a_reset_with_two_factor_on_asks_for_a_code_or_a_recovery_code() {
    let reset = |two_factor| SecurityNotice::PasswordReset {
        username: ada(),
        link: link(),
        two_factor,
    };
    let to = address("ada@example.com");
    let with = notices().compose(None, &to, "en", &reset(true)).unwrap();
    let without = notices().compose(None, &to, "en", &reset(false)).unwrap();
    assert!(with.stored.text.contains("recovery code"));
    assert!(!without.stored.text.contains("recovery code"));
}

#[test]
fn the_account_language_is_used_with_english_as_the_fallback() {
    let welcome = &every_notice()[0];
    let to = address("ada@example.com");
    let german = notices()
        .compose(None, &to, "de-CH", welcome.as_ref())
        .unwrap();
    assert!(german.stored.subject.starts_with("Willkommen"));
    let fallback = notices()
        .compose(None, &to, "pt-BR", welcome.as_ref())
        .unwrap();
    assert_eq!(fallback.language, "en");
}

#[test]
fn an_unchanged_copy_of_every_mail_template_is_accepted() {
    let copies = MAIL_TEMPLATES
        .iter()
        .flat_map(|source| {
            [
                (
                    format!("{}.{}.txt", source.name, source.language),
                    source.text.to_owned(),
                ),
                (
                    format!("{}.{}.html", source.name, source.language),
                    source.html.to_owned(),
                ),
            ]
        })
        .collect::<Vec<_>>();
    let copied = Templates::branded(MAIL_TEMPLATES, "Example Hosting", &copies);
    assert!(copied.is_ok(), "{:?}", copied.err());
}
