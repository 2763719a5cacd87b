//! What a domain hands over when a change must be told to a person.
//!
//! A domain never renders or sends mail. It names what happened in a notice of its
//! own (an enum in its crate) and asks a [`NoticeComposer`] for that notice to turn
//! it into a [`NewMessage`]. The message is a plain value: the domain's adapter
//! writes it to the outbox in the same transaction as the change, so the change and
//! its mail stand or fall together. The application wires the composer (the mail-log
//! renderer behind a bridge per domain); tests use the `mocks` feature's
//! `MockNoticeComposer`.

use std::fmt;

use time::OffsetDateTime;

use crate::contact::AccountContact;
use crate::{AccountId, EmailAddress, MessageId};

/// What replaces a one-time token in the stored copy of a message.
pub const REDACTED: &str = "REDACTED";

/// A message's content as rendered: subject, plain text and HTML.
#[derive(Clone, PartialEq, Eq)]
pub struct Content {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

impl fmt::Debug for Content {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Bodies may hold one-time links; only the subject is safe to log.
        f.debug_struct("Content")
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// A message about to be written to the outbox, in the same transaction as the
/// change that causes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// Its id.
    pub id: MessageId,
    /// The account whose history shows it (none for mail to someone without an
    /// account, such as an invitation).
    pub account: Option<AccountId>,
    /// Recipient.
    pub to: EmailAddress,
    /// Which template produced it (`welcome`, `verify_email`...).
    pub template: &'static str,
    /// The language it was rendered in.
    pub language: String,
    /// What the client may read later: one-time secrets replaced by a placeholder.
    pub stored: Content,
    /// What is sent, when it differs from `stored` (it holds a secret). It is kept
    /// only until the message is sent or fails, then erased.
    pub secret_delivery: Option<Content>,
    /// The `Message-ID` header, fixed at creation so retries and bounce reports all
    /// refer to the same value.
    pub message_id_header: String,
    /// Creation time.
    pub created_at: OffsetDateTime,
}

/// A link that carries a one-time secret as its `token` query parameter. It is
/// rendered twice: with the token for delivery, and with [`REDACTED`] in its place
/// for the copy the history keeps.
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

/// A message could not be composed: a defect of the templates, never of the input.
#[derive(Debug, thiserror::Error)]
#[error("the message could not be composed")]
pub struct ComposeError(#[source] Box<dyn std::error::Error + Send + Sync>);

impl ComposeError {
    /// Wraps what the renderer reported.
    pub fn new(cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Box::new(cause))
    }
}

/// A value a notice offers its templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeValue {
    /// Text: a name, an address, a range.
    Text(String),
    /// Yes or no: added or removed, two-factor on or off.
    Flag(bool),
    /// Not known (the client address of a change made without one).
    Unknown,
}

impl From<String> for NoticeValue {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<bool> for NoticeValue {
    fn from(flag: bool) -> Self {
        Self::Flag(flag)
    }
}

impl<T: Into<NoticeValue>> From<Option<T>> for NoticeValue {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Unknown, Into::into)
    }
}

/// Something a domain must tell a person. Each domain declares its notices as an
/// enum of its own and implements this for it; the application's composer renders
/// the templates named [`Notice::name`] with [`Notice::values`].
pub trait Notice: fmt::Debug + Send + Sync {
    /// The stable name the message is stored and rendered under (`welcome`).
    fn name(&self) -> &'static str;
    /// The values its templates read, by name.
    fn values(&self) -> Vec<(&'static str, NoticeValue)>;
    /// The one-time link it carries, offered to templates as `link`.
    fn link(&self) -> Option<&OneTimeLink> {
        None
    }
}

/// Turns a domain's [`Notice`] into an outbox message. The language is a BCP 47
/// tag; the composer picks the closest language it has templates in.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait NoticeComposer: Send + Sync {
    /// Renders `notice` for `to`, shown in `account`'s history when there is one.
    fn compose(
        &self,
        account: Option<AccountId>,
        to: &EmailAddress,
        language: &str,
        notice: &dyn Notice,
    ) -> Result<NewMessage, ComposeError>;
}

/// `notice` once for every address that hears of changes to `account` (see
/// [`AccountContact::notice_recipients`]), in the account's language.
pub fn compose_for_account(
    composer: &dyn NoticeComposer,
    account: AccountId,
    contact: &AccountContact,
    notice: &dyn Notice,
) -> Result<Vec<NewMessage>, ComposeError> {
    contact
        .notice_recipients()
        .into_iter()
        .map(|to| composer.compose(Some(account), to, contact.language.as_str(), notice))
        .collect()
}

