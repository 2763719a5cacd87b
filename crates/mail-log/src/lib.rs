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
//! - [`template`]: the notification templates (English and German, text and HTML) and
//!   one-time links, which are stored redacted;
//! - [`retry`]: the retry and lease rules;
//! - [`ports`]: [`OutboxRepository`] and [`MailTransport`];
//! - [`services`]: [`Mailer`] (compose), [`DeliveryWorker`], [`MailHistory`],
//!   [`Bounces`].
//!
//! ```
//! use std::sync::Arc;
//! use portico_kernel::{EmailAddress, SystemClock};
//! use portico_mail_log::{Mailer, MessageComposer, OneTimeLink, Template, Templates};
//!
//! let mailer = Mailer::new(Arc::new(Templates::new().unwrap()), Arc::new(SystemClock), "mail.example");
//! let link = OneTimeLink::new("https://portal.example", "/verify-email", &[], "t0k3n");
//! let message = mailer
//!     .compose(None, &EmailAddress::parse("ada@example.com").unwrap(), "en",
//!              &Template::VerifyEmail { username: "ada".into(), link })
//!     .unwrap();
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
pub use ports::{
    AttemptRecord, AttemptResult, Backlog, BounceOutcome, BounceReference, DeliveryError,
    MailTransport, OutboxRepository,
};
pub use retry::RetryPolicy;
pub use services::{
    BounceError, Bounces, ComposeError, DeliveryReport, DeliveryWorker, HistoryError, MailHistory,
    Mailer, MessageComposer, RoundFailed,
};
pub use template::{
    DEFAULT_BRAND, OneTimeLink, SecurityNotice, Template, TemplateError, Templates,
};
