//! The words of the frame every page shares and of the pages shown before login.

/// Key, English, German.
pub const TEXTS: &[(&str, &str, &str)] = &[
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
    ("nav.security", "Security", "Sicherheit"),
    ("nav.messages", "Email history", "E-Mail-Verlauf"),
    ("nav.delegates", "Account delegates", "Konto-Vertreter"),
    ("nav.affiliate", "Affiliate program", "Partnerprogramm"),
    (
        "reauth.needed",
        "For this change, confirm your password first: enter it below and send the form again.",
        "Bestätigen Sie für diese Änderung zuerst Ihr Passwort: Geben Sie es unten ein und senden Sie das Formular erneut.",
    ),
    (
        "reauth.failed",
        "Your password or code was not accepted; nothing was changed.",
        "Ihr Passwort oder Code wurde nicht angenommen; nichts wurde geändert.",
    ),
    (
        "reauth.legend",
        "Confirm it is you",
        "Bestätigen Sie, dass Sie es sind",
    ),
    ("reauth.password", "Your password", "Ihr Passwort"),
    ("reauth.code", "Two-factor code", "Code des zweiten Faktors"),
    (
        "reauth.code_hint",
        "Only when two-factor authentication is on: the code your app shows, or a recovery code.",
        "Nur bei eingeschalteter Zwei-Faktor-Anmeldung: der Code Ihrer App oder ein Wiederherstellungscode.",
    ),
    (
        "login.for_link",
        "Log in to finish what the link you opened asks for.",
        "Melden Sie sich an, um abzuschließen, wozu der geöffnete Link dient.",
    ),
    (
        "link.missing",
        "This link is incomplete, or it was opened more than an hour ago. Open it again from your mail.",
        "Dieser Link ist unvollständig oder wurde vor über einer Stunde geöffnet. Öffnen Sie ihn erneut aus Ihrer E-Mail.",
    ),
    (
        "verify.title",
        "Confirm your email address",
        "E-Mail-Adresse bestätigen",
    ),
    (
        "verify.lead",
        "Confirm that you read mail sent to",
        "Bestätigen Sie, dass Sie E-Mails lesen, die gehen an",
    ),
    ("verify.button", "Confirm the address", "Adresse bestätigen"),
    (
        "verify.not_yours",
        "This link is for an address of another account. Log out and log in to that account to confirm it.",
        "Dieser Link gilt einer Adresse eines anderen Kontos. Melden Sie sich ab und bei jenem Konto an, um sie zu bestätigen.",
    ),
];
