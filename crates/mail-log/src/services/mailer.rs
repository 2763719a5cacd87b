//! Composing messages: rendering a template into a [`NewMessage`] for the outbox.

use std::sync::Arc;

use portico_kernel::{AccountId, Clock, EmailAddress, MessageId};

pub use portico_kernel::ComposeError;

use crate::message::NewMessage;
use crate::template::{Template, Templates};

/// Renders templates into outbox messages; [`Mailer`] implements it. The
/// application's bridges turn each domain's notices into [`Template`]s through it.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait MessageComposer: Send + Sync {
    /// Renders `template` in the language closest to `language` for `to`. An error
    /// means the templates are defective, never that the input was wrong.
    fn compose(
        &self,
        account: Option<AccountId>,
        to: &EmailAddress,
        language: &str,
        template: &Template,
    ) -> Result<NewMessage, ComposeError>;
}

/// Turns notifications into outbox messages. It does not send anything: the caller
/// stores the message in the same transaction as the change it reports, and the
/// delivery worker sends it later.
#[derive(Clone)]
pub struct Mailer {
    templates: Arc<Templates>,
    clock: Arc<dyn Clock>,
    message_id_domain: String,
}

impl Mailer {
    /// `message_id_domain` is the right-hand side of every `Message-ID` header (the
    /// domain of the sender address).
    pub fn new(templates: Arc<Templates>, clock: Arc<dyn Clock>, message_id_domain: &str) -> Self {
        Self {
            templates,
            clock,
            message_id_domain: message_id_domain.to_owned(),
        }
    }
}

impl MessageComposer for Mailer {
    fn compose(
        &self,
        account: Option<AccountId>,
        to: &EmailAddress,
        language: &str,
        template: &Template,
    ) -> Result<NewMessage, ComposeError> {
        let rendered = self
            .templates
            .render(template, language)
            .map_err(ComposeError::new)?;
        let id = MessageId::generate();
        Ok(NewMessage {
            id,
            account,
            to: to.clone(),
            template: template.name(),
            language: rendered.language.to_owned(),
            stored: rendered.stored,
            secret_delivery: rendered.secret_delivery,
            message_id_header: format!("<{id}@{}>", self.message_id_domain),
            created_at: self.clock.now(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_kernel::OneTimeLink;

    use portico_kernel::FixedClock;
    use time::OffsetDateTime;

    #[test]
    fn a_composed_message_has_a_stable_message_id_and_a_redacted_stored_copy() {
        let clock = Arc::new(FixedClock::at(OffsetDateTime::UNIX_EPOCH));
        let templates = Templates::new(crate::template::tests::SOURCES).unwrap();
        let mailer = Mailer::new(Arc::new(templates), clock, "mail.example");
        let to = EmailAddress::parse("ada@example.com").unwrap();
        let template = Template::new("welcome")
            .with("first_name", "Ada")
            .with_link(OneTimeLink::new(
                "https://p.example",
                "/verify-email",
                &[],
                "tok123",
            ));

        let message = mailer.compose(None, &to, "de", &template).unwrap();

        assert_eq!(
            message.message_id_header,
            format!("<{}@mail.example>", message.id)
        );
        assert_eq!(message.template, "welcome");
        assert_eq!(message.language, "de");
        assert!(!message.stored.text.contains("tok123"));
        assert!(message.secret_delivery.unwrap().text.contains("tok123"));
        assert_eq!(message.created_at, OffsetDateTime::UNIX_EPOCH);
    }
}
