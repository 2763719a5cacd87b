//! The bridge from every domain's notices to mail-log.
//!
//! Domains say what happened as a [`Notice`] of their own (identity's
//! `IdentityNotice`, security's `SecurityNotice`, ...) and hand it to a
//! [`NoticeComposer`]. This is that composer: it renders the portal's mail
//! templates of the notice's name (embedded from `templates/mail/`, see
//! [`sources::MAIL_TEMPLATES`]) through mail-log, which knows no domain.

pub mod sources;

use std::sync::Arc;

use minijinja::Value;
use portico_kernel::{
    AccountId, ComposeError, EmailAddress, NewMessage, Notice, NoticeComposer, NoticeValue,
};
use portico_mail_log::{MessageComposer, Template};

/// Renders notices with mail-log's composer.
#[derive(Clone)]
pub struct MailNotices {
    composer: Arc<dyn MessageComposer>,
}

impl MailNotices {
    /// Notices rendered by `composer` (the portal's [`portico_mail_log::Mailer`]).
    pub fn new(composer: Arc<dyn MessageComposer>) -> Self {
        Self { composer }
    }
}

/// The mail-log template for a notice: its name, its values and its link.
pub fn template_of(notice: &dyn Notice) -> Template {
    let template = notice
        .values()
        .into_iter()
        .fold(Template::new(notice.name()), |template, (key, value)| {
            template.with(key, template_value(value))
        });
    match notice.link() {
        Some(link) => template.with_link(link.clone()),
        None => template,
    }
}

fn template_value(value: NoticeValue) -> Value {
    match value {
        NoticeValue::Text(text) => Value::from(text),
        NoticeValue::Flag(flag) => Value::from(flag),
        NoticeValue::Unknown => Value::from(()),
    }
}

impl NoticeComposer for MailNotices {
    fn compose(
        &self,
        account: Option<AccountId>,
        to: &EmailAddress,
        language: &str,
        notice: &dyn Notice,
    ) -> Result<NewMessage, ComposeError> {
        self.composer
            .compose(account, to, language, &template_of(notice))
    }
}

#[cfg(test)]
mod tests;
