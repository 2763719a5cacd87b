//! The words of `My account > Security`.

/// Key, English, German.
pub const TEXTS: &[(&str, &str, &str)] = &[
    ("security.title", "Security", "Sicherheit"),
    (
        "security.tab",
        "Username and password",
        "Benutzername und Passwort",
    ),
    (
        "security.username",
        "Change your username",
        "Benutzernamen ändern",
    ),
    (
        "security.current_username",
        "Current username",
        "Aktueller Benutzername",
    ),
    (
        "security.new_username",
        "New username",
        "Neuer Benutzername",
    ),
    (
        "security.code_hint",
        "Two-factor authentication is on: the code your app shows, or a recovery code.",
        "Die Zwei-Faktor-Anmeldung ist eingeschaltet: der Code Ihrer App oder ein Wiederherstellungscode.",
    ),
    (
        "security.change_username",
        "Change the username",
        "Benutzernamen ändern",
    ),
    (
        "security.password",
        "Change your password",
        "Passwort ändern",
    ),
    (
        "security.current_password",
        "Current password",
        "Aktuelles Passwort",
    ),
    (
        "security.password_sessions",
        "Every other session ends; this one stays signed in. We mail you a notice.",
        "Alle anderen Sitzungen enden; diese bleibt angemeldet. Wir senden Ihnen eine Benachrichtigung.",
    ),
    (
        "security.change_password",
        "Change the password",
        "Passwort ändern",
    ),
    (
        "done.username_changed",
        "Your username was changed. We mailed you a notice.",
        "Ihr Benutzername wurde geändert. Wir haben Ihnen eine Benachrichtigung gesendet.",
    ),
    (
        "done.password_changed",
        "Your password was changed and every other session ended.",
        "Ihr Passwort wurde geändert, alle anderen Sitzungen wurden beendet.",
    ),
    (
        "two_factor.title",
        "Two-factor authentication",
        "Zwei-Faktor-Anmeldung",
    ),
    ("two_factor.on", "On", "Eingeschaltet"),
    ("two_factor.on_since", "Since", "Seit"),
    (
        "two_factor.codes_left",
        "Recovery codes left: {count}.",
        "Verbleibende Wiederherstellungscodes: {count}.",
    ),
    ("two_factor.off", "Off", "Ausgeschaltet"),
    (
        "two_factor.off_lead",
        "With two-factor on, logging in and sensitive changes also ask for a code from an authenticator app on your phone.",
        "Mit Zwei-Faktor-Anmeldung verlangen Anmeldung und heikle Änderungen zusätzlich einen Code aus einer Authenticator-App auf Ihrem Telefon.",
    ),
    (
        "two_factor.pending",
        "A setup was started but not confirmed; starting again replaces it.",
        "Eine Einrichtung wurde begonnen, aber nicht bestätigt; ein neuer Beginn ersetzt sie.",
    ),
    (
        "two_factor.enrol_button",
        "Set up an authenticator app",
        "Authenticator-App einrichten",
    ),
    (
        "two_factor.enrol_title",
        "Set up your authenticator app",
        "Authenticator-App einrichten",
    ),
    (
        "two_factor.step_scan",
        "Scan this QR code with your authenticator app.",
        "Scannen Sie diesen QR-Code mit Ihrer Authenticator-App.",
    ),
    (
        "two_factor.qr_alt",
        "QR code for your authenticator app; the same key is written out below.",
        "QR-Code für Ihre Authenticator-App; derselbe Schlüssel steht unten ausgeschrieben.",
    ),
    (
        "two_factor.step_type",
        "Or type this key into the app:",
        "Oder tippen Sie diesen Schlüssel in die App:",
    ),
    (
        "two_factor.step_confirm",
        "Enter the six-digit code the app now shows.",
        "Geben Sie den sechsstelligen Code ein, den die App jetzt anzeigt.",
    ),
    ("two_factor.code", "Code from the app", "Code aus der App"),
    ("two_factor.code_hint", "Six digits.", "Sechs Ziffern."),
    (
        "two_factor.confirm_button",
        "Turn two-factor on",
        "Zwei-Faktor-Anmeldung einschalten",
    ),
    (
        "two_factor.renew",
        "New recovery codes",
        "Neue Wiederherstellungscodes",
    ),
    (
        "two_factor.renew_hint",
        "Ten new codes replace every old one.",
        "Zehn neue Codes ersetzen alle alten.",
    ),
    (
        "two_factor.proof_code_hint",
        "The code your app shows now, or an unused recovery code.",
        "Der Code, den Ihre App jetzt zeigt, oder ein unbenutzter Wiederherstellungscode.",
    ),
    (
        "two_factor.renew_button",
        "Make new codes",
        "Neue Codes erzeugen",
    ),
    (
        "two_factor.disable",
        "Turn two-factor off",
        "Zwei-Faktor-Anmeldung ausschalten",
    ),
    (
        "two_factor.disable_hint",
        "Logins then ask for the password alone, and the recovery codes stop working.",
        "Die Anmeldung verlangt dann nur noch das Passwort, und die Wiederherstellungscodes gelten nicht mehr.",
    ),
    ("two_factor.disable_button", "Turn it off", "Ausschalten"),
    (
        "done.two_factor_on",
        "Two-factor authentication is on.",
        "Die Zwei-Faktor-Anmeldung ist eingeschaltet.",
    ),
    (
        "done.codes_renewed",
        "Your new recovery codes are ready; the old ones no longer work.",
        "Ihre neuen Wiederherstellungscodes sind bereit; die alten gelten nicht mehr.",
    ),
    (
        "done.two_factor_off",
        "Two-factor authentication is off.",
        "Die Zwei-Faktor-Anmeldung ist ausgeschaltet.",
    ),
    (
        "codes.title",
        "Your recovery codes",
        "Ihre Wiederherstellungscodes",
    ),
    (
        "codes.lead",
        "Each code logs you in once if you lose your phone. They are shown only now: download or copy them and keep them somewhere safe.",
        "Jeder Code meldet Sie einmal an, falls Sie Ihr Telefon verlieren. Sie werden nur jetzt angezeigt: Laden Sie sie herunter oder kopieren Sie sie und bewahren Sie sie sicher auf.",
    ),
    ("codes.label", "Recovery codes", "Wiederherstellungscodes"),
    (
        "codes.no_script",
        "Select them all and copy them, or print this page.",
        "Markieren und kopieren Sie alle, oder drucken Sie diese Seite.",
    ),
    (
        "codes.download",
        "Download as a text file",
        "Als Textdatei herunterladen",
    ),
    ("codes.copy", "Copy", "Kopieren"),
    ("codes.copied", "Copied", "Kopiert"),
    ("codes.done", "I have kept them", "Ich habe sie aufbewahrt"),
    (
        "codes.file_heading",
        "Recovery codes (each works once)",
        "Wiederherstellungscodes (jeder gilt einmal)",
    ),
    ("whitelist.title", "IP whitelist", "IP-Freigabeliste"),
    (
        "whitelist.lead",
        "When the list holds entries, logins and requests from any other address are refused. An empty list lets every address in.",
        "Enthält die Liste Einträge, werden Anmeldungen und Anfragen von allen anderen Adressen abgewiesen. Eine leere Liste lässt jede Adresse zu.",
    ),
    (
        "whitelist.your_address",
        "Your address now:",
        "Ihre Adresse jetzt:",
    ),
    (
        "whitelist.unknown_address",
        "unknown address",
        "unbekannte Adresse",
    ),
    (
        "whitelist.none",
        "No entries: every address may log in.",
        "Keine Einträge: Jede Adresse darf sich anmelden.",
    ),
    (
        "whitelist.matches",
        "Your address is in this range",
        "Ihre Adresse liegt in diesem Bereich",
    ),
    ("whitelist.added", "Added", "Hinzugefügt"),
    (
        "whitelist.last_used",
        "last let you in",
        "zuletzt eingelassen",
    ),
    (
        "whitelist.add",
        "Allow an address or range",
        "Adresse oder Bereich freigeben",
    ),
    ("whitelist.cidr", "Address or range", "Adresse oder Bereich"),
    (
        "whitelist.cidr_hint",
        "An IPv4 or IPv6 address, or a range such as 192.0.2.0/24. Your own address must stay inside the list.",
        "Eine IPv4- oder IPv6-Adresse oder ein Bereich wie 192.0.2.0/24. Ihre eigene Adresse muss in der Liste bleiben.",
    ),
    ("whitelist.label", "Label", "Bezeichnung"),
    (
        "whitelist.add_button",
        "Add to the list",
        "Zur Liste hinzufügen",
    ),
    (
        "done.whitelist_added",
        "The entry was added.",
        "Der Eintrag wurde hinzugefügt.",
    ),
    (
        "done.whitelist_removed",
        "The entry was removed.",
        "Der Eintrag wurde entfernt.",
    ),
    ("sessions.title", "Active sessions", "Aktive Sitzungen"),
    (
        "sessions.unknown_device",
        "Unknown device",
        "Unbekanntes Gerät",
    ),
    ("sessions.this_one", "This browser", "Dieser Browser"),
    (
        "sessions.pending",
        "Waiting for its second factor",
        "Wartet auf den zweiten Faktor",
    ),
    ("sessions.started", "since", "seit"),
    ("sessions.last_seen", "last seen", "zuletzt aktiv"),
    (
        "sessions.revoke",
        "End this session",
        "Diese Sitzung beenden",
    ),
    (
        "sessions.revoke_others_hint",
        "Log out everywhere else: every session but this browser's ends.",
        "Überall sonst abmelden: Alle Sitzungen außer der dieses Browsers enden.",
    ),
    (
        "sessions.revoke_others",
        "End all other sessions",
        "Alle anderen Sitzungen beenden",
    ),
    (
        "done.session_revoked",
        "The session ended.",
        "Die Sitzung wurde beendet.",
    ),
    (
        "done.sessions_revoked",
        "Every other session ended.",
        "Alle anderen Sitzungen wurden beendet.",
    ),
    ("log.title", "Security log", "Sicherheitsprotokoll"),
    (
        "log.lead",
        "Everything that touched your account's security, newest first.",
        "Alles, was die Sicherheit Ihres Kontos berührt hat, das Neueste zuerst.",
    ),
    ("log.none", "Nothing yet.", "Noch nichts."),
    ("pager.label", "More entries", "Weitere Einträge"),
    ("pager.newest", "Newest", "Neueste"),
    ("pager.older", "Older", "Ältere"),
    ("event.login_succeeded", "Logged in", "Angemeldet"),
    (
        "event.login_failed",
        "Failed login",
        "Fehlgeschlagene Anmeldung",
    ),
    ("event.logged_out", "Logged out", "Abgemeldet"),
    ("event.session_revoked", "Session ended", "Sitzung beendet"),
    (
        "event.password_changed",
        "Password changed",
        "Passwort geändert",
    ),
    (
        "event.password_change_failed",
        "Password change refused",
        "Passwortänderung abgewiesen",
    ),
    (
        "event.second_factor_requested",
        "Second factor asked for",
        "Zweiter Faktor verlangt",
    ),
    (
        "event.reauthentication_failed",
        "Password confirmation failed",
        "Passwortbestätigung fehlgeschlagen",
    ),
    (
        "event.two_factor_enabled",
        "Two-factor turned on",
        "Zwei-Faktor-Anmeldung eingeschaltet",
    ),
    (
        "event.two_factor_disabled",
        "Two-factor turned off",
        "Zwei-Faktor-Anmeldung ausgeschaltet",
    ),
    (
        "event.recovery_codes_renewed",
        "New recovery codes",
        "Neue Wiederherstellungscodes",
    ),
    (
        "event.username_changed",
        "Username changed",
        "Benutzername geändert",
    ),
    (
        "event.password_reset_requested",
        "Password reset asked for",
        "Passwort-Zurücksetzung angefordert",
    ),
    (
        "event.password_reset",
        "Password reset",
        "Passwort zurückgesetzt",
    ),
    (
        "event.password_reset_failed",
        "Password reset refused",
        "Passwort-Zurücksetzung abgewiesen",
    ),
    (
        "event.ip_whitelist_added",
        "IP whitelist entry added",
        "Eintrag der IP-Freigabeliste hinzugefügt",
    ),
    (
        "event.ip_whitelist_removed",
        "IP whitelist entry removed",
        "Eintrag der IP-Freigabeliste entfernt",
    ),
    (
        "event.address_refused",
        "Address refused by the IP whitelist",
        "Adresse von der IP-Freigabeliste abgewiesen",
    ),
    (
        "event.delegate_invited",
        "Delegate invited",
        "Vertreter eingeladen",
    ),
    (
        "event.delegate_accepted",
        "Delegate accepted",
        "Vertreter hat angenommen",
    ),
    (
        "event.delegate_scope_changed",
        "Delegate's access changed",
        "Zugriff eines Vertreters geändert",
    ),
    (
        "event.delegate_revoked",
        "Delegate removed",
        "Vertreter entfernt",
    ),
    (
        "event.payout_destination_added",
        "Payout destination added",
        "Auszahlungsziel hinzugefügt",
    ),
    (
        "event.payout_destination_removed",
        "Payout destination removed",
        "Auszahlungsziel entfernt",
    ),
    (
        "event.email_added",
        "Email address added",
        "E-Mail-Adresse hinzugefügt",
    ),
    (
        "event.email_changed",
        "Email address changed",
        "E-Mail-Adresse geändert",
    ),
    (
        "event.email_verified",
        "Email address confirmed",
        "E-Mail-Adresse bestätigt",
    ),
    (
        "event.primary_email_changed",
        "Primary email address changed",
        "Haupt-E-Mail-Adresse geändert",
    ),
    (
        "event.email_removed",
        "Email address removed",
        "E-Mail-Adresse entfernt",
    ),
    (
        "event.attempt_throttled",
        "Attempts slowed down",
        "Versuche gebremst",
    ),
    (
        "event.reauthenticated",
        "Password confirmed",
        "Passwort bestätigt",
    ),
    (
        "event.device_forgotten",
        "Known device forgotten",
        "Bekanntes Gerät vergessen",
    ),
    (
        "event.reauthentication_required",
        "Password confirmation asked for",
        "Passwortbestätigung verlangt",
    ),
];

#[cfg(test)]
mod tests {
    use portico_security::SecurityEventKind;

    use crate::web::text::{Lang, text};

    #[test]
    fn every_security_event_has_words_in_the_log() {
        for kind in SecurityEventKind::ALL {
            let key = format!("event.{}", kind.as_str());
            assert!(text(Lang::En, &key).is_some(), "{key}");
        }
    }
}
