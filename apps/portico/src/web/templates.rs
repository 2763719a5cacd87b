//! The page templates: the ones compiled into the binary, the operator's
//! replacements from `PORTICO_TEMPLATES_DIR/web` (checked as the mail templates are),
//! the brand every page shows, and the security policies the pages carry (a logo from
//! another site is let in by its origin only).

use minijinja::{Environment, State, Value};
use poem::http::HeaderValue;
use portico_mail_log::OverrideError;
use portico_mail_log::overrides::apply_all;

use crate::brand::Brand;
use crate::web::text::{Lang, text};

/// Every page template, by name; `layout.html` frames the others.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "layout.html",
        include_str!("../../templates/web/layout.html"),
    ),
    ("field.html", include_str!("../../templates/web/field.html")),
    ("login.html", include_str!("../../templates/web/login.html")),
    (
        "second_factor.html",
        include_str!("../../templates/web/second_factor.html"),
    ),
    (
        "profile.html",
        include_str!("../../templates/web/profile.html"),
    ),
    (
        "forgot_password.html",
        include_str!("../../templates/web/forgot_password.html"),
    ),
    (
        "reset_password.html",
        include_str!("../../templates/web/reset_password.html"),
    ),
    (
        "register.html",
        include_str!("../../templates/web/register.html"),
    ),
    ("error.html", include_str!("../../templates/web/error.html")),
    (
        "profile_tabs.html",
        include_str!("../../templates/web/profile_tabs.html"),
    ),
    (
        "emails.html",
        include_str!("../../templates/web/emails.html"),
    ),
    (
        "phones.html",
        include_str!("../../templates/web/phones.html"),
    ),
    (
        "address_fields.html",
        include_str!("../../templates/web/address_fields.html"),
    ),
    (
        "addresses.html",
        include_str!("../../templates/web/addresses.html"),
    ),
    (
        "company.html",
        include_str!("../../templates/web/company.html"),
    ),
    (
        "security_tabs.html",
        include_str!("../../templates/web/security_tabs.html"),
    ),
    (
        "security.html",
        include_str!("../../templates/web/security.html"),
    ),
    (
        "two_factor.html",
        include_str!("../../templates/web/two_factor.html"),
    ),
    (
        "two_factor_enrol.html",
        include_str!("../../templates/web/two_factor_enrol.html"),
    ),
    (
        "recovery_codes.html",
        include_str!("../../templates/web/recovery_codes.html"),
    ),
    (
        "ip_whitelist.html",
        include_str!("../../templates/web/ip_whitelist.html"),
    ),
    (
        "sessions.html",
        include_str!("../../templates/web/sessions.html"),
    ),
    (
        "security_log.html",
        include_str!("../../templates/web/security_log.html"),
    ),
    (
        "verify_email.html",
        include_str!("../../templates/web/verify_email.html"),
    ),
    (
        "messages.html",
        include_str!("../../templates/web/messages.html"),
    ),
    (
        "message.html",
        include_str!("../../templates/web/message.html"),
    ),
    (
        "scope_fields.html",
        include_str!("../../templates/web/scope_fields.html"),
    ),
    (
        "delegates.html",
        include_str!("../../templates/web/delegates.html"),
    ),
    (
        "accept_invitation.html",
        include_str!("../../templates/web/accept_invitation.html"),
    ),
    (
        "affiliate_tabs.html",
        include_str!("../../templates/web/affiliate_tabs.html"),
    ),
    (
        "affiliate.html",
        include_str!("../../templates/web/affiliate.html"),
    ),
    (
        "payouts.html",
        include_str!("../../templates/web/payouts.html"),
    ),
];

/// A policy beyond the pages' default that one page needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Widening {
    /// The one script, `/assets/portico.js` (copy and download buttons).
    Script,
    /// A frame showing a mail's own HTML from this site.
    MailFrame,
}

/// The templates of one portal, ready to render.
pub struct PageTemplates {
    env: Environment<'static>,
    brand: Brand,
    policy: HeaderValue,
    policy_with_script: HeaderValue,
    policy_with_mail_frame: HeaderValue,
}

