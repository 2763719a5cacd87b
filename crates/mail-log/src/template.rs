//! The notification templates and their rendering.
//!
//! Each template exists in English and German as a `.txt` file (first line
//! `Subject: ...`, a blank line, the body) and an auto-escaped `.html` file, embedded
//! in the binary. A message is rendered in the account's language when Portico has it
//! and in English otherwise.
//!
//! Templates that carry a one-time link are rendered twice: with the real link for
//! delivery, and with the token replaced by a placeholder for the history, so the
//! stored copy can be read but never used.

use std::fmt;

use minijinja::{Environment, Value, context};

use crate::message::Content;
use crate::overrides::OverrideError;

/// The languages templates exist in; the first is the fallback.
pub const LANGUAGES: [&str; 2] = ["en", "de"];

/// What replaces a one-time token in the stored copy of a message.
pub const REDACTED: &str = "REDACTED";

/// A link that carries a one-time secret as its `token` query parameter.
#[derive(Clone, PartialEq, Eq)]
pub struct OneTimeLink {
    without_token: String,
    token: String,
}

impl OneTimeLink {
    /// `{base_url}{path}?{params}&token={token}`. The base URL comes from settings,
    /// never from a request's Host header. Parameters and tokens are URL-safe text
    /// (ids and base64url), so no encoding is needed.
    pub fn new(base_url: &str, path: &str, params: &[(&str, &str)], token: &str) -> Self {
        let mut url = format!("{}{path}?", base_url.trim_end_matches('/'));
        for (name, value) in params {
            url.push_str(name);
            url.push('=');
            url.push_str(value);
            url.push('&');
        }
        url.push_str("token=");
        Self {
            without_token: url,
            token: token.to_owned(),
        }
    }

    /// The link as sent.
    pub fn expose(&self) -> String {
        format!("{}{}", self.without_token, self.token)
    }

    /// The link as stored.
    pub fn redacted(&self) -> String {
        format!("{}{REDACTED}", self.without_token)
    }
}

impl fmt::Debug for OneTimeLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Every notification Portico sends, with what it needs to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Template {
    /// After registration: welcome, and confirm the registration address.
    Welcome {
        /// The new username.
        username: String,
        /// Given name, for the greeting.
        first_name: String,
        /// The verification link.
        link: OneTimeLink,
    },
    /// An address was added (or edited): confirm it.
    VerifyEmail {
        /// The account's username.
        username: String,
        /// The verification link.
        link: OneTimeLink,
    },
    /// To the former primary address: the primary address changed.
    PrimaryEmailChanged {
        /// The account's username.
        username: String,
        /// The new primary address.
        new_address: String,
    },
    /// A security setting of the account changed; the notice says which.
    SecurityNotice {
        /// What changed.
        notice: SecurityNotice,
        /// The account's username.
        username: String,
        /// The address the change came from, if known.
        ip: Option<String>,
    },
    /// The username changed, naming the old and the new one.
    UsernameChanged {
        /// The username before.
        old_username: String,
        /// The username now.
        new_username: String,
        /// The address the change came from, if known.
        ip: Option<String>,
    },
    /// A range was added to or removed from the IP whitelist.
    IpWhitelistChanged {
        /// The account's username.
        username: String,
        /// The range, in canonical CIDR form.
        cidr: String,
        /// Added (`true`) or removed.
        added: bool,
        /// The address the change came from, if known.
        ip: Option<String>,
    },
    /// A payout destination was added or removed.
    PayoutDestinationChanged {
        /// The account's username.
        username: String,
        /// A public description of the destination (never a whole IBAN).
        destination: String,
        /// Added (`true`) or removed.
        added: bool,
        /// The address the change came from, if known.
        ip: Option<String>,
    },
    /// To an invited address: the link to accept a delegate invitation.
    DelegateInvitation {
        /// The inviting account's username.
        owner: String,
        /// The acceptance link.
        link: OneTimeLink,
    },
    /// To the owner: a delegate was invited, rescoped or removed.
    DelegatesChanged {
        /// The owner's username.
        username: String,
        /// The delegate's address.
        delegate_email: String,
        /// `invited`, `scope_changed` or `revoked`.
        change: &'static str,
        /// The address the change came from, if known.
        ip: Option<String>,
    },
    /// To the owner: a delegate accepted.
    DelegateAccepted {
        /// The owner's username.
        username: String,
        /// The address the invitation went to.
        delegate_email: String,
    },
    /// To a delegate: the owner revoked the access.
    DelegateRevoked {
        /// The owner's username.
        owner: String,
    },
    /// A password reset was asked for: the link to choose a new password.
    PasswordReset {
        /// The account's username.
        username: String,
        /// The reset link.
        link: OneTimeLink,
        /// Whether the reset will also ask for a second factor.
        two_factor: bool,
    },
}

