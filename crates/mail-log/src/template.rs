//! Rendering mail templates.
//!
//! mail-log knows no other domain: the application hands it the template files
//! ([`TemplateSource`]) and, for each mail, a [`Template`] naming the file and the
//! values it reads. Each template exists per language as a `.txt` file (first line
//! `Subject: ...`, a blank line, the body) and an auto-escaped `.html` file. A message
//! is rendered in the account's language when there is a template in it and in the
//! first language of [`LANGUAGES`] otherwise.
//!
//! Templates that carry a one-time link are rendered twice: with the real link for
//! delivery, and with the token replaced by a placeholder for the history, so the
//! stored copy can be read but never used.

use std::collections::BTreeMap;

use minijinja::{Environment, UndefinedBehavior, Value};
use portico_kernel::OneTimeLink;

use crate::message::Content;
use crate::overrides::OverrideError;

/// The languages templates exist in; the first is the fallback.
pub const LANGUAGES: [&str; 2] = ["en", "de"];

/// One template file pair: its name, language, text source and HTML source.
#[derive(Debug, Clone, Copy)]
pub struct TemplateSource {
    /// The name messages are stored under (`welcome`).
    pub name: &'static str,
    /// One of [`LANGUAGES`].
    pub language: &'static str,
    /// `Subject: ...`, a blank line, the plain-text body.
    pub text: &'static str,
    /// The HTML body (auto-escaped).
    pub html: &'static str,
}

/// A mail to render: which template, the values it reads and, when it carries one,
/// the one-time link (offered to the template as `link`).
#[derive(Debug, Clone)]
pub struct Template {
    name: &'static str,
    values: Vec<(&'static str, Value)>,
    link: Option<OneTimeLink>,
}

impl Template {
    /// The mail rendered from the files named `name`.
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            values: Vec::new(),
            link: None,
        }
    }

    /// Offers `value` to the template as `key`.
    pub fn with(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.values.push((key, value.into()));
        self
    }

    /// Offers the link to the template as `link`: the real one in the copy that is
    /// sent, the redacted one in the copy that is stored.
    pub fn with_link(mut self, link: OneTimeLink) -> Self {
        self.link = Some(link);
        self
    }

    /// The template's name, as stored with each message.
    pub fn name(&self) -> &'static str {
        self.name
    }

    fn context(&self, link: Option<String>) -> Value {
        let link = link.map(|link| ("link", Value::from(link)));
        let values: BTreeMap<&str, Value> = self.values.iter().cloned().chain(link).collect();
        Value::from(values)
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

/// The compiled templates.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
}

/// The name mails sign with when the portal names no brand of its own.
pub const DEFAULT_BRAND: &str = "Portico";

impl Templates {
    /// Compiles `sources` (auto-escaping the `.html` ones), signed with
    /// [`DEFAULT_BRAND`].
    pub fn new(sources: &[TemplateSource]) -> Result<Self, TemplateError> {
        let mut env = Environment::new();
        // A value a template reads but the mail does not offer is a defect to find
        // in tests, not a blank in a client's mail.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.add_global("brand", DEFAULT_BRAND);
        for source in sources {
            for (extension, text) in [("txt", source.text), ("html", source.html)] {
                env.add_template_owned(file_name(source.name, source.language, extension), text)
                    .map_err(|error| TemplateError {
                        name: source.name.to_owned(),
                        language: source.language,
                        source: error,
                    })?;
            }
        }
        Ok(Self { env })
    }

    /// The templates of a portal called `brand` (its name in every mail), with the
    /// operator's `overrides` (file name, such as `welcome.de.txt`, and source)
    /// replacing some of `sources` after [`crate::overrides::apply`] checked them.
    pub fn branded(
        sources: &[TemplateSource],
        brand: &str,
        overrides: &[(String, String)],
    ) -> Result<Self, OverrideError> {
        let mut templates = Self::new(sources).map_err(|error| OverrideError::DoesNotCompile {
            file: error.name.clone(),
            source: error.source,
        })?;
        templates.env.add_global("brand", brand.to_owned());
        crate::overrides::apply_all(&mut templates.env, overrides)?;
        if !overrides.is_empty() {
            // The start-up check knows which names a replacement may use, not what it
            // looks up on them: with an operator's wording, a value that is not there
            // renders as nothing rather than failing the change the mail reports.
            templates
                .env
                .set_undefined_behavior(UndefinedBehavior::Chainable);
        }
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
            template.link.as_ref().map(OneTimeLink::redacted),
        )?;
        let secret_delivery = match &template.link {
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
pub(crate) mod tests;
