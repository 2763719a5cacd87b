//! Unit tests of the renderer, over a small set of templates of their own (the
//! portal's real mail templates are tested where the application embeds them).

use super::*;

/// A welcome mail in English and German, with a link and a value a client typed.
pub(crate) const SOURCES: &[TemplateSource] = &[
    TemplateSource {
        name: "welcome",
        language: "en",
        text: "Subject: Welcome to {{ brand }}, {{ first_name }}\n\nHello {{ first_name }}, confirm: {{ link }}\n",
        html: "<html><p>Hello {{ first_name }}, <a href=\"{{ link }}\">confirm</a> ({{ brand }})</p></html>",
    },
    TemplateSource {
        name: "welcome",
        language: "de",
        text: "Subject: Willkommen bei {{ brand }}, {{ first_name }}\n\nBestätigen: {{ link }}\n",
        html: "<html><p>Hallo {{ first_name }}, <a href=\"{{ link }}\">bestätigen</a></p></html>",
    },
    TemplateSource {
        name: "hello",
        language: "en",
        text: "Subject: Hello {{ first_name }}\n\nHello.\n",
        html: "<html><p>Hello {{ first_name }}</p></html>",
    },
];

fn welcome() -> Template {
    Template::new("welcome")
        .with("first_name", "Ada <script>")
        .with_link(OneTimeLink::new(
            "https://portal.example/",
            "/verify-email",
            &[("email", "0190")],
            "s3cr3t-token",
        ))
}

fn templates() -> Templates {
    Templates::new(SOURCES).unwrap()
}

#[test]
fn the_stored_copy_never_holds_the_token_and_the_sent_copy_does() {
    let rendered = templates().render(&welcome(), "en").unwrap();
    let stored = &rendered.stored;
    assert!(!stored.text.contains("s3cr3t") && !stored.html.contains("s3cr3t"));
    assert!(stored.text.contains("token=REDACTED"));
    let sent = rendered.secret_delivery.unwrap();
    assert!(sent.text.contains("token=s3cr3t-token"));
    assert!(sent.html.contains("token=s3cr3t-token"));
    assert_eq!(sent.subject, stored.subject);
}

#[test]
fn a_mail_without_a_link_has_no_separate_copy_to_send() {
    let plain = Template::new("hello").with("first_name", "Ada");
    let rendered = templates().render(&plain, "en").unwrap();
    assert!(rendered.secret_delivery.is_none());
    assert_eq!(rendered.stored.subject, "Hello Ada");
}

#[test]
fn a_value_the_mail_does_not_offer_is_an_error_not_a_blank() {
    let without_link = Template::new("welcome").with("first_name", "Ada");
    assert!(templates().render(&without_link, "en").is_err());
}

#[test]
fn the_account_language_is_used_with_english_as_the_fallback() {
    let german = templates().render(&welcome(), "de-CH").unwrap();
    assert_eq!(german.language, "de");
    assert!(german.stored.subject.starts_with("Willkommen"));
    let fallback = templates().render(&welcome(), "pt-BR").unwrap();
    assert_eq!(fallback.language, "en");
    assert!(fallback.stored.subject.starts_with("Welcome"));
}

#[test]
fn html_bodies_escape_what_clients_typed() {
    let rendered = templates().render(&welcome(), "en").unwrap();
    assert!(rendered.stored.html.contains("Ada &lt;script&gt;"));
    assert!(rendered.stored.text.contains("Ada <script>"));
}

#[test]
fn a_template_that_does_not_exist_is_an_error_not_a_panic() {
    let missing = Template::new("farewell");
    assert!(templates().render(&missing, "en").is_err());
}

#[test]
fn a_branded_portal_names_itself_in_every_mail_escaped_in_html() {
    let templates = Templates::branded(SOURCES, "Example <Hosting>", &[]).unwrap();
    let rendered = templates.render(&welcome(), "en").unwrap();
    assert!(rendered.stored.subject.contains("Example <Hosting>"));
    assert!(rendered.stored.html.contains("Example &lt;Hosting&gt;"));
    assert!(!rendered.stored.text.contains("Portico"));
}

#[test]
fn an_operators_wording_replaces_the_given_one_and_a_bad_one_is_refused() {
    let wording = (
        "welcome.en.txt".to_owned(),
        "Subject: {{ first_name }}, your {{ brand }} account\n\nHello!\n{{ link }}\n".to_owned(),
    );
    let templates = Templates::branded(SOURCES, "Example Hosting", &[wording]).unwrap();
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
    let refused = Templates::branded(SOURCES, "Example Hosting", &[typo]).unwrap_err();
    assert!(refused.to_string().contains("`user_name`"), "{refused}");
}

#[test]
fn with_an_operators_wording_a_lookup_on_a_value_renders_as_nothing_not_an_error() {
    let wording = (
        "welcome.en.txt".to_owned(),
        "Subject: Hi {{ first_name.nickname }}there\n\n{{ link }}\n".to_owned(),
    );
    let templates = Templates::branded(SOURCES, "Example Hosting", &[wording]).unwrap();
    let rendered = templates.render(&welcome(), "en").unwrap();
    assert_eq!(rendered.stored.subject, "Hi there");
}