/// Security changes notified with the same facts (who, from where), one template each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityNotice {
    /// The password was changed (other sessions were logged out).
    PasswordChanged,
    /// The password was reset (every session was logged out).
    PasswordResetDone,
    /// Two-factor authentication was turned on.
    TwoFactorEnabled,
    /// Two-factor authentication was turned off.
    TwoFactorDisabled,
    /// A new set of recovery codes replaced the old one.
    RecoveryCodesRenewed,
}

impl SecurityNotice {
    fn template_name(self) -> &'static str {
        match self {
            Self::PasswordChanged => "password_changed",
            Self::PasswordResetDone => "password_reset_done",
            Self::TwoFactorEnabled => "two_factor_enabled",
            Self::TwoFactorDisabled => "two_factor_disabled",
            Self::RecoveryCodesRenewed => "recovery_codes_renewed",
        }
    }
}

impl Template {
    /// The template's name, as stored with each message.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Welcome { .. } => "welcome",
            Self::VerifyEmail { .. } => "verify_email",
            Self::PrimaryEmailChanged { .. } => "primary_email_changed",
            Self::SecurityNotice { notice, .. } => notice.template_name(),
            Self::UsernameChanged { .. } => "username_changed",
            Self::IpWhitelistChanged { .. } => "ip_whitelist_changed",
            Self::PayoutDestinationChanged { .. } => "payout_destination_changed",
            Self::DelegateInvitation { .. } => "delegate_invitation",
            Self::DelegateAccepted { .. } => "delegate_accepted",
            Self::DelegatesChanged { .. } => "delegates_changed",
            Self::DelegateRevoked { .. } => "delegate_revoked",
            Self::PasswordReset { .. } => "password_reset",
        }
    }

    fn link(&self) -> Option<&OneTimeLink> {
        match self {
            Self::Welcome { link, .. }
            | Self::VerifyEmail { link, .. }
            | Self::PasswordReset { link, .. }
            | Self::DelegateInvitation { link, .. } => Some(link),
            Self::PrimaryEmailChanged { .. }
            | Self::SecurityNotice { .. }
            | Self::UsernameChanged { .. }
            | Self::IpWhitelistChanged { .. }
            | Self::DelegateAccepted { .. }
            | Self::DelegateRevoked { .. }
            | Self::DelegatesChanged { .. }
            | Self::PayoutDestinationChanged { .. } => None,
        }
    }

    fn context(&self, link: Option<String>) -> Value {
        match self {
            Self::Welcome {
                username,
                first_name,
                ..
            } => context! { username, first_name, link },
            Self::VerifyEmail { username, .. } => context! { username, link },
            Self::PrimaryEmailChanged {
                username,
                new_address,
            } => context! { username, new_address },
            Self::SecurityNotice { username, ip, .. } => context! { username, ip },
            Self::UsernameChanged {
                old_username,
                new_username,
                ip,
            } => context! { old_username, new_username, ip },
            Self::IpWhitelistChanged {
                username,
                cidr,
                added,
                ip,
            } => context! { username, cidr, added, ip },
            Self::PasswordReset {
                username,
                two_factor,
                ..
            } => context! { username, link, two_factor },
            Self::DelegateInvitation { owner, .. } => context! { owner, link },
            Self::DelegateAccepted {
                username,
                delegate_email,
            } => context! { username, delegate_email },
            Self::DelegateRevoked { owner } => context! { owner },
            Self::DelegatesChanged {
                username,
                delegate_email,
                change,
                ip,
            } => context! { username, delegate_email, change => *change, ip },
            Self::PayoutDestinationChanged {
                username,
                destination,
                added,
                ip,
            } => context! { username, destination, added, ip },
        }
    }
}