/// The pages' policy with nothing from elsewhere: what a page carries should its
/// brand's policy not make a valid header.
pub const STRICT_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

impl std::fmt::Debug for PageTemplates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageTemplates")
            .field("brand", &self.brand.name)
            .finish_non_exhaustive()
    }
}

impl PageTemplates {
    /// The embedded templates with `brand`, and its page templates replacing the
    /// embedded ones of the same names once checked. Without an operator's templates
    /// every value must be defined (a mistake of ours fails the page and its test);
    /// with them, a value a page lacks (and anything looked up on it) shows as nothing
    /// instead, for every page, so one wording slip cannot take the pages down.
    pub fn new(brand: &Brand) -> Result<Self, OverrideError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(if brand.page_templates.is_empty() {
            minijinja::UndefinedBehavior::Strict
        } else {
            minijinja::UndefinedBehavior::Chainable
        });
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .map_err(|source| OverrideError::DoesNotCompile {
                    file: (*name).to_owned(),
                    source,
                })?;
        }
        env.add_function("t", translate);
        env.add_global(
            "brand",
            minijinja::context! {
                name => brand.name.clone(),
                logo_url => brand.logo_url.clone(),
            },
        );
        apply_all(&mut env, &brand.page_templates)?;
        for (file, source) in &brand.page_templates {
            check_text_keys(file, source)?;
        }
        // Images from this site and `data:` (a QR code), and the logo's own origin.
        let images = match brand.logo_origin() {
            Some(origin) => format!("img-src 'self' data: {origin}"),
            None => "img-src 'self' data:".to_owned(),
        };
        let policy = |extra: &str| {
            let text = format!(
                "default-src 'none'; style-src 'self';{extra} {images}; form-action 'self'; \
                 frame-ancestors 'none'; base-uri 'none'"
            );
            HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static(STRICT_POLICY))
        };
        Ok(Self {
            env,
            brand: brand.clone(),
            policy: policy(""),
            policy_with_script: policy(" script-src 'self';"),
            policy_with_mail_frame: policy(" frame-src 'self';"),
        })
    }

    /// The brand the pages show.
    pub fn brand(&self) -> &Brand {
        &self.brand
    }

    /// The `Content-Security-Policy` of a page, widened as it asks.
    pub fn policy(&self, widening: Option<Widening>) -> &HeaderValue {
        match widening {
            None => &self.policy,
            Some(Widening::Script) => &self.policy_with_script,
            Some(Widening::MailFrame) => &self.policy_with_mail_frame,
        }
    }

    /// `template` rendered with `context`.
    pub fn render(&self, template: &str, context: Value) -> Result<String, minijinja::Error> {
        self.env.get_template(template)?.render(context)
    }
}

/// Refuses an operator's page that names a text key the pages do not have
/// (`t("login.titel")`), which would fail every render of it.
fn check_text_keys(file: &str, source: &str) -> Result<(), OverrideError> {
    for (at, _) in source.match_indices("t(") {
        // `t(` itself, not the end of another name such as `input(`.
        let own_name = source[..at]
            .chars()
            .next_back()
            .is_none_or(|before| !(before.is_alphanumeric() || before == '_' || before == '.'));
        let call = &source[at + 2..];
        let Some(quote) = call.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let key = call[1..].split(quote).next().unwrap_or_default();
        // A key built at render time (`t("status." ~ name)`) cannot be checked here.
        let whole = call[1 + key.len()..]
            .strip_prefix(quote)
            .is_some_and(|rest| rest.trim_start().starts_with(')'));
        if own_name && whole && text(Lang::En, key).is_none() {
            return Err(OverrideError::UnknownVariable {
                file: file.to_owned(),
                variable: format!("t(\"{key}\")"),
                allowed: "the keys of apps/portico/src/web/texts/".to_owned(),
            });
        }
    }
    Ok(())
}

