//! The words of the pages in each language they are offered in.
//!
//! Templates ask for a text by key (`{{ t("login.title") }}`); a key missing here
//! fails the render of that page (a 500 page and a logged error), never a blank.

/// A language the pages speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English, the default.
    En,
    /// German.
    De,
}

impl Lang {
    /// The language of a BCP 47 tag (a profile's language, or one entry of
    /// `Accept-Language`): German for `de` and its regional forms, else English.
    pub fn of_tag(tag: &str) -> Self {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("de") {
            Self::De
        } else {
            Self::En
        }
    }

    /// The language of an `Accept-Language` header: of the entries the pages speak
    /// (English or German), the one with the highest weight, the first on a tie;
    /// English when none is spoken here.
    pub fn of_accept_language(header: &str) -> Self {
        let mut best: Option<(Self, f32)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let weight = parts
                .filter_map(|part| part.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split(['-', '_']).next().unwrap_or_default();
            let lang = if primary.eq_ignore_ascii_case("de") {
                Self::De
            } else if primary.eq_ignore_ascii_case("en") {
                Self::En
            } else {
                continue;
            };
            if weight > 0.0 && best.is_none_or(|(_, top)| weight > top) {
                best = Some((lang, weight));
            }
        }
        best.map_or(Self::En, |(lang, _)| lang)
    }

    /// The tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
        }
    }
}

