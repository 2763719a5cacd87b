//! Unit tests of the templates.

use super::*;

fn link() -> OneTimeLink {
    OneTimeLink::new(
        "https://portal.example/",
        "/verify-email",
        &[("email", "0190")],
        "s3cr3t-token",
    )
}

fn welcome() -> Template {
    Template::Welcome {
        username: "ada".into(),
        first_name: "Ada <script>".into(),
        link: link(),
    }
}

#[test]
fn links_carry_the_token_as_a_query_parameter() {
    assert_eq!(
        link().expose(),
        "https://portal.example/verify-email?email=0190&token=s3cr3t-token"
    );
    assert!(!link().redacted().contains("s3cr3t"));
    assert!(!format!("{:?}", link()).contains("s3cr3t"));
}

#[test]
fn the_stored_copy_never_holds_the_token_and_the_sent_copy_does() {
    let templates = Templates::new().unwrap();
    let rendered = templates.render(&welcome(), "en").unwrap();
    let stored = &rendered.stored;
    assert!(!stored.text.contains("s3cr3t") && !stored.html.contains("s3cr3t"));
    assert!(stored.text.contains("token=REDACTED"));
    let sent = rendered.secret_delivery.unwrap();
    assert!(sent.text.contains("token=s3cr3t-token"));
    assert!(sent.html.contains("token=s3cr3t-token"));
    assert_eq!(sent.subject, stored.subject);
}

#[test]
fn every_template_renders_in_every_language_with_a_subject() {
    let templates = Templates::new().unwrap();
    let all = [
        welcome(),
        Template::VerifyEmail {
            username: "ada".into(),
            link: link(),
        },
        Template::PrimaryEmailChanged {
            username: "ada".into(),
            new_address: "new@example.com".into(),
        },
        Template::UsernameChanged {
            old_username: "ada".into(),
            new_username: "ada.l".into(),
            ip: Some("192.0.2.7".into()),
        },
        Template::PasswordReset {
            username: "ada".into(),
            link: link(),
            two_factor: true,
        },
        Template::IpWhitelistChanged {
            username: "ada".into(),
            cidr: "192.0.2.0/24".into(),
            added: true,
            ip: None,
        },
        Template::DelegateInvitation {
            owner: "ada".into(),
            link: link(),
        },
        Template::DelegateAccepted {
            username: "ada".into(),
            delegate_email: "bo@example.com".into(),
        },
        Template::DelegateRevoked {
            owner: "ada".into(),
        },
        Template::DelegatesChanged {
            username: "ada".into(),
            delegate_email: "bob@example.com".into(),
            change: "scope_changed",
            ip: None,
        },
        Template::PayoutDestinationChanged {
            username: "ada".into(),
            destination: "PayPal ada@example.com".into(),
            added: true,
            ip: Some("192.0.2.7".into()),
        },
        Template::IpWhitelistChanged {
            username: "ada".into(),
            cidr: "192.0.2.0/24".into(),
            added: false,
            ip: Some("192.0.2.7".into()),
        },
    ]
    .into_iter()
    .chain(
        [
            SecurityNotice::PasswordChanged,
            SecurityNotice::PasswordResetDone,
            SecurityNotice::TwoFactorEnabled,
            SecurityNotice::TwoFactorDisabled,
            SecurityNotice::RecoveryCodesRenewed,
        ]
        .map(|notice| Template::SecurityNotice {
            notice,
            username: "ada".into(),
            ip: Some("192.0.2.7".into()),
        }),
    )
    .collect::<Vec<_>>();
    for template in &all {
        for language in LANGUAGES {
            let rendered = templates.render(template, language).unwrap();
            assert!(rendered.stored.text.contains("ada"), "{}", template.name());
            assert_eq!(rendered.language, language);
            assert!(!rendered.stored.subject.is_empty(), "{}", template.name());
            assert!(!rendered.stored.subject.contains("Subject"));
            assert!(!rendered.stored.text.is_empty());
            assert!(rendered.stored.html.contains("<html"));
        }
    }
}

#[test]
fn the_account_language_is_used_with_english_as_the_fallback() {
    let templates = Templates::new().unwrap();
    let german = templates.render(&welcome(), "de-CH").unwrap();
    assert_eq!(german.language, "de");
    assert!(german.stored.subject.starts_with("Willkommen"));
    let fallback = templates.render(&welcome(), "pt-BR").unwrap();
    assert_eq!(fallback.language, "en");
    assert!(fallback.stored.subject.starts_with("Welcome"));
}

#[test]
fn html_bodies_escape_what_clients_typed() {
    let templates = Templates::new().unwrap();
    let rendered = templates.render(&welcome(), "en").unwrap();
    assert!(rendered.stored.html.contains("Ada &lt;script&gt;"));
    assert!(rendered.stored.text.contains("Ada <script>"));
}

#[test]
fn a_branded_portal_names_itself_in_every_mail_escaped_in_html() {
    let templates = Templates::branded("Example <Hosting>", &[]).unwrap();
    let rendered = templates.render(&welcome(), "de").unwrap();
    assert!(rendered.stored.subject.contains("Example <Hosting>"));
    assert!(rendered.stored.text.contains("Example <Hosting>"));
    assert!(rendered.stored.html.contains("Example &lt;Hosting&gt;"));
    assert!(!rendered.stored.text.contains("Portico"));
}

#[test]
fn an_operators_wording_replaces_the_embedded_one_and_a_bad_one_is_refused() {
    let wording = (
        "welcome.en.txt".to_owned(),
        "Subject: {{ first_name }}, your {{ brand }} account\n\nHello!\n{{ link }}\n".to_owned(),
    );
    let templates = Templates::branded("Example Hosting", &[wording]).unwrap();
    let rendered = templates.render(&welcome(), "en").unwrap();
    assert_eq!(
        rendered.stored.subject,
        "Ada <script>, your Example Hosting account"
    );
    assert!(rendered.stored.text.contains("token=REDACTED"));
    // German is untouched.
    let german = templates.render(&welcome(), "de").unwrap();
    assert!(german.stored.subject.contains("Willkommen"));

    let typo = (
        "welcome.en.txt".to_owned(),
        "Subject: {{ user_name }}\n\nHello".to_owned(),
    );
    let refused = Templates::branded("Example Hosting", &[typo]).unwrap_err();
    assert!(refused.to_string().contains("`user_name`"), "{refused}");
}

#[test]
fn an_unchanged_copy_of_every_mail_template_is_accepted() {
    let copies = SOURCES
        .iter()
        .flat_map(|(name, language, text, html)| {
            [
                (format!("{name}.{language}.txt"), (*text).to_owned()),
                (format!("{name}.{language}.html"), (*html).to_owned()),
            ]
        })
        .collect::<Vec<_>>();
    let copied = Templates::branded("Example Hosting", &copies);
    assert!(copied.is_ok(), "{:?}", copied.err());
}
