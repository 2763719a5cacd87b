//! The portal's mail templates, embedded in the binary: one text and one HTML file
//! per notice and language under `templates/mail/`. An operator may replace any of
//! them with `PORTICO_TEMPLATES_DIR`.

use portico_mail_log::TemplateSource;

macro_rules! mail_templates {
    ($($name:literal),* $(,)?) => {
        &[$(
            TemplateSource {
                name: $name,
                language: "en",
                text: include_str!(concat!("../../templates/mail/", $name, ".en.txt")),
                html: include_str!(concat!("../../templates/mail/", $name, ".en.html")),
            },
            TemplateSource {
                name: $name,
                language: "de",
                text: include_str!(concat!("../../templates/mail/", $name, ".de.txt")),
                html: include_str!(concat!("../../templates/mail/", $name, ".de.html")),
            },
        )*]
    };
}

/// Every mail template, in English and German.
pub const MAIL_TEMPLATES: &[TemplateSource] = mail_templates![
    "welcome",
    "verify_email",
    "primary_email_changed",
    "password_changed",
    "password_reset",
    "password_reset_done",
    "two_factor_enabled",
    "two_factor_disabled",
    "recovery_codes_renewed",
    "username_changed",
    "ip_whitelist_changed",
    "delegate_invitation",
    "delegate_accepted",
    "delegate_revoked",
    "payout_destination_changed",
    "delegates_changed",
];