/// A composer for unit tests that writes a notice's values as plain lines, so a
/// test can read what a domain said without the application's templates.
#[cfg(any(test, feature = "mocks"))]
pub mod plain {
    use super::*;

    /// Writes `name`, then `key: value` lines, then the link (redacted in the
    /// stored copy, whole in the copy to send).
    #[derive(Debug, Clone, Copy, Default)]
    pub struct PlainComposer;

    impl NoticeComposer for PlainComposer {
        fn compose(
            &self,
            account: Option<AccountId>,
            to: &EmailAddress,
            language: &str,
            notice: &dyn Notice,
        ) -> Result<NewMessage, ComposeError> {
            let mut text = format!("{}\n", notice.name());
            for (key, value) in notice.values() {
                let value = match value {
                    NoticeValue::Text(text) => text,
                    NoticeValue::Flag(flag) => if flag { "yes" } else { "no" }.to_owned(),
                    NoticeValue::Unknown => "unknown".to_owned(),
                };
                text.push_str(&format!("{key}: {value}\n"));
            }
            let content = |link: Option<String>| Content {
                subject: notice.name().to_owned(),
                text: format!(
                    "{text}{}",
                    link.map(|l| format!("link: {l}\n")).unwrap_or_default()
                ),
                html: String::new(),
            };
            let id = MessageId::generate();
            Ok(NewMessage {
                id,
                account,
                to: to.clone(),
                template: notice.name(),
                language: language.to_owned(),
                stored: content(notice.link().map(OneTimeLink::redacted)),
                secret_delivery: notice.link().map(|link| content(Some(link.expose()))),
                message_id_header: format!("<{id}@plain.test>"),
                created_at: OffsetDateTime::UNIX_EPOCH,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LanguageTag, Username};

    #[test]
    fn content_debug_output_hides_the_bodies() {
        let content = Content {
            subject: "Hello".into(),
            text: "token=secret".into(),
            html: "<a href=\"?token=secret\">".into(),
        };
        assert!(!format!("{content:?}").contains("secret"));
    }

    #[test]
    fn a_link_is_stored_without_its_token() {
        let link = OneTimeLink::new("https://p.example/", "/verify", &[("email", "e1")], "t0k");
        assert_eq!(link.expose(), "https://p.example/verify?email=e1&token=t0k");
        assert_eq!(
            link.redacted(),
            "https://p.example/verify?email=e1&token=REDACTED"
        );
        assert!(!format!("{link:?}").contains("t0k"));
    }

    #[derive(Debug)]
    struct Hello;

    impl Notice for Hello {
        fn name(&self) -> &'static str {
            "hello"
        }
        fn values(&self) -> Vec<(&'static str, NoticeValue)> {
            vec![("ip", None::<String>.into()), ("added", true.into())]
        }
    }

    #[test]
    fn an_account_notice_goes_to_each_recipient_once_in_its_language() {
        let address = |text| EmailAddress::parse(text).unwrap();
        let contact = AccountContact {
            username: Username::parse("ada").unwrap(),
            primary_email: address("ada@example.com"),
            verified_emails: vec![
                address("ops@example.com"),
                address("ADA@example.com"),
                address("billing@example.com"),
            ],
            all_emails: vec![],
            language: LanguageTag::parse("de-CH").unwrap(),
        };
        let account = AccountId::generate();
        let mut composer = MockNoticeComposer::new();
        composer
            .expect_compose()
            .withf(move |to_account, _, language, notice| {
                *to_account == Some(account) && language == "de-CH" && notice.name() == "hello"
            })
            .times(3)
            .returning(|account, to, language, notice| {
                plain::PlainComposer.compose(account, to, language, notice)
            });

        let messages = compose_for_account(&composer, account, &contact, &Hello).unwrap();

        let recipients: Vec<_> = messages.iter().map(|m| m.to.as_str()).collect();
        assert_eq!(
            recipients,
            ["ada@example.com", "ops@example.com", "billing@example.com"]
        );
        assert_eq!(messages[0].stored.text, "hello\nip: unknown\nadded: yes\n");
        assert!(messages[0].secret_delivery.is_none());
    }
}