/// The language of a page shown before login: the browser's preference.
pub fn visitor_lang(req: &poem::Request) -> Lang {
    req.headers()
        .get(poem::http::header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map_or(Lang::En, Lang::of_accept_language)
}

/// Key, English, German.
const TEXTS: &[(&str, &str, &str)] = &[
    ("site.skip", "Skip to the content", "Zum Inhalt springen"),
    ("nav.account", "My account", "Mein Konto"),
    ("nav.profile", "Profile", "Profil"),
    ("nav.logout", "Log out", "Abmelden"),
    ("login.title", "Log in", "Anmelden"),
    (
        "login.login",
        "Username or email address",
        "Benutzername oder E-Mail-Adresse",
    ),
    ("login.password", "Password", "Passwort"),
    ("login.submit", "Log in", "Anmelden"),
    ("second.title", "Second factor", "Zweiter Faktor"),
    (
        "second.intro",
        "Enter the code your authenticator app shows, or one of your recovery codes.",
        "Geben Sie den Code Ihrer Authenticator-App oder einen Ihrer Wiederherstellungscodes ein.",
    ),
    ("second.code", "Code", "Code"),
    ("second.submit", "Confirm", "Bestätigen"),
    ("register.title", "Open an account", "Konto eröffnen"),
    ("register.email", "Email address", "E-Mail-Adresse"),
    (
        "register.username_hint",
        "3 to 32 letters, digits, dots, dashes or underscores.",
        "3 bis 32 Buchstaben, Ziffern, Punkte, Binde- oder Unterstriche.",
    ),
    (
        "register.password_hint",
        "Not a common password, nor one built from your username or email address: a few unrelated words make a good one.",
        "Kein verbreitetes Passwort und keines aus Ihrem Benutzernamen oder Ihrer E-Mail-Adresse: einige unzusammenhängende Wörter eignen sich gut.",
    ),
    ("register.submit", "Open the account", "Konto eröffnen"),
    (
        "register.have_account",
        "Already have an account?",
        "Sie haben schon ein Konto?",
    ),
    (
        "register.done",
        "Your account is open. Log in to continue.",
        "Ihr Konto ist eröffnet. Melden Sie sich an, um fortzufahren.",
    ),
    ("login.no_account", "No account yet?", "Noch kein Konto?"),
    (
        "forgot.title",
        "Forgot your password?",
        "Passwort vergessen?",
    ),
    (
        "forgot.submit",
        "Send the reset link",
        "Link zum Zurücksetzen senden",
    ),
    (
        "forgot.sent",
        "If this login belongs to an account, a reset link is on its way to the account's primary email address.",
        "Wenn diese Anmeldung zu einem Konto gehört, ist ein Link zum Zurücksetzen an dessen Haupt-E-Mail-Adresse unterwegs.",
    ),
    (
        "reset.title",
        "Choose a new password",
        "Neues Passwort wählen",
    ),
    ("reset.new_password", "New password", "Neues Passwort"),
    (
        "reset.totp_code",
        "Two-factor code",
        "Code des zweiten Faktors",
    ),
    (
        "reset.totp_hint",
        "Only when two-factor authentication is on: the code your app shows, or a recovery code.",
        "Nur bei eingeschalteter Zwei-Faktor-Anmeldung: der Code Ihrer App oder ein Wiederherstellungscode.",
    ),
    ("reset.submit", "Change the password", "Passwort ändern"),
    (
        "reset.done",
        "Your password was changed and every session ended. Log in with the new password.",
        "Ihr Passwort wurde geändert und alle Sitzungen beendet. Melden Sie sich mit dem neuen Passwort an.",
    ),
    ("profile.title", "Profile", "Profil"),
    ("profile.username", "Username", "Benutzername"),
    ("profile.first_name", "First name", "Vorname"),
    ("profile.last_name", "Last name", "Nachname"),
    ("profile.language", "Language", "Sprache"),
    (
        "profile.language_hint",
        "A BCP 47 tag, such as en-GB or de-CH.",
        "Ein BCP-47-Tag, etwa en-GB oder de-CH.",
    ),
    ("profile.save", "Save", "Speichern"),
    (
        "profile.saved",
        "Your profile was saved.",
        "Ihr Profil wurde gespeichert.",
    ),
    (
        "form.expired",
        "This form has expired. Please send it again.",
        "Dieses Formular ist abgelaufen. Bitte senden Sie es erneut.",
    ),
    (
        "error.title",
        "Something went wrong",
        "Etwas ist schiefgelaufen",
    ),
    (
        "error.unreadable",
        "The form could not be read. Please go back and send it again.",
        "Das Formular konnte nicht gelesen werden. Bitte gehen Sie zurück und senden Sie es erneut.",
    ),
    (
        "error.failed",
        "The page could not be shown. Please try again later.",
        "Die Seite konnte nicht angezeigt werden. Bitte versuchen Sie es später wieder.",
    ),
];

/// The text for `key` in `lang`, or `None` for an unknown key.
pub fn text(lang: Lang, key: &str) -> Option<&'static str> {
    TEXTS
        .iter()
        .find(|(known, _, _)| *known == key)
        .map(|(_, en, de)| match lang {
            Lang::En => *en,
            Lang::De => *de,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_is_chosen_for_any_german_tag_and_english_otherwise() {
        assert_eq!(Lang::of_tag("de-CH"), Lang::De);
        assert_eq!(Lang::of_tag("DE"), Lang::De);
        assert_eq!(Lang::of_tag("en-GB"), Lang::En);
        assert_eq!(Lang::of_tag("fr"), Lang::En);
    }

    #[test]
    fn the_preferred_language_the_pages_speak_is_chosen() {
        assert_eq!(
            Lang::of_accept_language("de-DE,de;q=0.9,en;q=0.8"),
            Lang::De
        );
        assert_eq!(
            Lang::of_accept_language("en-US,en;q=0.9,de;q=0.8"),
            Lang::En
        );
        assert_eq!(Lang::of_accept_language(""), Lang::En);
        assert_eq!(
            Lang::of_accept_language("fr-CH, fr;q=0.9, de;q=0.8"),
            Lang::De
        );
        assert_eq!(Lang::of_accept_language("de;q=0.5, en;q=0.7"), Lang::En);
        assert_eq!(Lang::of_accept_language("de;q=0, fr"), Lang::En);
    }

    #[test]
    fn keys_are_unique() {
        for (n, (key, _, _)) in TEXTS.iter().enumerate() {
            assert!(
                TEXTS[n + 1..].iter().all(|(other, _, _)| other != key),
                "{key}"
            );
        }
    }
}
