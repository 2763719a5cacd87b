//! Portico's mail-log domain: every email sent to a client, and its fate.
//!
//! No email may be lost because the mail server was down when the change that caused
//! it happened. So a change never sends mail: it writes a [`NewMessage`] to the outbox
//! in its own database transaction, and a [`DeliveryWorker`] sends it afterwards, with
//! bounded retries and backoff ([`RetryPolicy`]). Statuses move `queued -> sent`,
//! `queued -> failed` and `sent -> bounced`, nothing else ([`MessageStatus`]).
//!
//! Layout:
//! - [`message`]: messages, statuses, envelopes, status events;
//! - [`template`]: rendering the templates the application hands over (text and
//!   HTML per language); one-time links are stored redacted. mail-log knows no
//!   other domain: which mails exist and what they say is the application's;
//! - [`retry`]: the retry and lease rules;
//! - [`ports`]: [`OutboxRepository`] and [`MailTransport`];
//! - [`services`]: [`Mailer`] (compose), [`DeliveryWorker`], [`MailHistory`],
//!   [`Bounces`].
//!
//! It depends on `portico-kernel` alone. Ports are implemented with
//! `#[portico_kernel::async_trait]`; doubles are under `mocks` (feature `mocks`).
//!
//! ```
//! use std::sync::Arc;
//! use portico_kernel::{EmailAddress, OneTimeLink, SystemClock};
//! use portico_mail_log::{Mailer, MessageComposer, Template, TemplateSource, Templates};
//!
//! let sources = [TemplateSource {
//!     name: "verify_email",
//!     language: "en",
//!     text: "Subject: Confirm your address\n\n{{ link }}",
//!     html: "<a href=\"{{ link }}\">Confirm</a>",
//! }];
//! let templates = Templates::new(&sources).unwrap();
//! let mailer = Mailer::new(Arc::new(templates), Arc::new(SystemClock), "mail.example");
//! let link = OneTimeLink::new("https://portal.example", "/verify-email", &[], "t0k3n");
//! let template = Template::new("verify_email").with_link(link);
//! let to = EmailAddress::parse("ada@example.com").unwrap();
//! let message = mailer.compose(None, &to, "en", &template).unwrap();
//! assert!(!message.stored.text.contains("t0k3n"));
//! ```

pub mod message;
pub mod overrides;
pub mod ports;
pub mod retry;
pub mod services;
pub mod template;

pub use message::{
    Content, Envelope, InvalidStatus, Message, MessageStatus, NewMessage, StatusEvent,
};
pub use overrides::OverrideError;
pub use portico_kernel::OneTimeLink;
pub use ports::{
    AttemptRecord, AttemptResult, Backlog, BounceOutcome, BounceReference, DeliveryError,
    InvalidBounceReference, MailTransport, OutboxRepository,
};
pub use retry::RetryPolicy;
pub use services::{
    BounceError, BounceReason, Bounces, ComposeError, DeliveryReport, DeliveryWorker, HistoryError,
    InvalidBounceReason, MailHistory, Mailer, MessageComposer, RoundFailed,
};
pub use template::{DEFAULT_BRAND, Template, TemplateError, TemplateSource, Templates};

/// mockall doubles of mail-log's ports, for an embedder's unit tests (feature `mocks`).
#[cfg(any(test, feature = "mocks"))]
pub mod mocks {
    pub use crate::ports::{MockMailTransport, MockOutboxRepository};
    pub use crate::services::mailer::MockMessageComposer;
}
