//! The words of `My account > Account delegates` and of the invitation page.

/// Key, English, German.
pub const TEXTS: &[(&str, &str, &str)] = &[
    ("delegates.title", "Account delegates", "Konto-Vertreter"),
    (
        "delegates.lead",
        "A delegate logs in with an account of their own and acts for you on the products you choose.",
        "Ein Vertreter meldet sich mit einem eigenen Konto an und handelt für Sie bei den Produkten, die Sie wählen.",
    ),
    ("delegates.mine", "My delegates", "Meine Vertreter"),
    ("delegates.none", "No delegate yet.", "Noch kein Vertreter."),
    ("delegates.pending", "Invited", "Eingeladen"),
    ("delegates.active", "Active", "Aktiv"),
    ("delegates.access", "Access", "Zugriff"),
    (
        "delegates.all_products",
        "All products, including future ones",
        "Alle Produkte, auch künftige",
    ),
    (
        "delegates.some_products",
        "Only the products ticked below",
        "Nur die unten angekreuzten Produkte",
    ),
    ("delegates.only", "Only:", "Nur:"),
    (
        "delegates.no_products",
        "Your account has no products yet.",
        "Ihr Konto hat noch keine Produkte.",
    ),
    ("delegates.invited", "Invited", "Eingeladen"),
    ("delegates.expires", "link valid until", "Link gültig bis"),
    ("delegates.accepted", "accepted", "angenommen"),
    (
        "delegates.withdraw",
        "Withdraw the invitation",
        "Einladung zurückziehen",
    ),
    ("delegates.revoke", "Revoke", "Entziehen"),
    ("delegates.change", "Change the access", "Zugriff ändern"),
    (
        "delegates.invite",
        "Invite a delegate",
        "Vertreter einladen",
    ),
    (
        "delegates.email",
        "Their email address",
        "Deren E-Mail-Adresse",
    ),
    (
        "delegates.email_hint",
        "We mail them a link, valid for 7 days. They accept with an account that holds this address, confirmed.",
        "Wir senden einen Link, 7 Tage gültig. Angenommen wird mit einem Konto, das diese Adresse bestätigt führt.",
    ),
    (
        "delegates.invite_button",
        "Send the invitation",
        "Einladung senden",
    ),
    (
        "delegates.for_others",
        "Accounts I act for",
        "Konten, für die ich handle",
    ),
    (
        "delegates.for_others_none",
        "No account has made you its delegate.",
        "Kein Konto hat Sie zum Vertreter gemacht.",
    ),
    (
        "done.delegate_invited",
        "The invitation is on its way.",
        "Die Einladung ist unterwegs.",
    ),
    (
        "done.delegate_changed",
        "The access was changed.",
        "Der Zugriff wurde geändert.",
    ),
    (
        "done.delegate_revoked",
        "Done: that delegate has no access any more.",
        "Erledigt: Dieser Vertreter hat keinen Zugriff mehr.",
    ),
    (
        "done.invitation_accepted",
        "You accepted the invitation; the account is listed below.",
        "Sie haben die Einladung angenommen; das Konto steht unten.",
    ),
    (
        "invitation.title",
        "Accept an invitation",
        "Einladung annehmen",
    ),
    (
        "invitation.lead",
        "An account invited you to act for it as its delegate.",
        "Ein Konto hat Sie eingeladen, als sein Vertreter zu handeln.",
    ),
    (
        "invitation.verified_hint",
        "This account must hold the invited email address, confirmed.",
        "Dieses Konto muss die eingeladene E-Mail-Adresse bestätigt führen.",
    ),
    ("invitation.button", "Accept", "Annehmen"),
];