/// `t(key)` in a template: the text for `key` in the page's `lang`.
fn translate(state: &State, key: &str) -> Result<String, minijinja::Error> {
    let lang = match state.lookup("lang").as_ref().and_then(Value::as_str) {
        Some("de") => Lang::De,
        _ => Lang::En,
    };
    text(lang, key).map(str::to_owned).ok_or_else(|| {
        minijinja::Error::new(
            minijinja::ErrorKind::UndefinedError,
            format!("no text for the key {key}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_in_the_folder_is_compiled_in() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/web");
        for entry in std::fs::read_dir(folder).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            assert!(
                TEMPLATES.iter().any(|(known, _)| *known == name),
                "{name} is not in TEMPLATES"
            );
        }
    }

    #[test]
    fn every_template_compiles() {
        let templates = PageTemplates::new(&Brand::default());
        assert!(templates.is_ok(), "{:?}", templates.err());
    }

    #[test]
    fn an_unknown_text_key_fails_the_render_instead_of_showing_nothing() {
        let mut env = Environment::new();
        env.add_function("t", translate);
        env.add_template("x", "{{ t('no.such.key') }}").unwrap();
        let rendered = env
            .get_template("x")
            .unwrap()
            .render(minijinja::context! { lang => "en" });
        assert!(rendered.is_err());
    }

    #[test]
    fn an_operators_page_replaces_the_embedded_one_once_checked() {
        let brand = Brand {
            name: "Example Hosting".into(),
            page_templates: vec![(
                "error.html".into(),
                "{% extends 'layout.html' %}{% block title %}x{% endblock %}\
                 {% block content %}<p>{{ brand.name }}: {{ errors.notice }}</p>{% endblock %}"
                    .into(),
            )],
            ..Brand::default()
        };
        let templates = PageTemplates::new(&brand).unwrap();
        let page = templates
            .render(
                "error.html",
                minijinja::context! { lang => "en", errors => minijinja::context! { notice => "x" } },
            )
            .unwrap();
        assert!(page.contains("<p>Example Hosting: x</p>"), "{page}");
        let typo = Brand {
            page_templates: vec![(
                "error.html".into(),
                "{% extends 'layout.html' %}{% block title %}x{% endblock %}\
                 {% block content %}{{ erors.notice }}{% endblock %}"
                    .into(),
            )],
            ..Brand::default()
        };
        let refused = PageTemplates::new(&typo).unwrap_err();
        assert!(refused.to_string().contains("`erors`"), "{refused}");
    }

    #[test]
    fn an_unchanged_copy_of_every_page_template_is_accepted() {
        let brand = Brand {
            page_templates: TEMPLATES
                .iter()
                .map(|(name, source)| ((*name).to_owned(), (*source).to_owned()))
                .collect(),
            ..Brand::default()
        };
        let copied = PageTemplates::new(&brand);
        assert!(copied.is_ok(), "{:?}", copied.err());
        let typo = Brand {
            page_templates: vec![(
                "error.html".into(),
                "{% extends 'layout.html' %}{% block title %}{{ t('error.titel') }}{% endblock %}\
                 {% block content %}{% endblock %}"
                    .into(),
            )],
            ..Brand::default()
        };
        let refused = PageTemplates::new(&typo).unwrap_err();
        assert!(refused.to_string().contains("error.titel"), "{refused}");
    }

    #[test]
    fn a_logo_from_another_site_is_let_in_by_its_origin_only() {
        let brand = Brand {
            logo_url: Some("https://cdn.example/brand/logo.svg".into()),
            ..Brand::default()
        };
        let templates = PageTemplates::new(&brand).unwrap();
        let policy = |widening| templates.policy(widening).to_str().unwrap().to_owned();
        let page = policy(None);
        assert!(
            page.contains("img-src 'self' data: https://cdn.example;"),
            "{page}"
        );
        assert!(!page.contains("script-src"), "{page}");
        assert!(policy(Some(Widening::Script)).contains("script-src 'self';"));
        assert!(policy(Some(Widening::MailFrame)).contains("frame-src 'self';"));
    }
}
