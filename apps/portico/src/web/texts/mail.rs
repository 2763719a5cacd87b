//! The words of `My account > Email history`.

/// Key, English, German.
pub const TEXTS: &[(&str, &str, &str)] = &[
    ("messages.title", "Email history", "E-Mail-Verlauf"),
    ("messages.filter", "Status", "Status"),
    ("messages.all", "All", "Alle"),
    ("messages.show", "Show", "Anzeigen"),
    ("messages.none", "No mail here.", "Hier ist keine E-Mail."),
    (
        "messages.back",
        "Back to the email history",
        "Zurück zum E-Mail-Verlauf",
    ),
    ("messages.to", "To", "An"),
    ("messages.status", "Status", "Status"),
    ("messages.written", "Written", "Verfasst"),
    (
        "messages.sent",
        "Accepted by the mail server",
        "Vom Mailserver angenommen",
    ),
    ("messages.attempts", "Delivery attempts", "Zustellversuche"),
    (
        "messages.redacted",
        "One-time links are shown without their secret, as they are kept.",
        "Einmal-Links werden ohne ihr Geheimnis angezeigt, so wie sie aufbewahrt werden.",
    ),
    (
        "messages.as_sent",
        "The message as sent",
        "Die Nachricht, wie sie gesendet wurde",
    ),
    ("messages.text_version", "Plain-text version", "Textfassung"),
    ("messages.history", "Status history", "Statusverlauf"),
    ("status.queued", "Queued", "In der Warteschlange"),
    ("status.sent", "Sent", "Gesendet"),
    ("status.failed", "Failed", "Fehlgeschlagen"),
    ("status.bounced", "Bounced", "Unzustellbar"),
];