/// A template could not be rendered: a defect of the template files, never of input.
#[derive(Debug, thiserror::Error)]
#[error("template {name} ({language}) could not be rendered")]
pub struct TemplateError {
    name: String,
    language: &'static str,
    #[source]
    source: minijinja::Error,
}

/// A template rendered for storage and, when it holds a secret, for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The language used.
    pub language: &'static str,
    /// The copy for the history.
    pub stored: Content,
    /// The copy to send, when it differs from the stored one.
    pub secret_delivery: Option<Content>,
}

macro_rules! sources {
    ($($name:literal),* $(,)?) => {
        &[$(
            ($name, "en", include_str!(concat!("../templates/", $name, ".en.txt")), include_str!(concat!("../templates/", $name, ".en.html"))),
            ($name, "de", include_str!(concat!("../templates/", $name, ".de.txt")), include_str!(concat!("../templates/", $name, ".de.html"))),
        )*]
    };
}

/// `(template, language, text source, html source)` for every template.
const SOURCES: &[(&str, &str, &str, &str)] = sources![
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

/// The compiled templates.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
}

/// The name mails sign with when the portal names no brand of its own.
pub const DEFAULT_BRAND: &str = "Portico";

impl Templates {
    /// Compiles every embedded template (auto-escaping the `.html` ones), signed
    /// with [`DEFAULT_BRAND`].
    pub fn new() -> Result<Self, TemplateError> {
        let mut env = Environment::new();
        env.add_global("brand", DEFAULT_BRAND);
        for (name, language, text, html) in SOURCES {
            for (extension, source) in [("txt", text), ("html", html)] {
                env.add_template_owned(file_name(name, language, extension), *source)
                    .map_err(|source| TemplateError {
                        name: (*name).to_owned(),
                        language,
                        source,
                    })?;
            }
        }
        Ok(Self { env })
    }

    /// The templates of a portal called `brand` (its name in every mail), with the
    /// operator's `overrides` (file name, such as `welcome.de.txt`, and source)
    /// replacing embedded ones after [`crate::overrides::apply`] checked them.
    pub fn branded(brand: &str, overrides: &[(String, String)]) -> Result<Self, OverrideError> {
        let mut templates = Self::new().map_err(|error| OverrideError::DoesNotCompile {
            file: error.name.clone(),
            source: error.source,
        })?;
        templates.env.add_global("brand", brand.to_owned());
        crate::overrides::apply_all(&mut templates.env, overrides)?;
        Ok(templates)
    }

    /// The template language closest to a BCP 47 tag (`de-CH` gives `de`).
    pub fn language_for(tag: &str) -> &'static str {
        let primary = tag
            .split('-')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        LANGUAGES
            .into_iter()
            .find(|language| *language == primary)
            .unwrap_or(LANGUAGES[0])
    }

    /// Renders a template in the language closest to `tag`.
    pub fn render(&self, template: &Template, tag: &str) -> Result<Rendered, TemplateError> {
        let language = Self::language_for(tag);
        let stored = self.content(
            template,
            language,
            template.link().map(OneTimeLink::redacted),
        )?;
        let secret_delivery = match template.link() {
            Some(link) => Some(self.content(template, language, Some(link.expose()))?),
            None => None,
        };
        Ok(Rendered {
            language,
            stored,
            secret_delivery,
        })
    }

    fn content(
        &self,
        template: &Template,
        language: &'static str,
        link: Option<String>,
    ) -> Result<Content, TemplateError> {
        let name = template.name();
        let failed = |source| TemplateError {
            name: name.to_owned(),
            language,
            source,
        };
        let ctx = template.context(link);
        let text = self
            .env
            .get_template(&file_name(name, language, "txt"))
            .and_then(|t| t.render(ctx.clone()))
            .map_err(failed)?;
        let html = self
            .env
            .get_template(&file_name(name, language, "html"))
            .and_then(|t| t.render(ctx))
            .map_err(failed)?;
        let (head, body) = text.split_once("\n\n").unwrap_or(("", text.as_str()));
        let subject = head
            .strip_prefix("Subject: ")
            .unwrap_or(head)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned();
        Ok(Content {
            subject,
            text: body.to_owned(),
            html,
        })
    }
}

fn file_name(name: &str, language: &str, extension: &str) -> String {
    format!("{name}.{language}.{extension}")
}

#[cfg(test)]
#[path = "template_tests.rs"]
mod tests;
