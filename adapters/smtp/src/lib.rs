//! Mail delivery for Portico's outbox: implementations of mail-log's
//! [`MailTransport`](portico_mail_log::MailTransport) port.
//!
//! - [`SmtpMailer`]: lettre's async SMTP transport, from a URL: `smtp://host:port`
//!   (plain), `smtp://host:port?tls=required` (STARTTLS), `smtps://host:port` (TLS), with
//!   optional `user:password@`. A 4xx answer or an unreachable server is a temporary
//!   failure (retried); a 5xx answer is permanent.
//! - [`MailFolder`]: writes each message as an `.eml` file, for running without an SMTP
//!   server; the message still counts as sent and shows in the history.
//!
//! Both build the same MIME message ([`compose`]): `multipart/alternative` with the text
//! and HTML bodies and the outbox's stable `Message-ID`. The bodies go as they are
//! (`7bit`, or `8bit` beyond ASCII) whenever their lines fit, so that a link copied out
//! of a message works ([`readable_body`]).
//!
//! ```no_run
//! use portico_kernel::EmailAddress;
//! use portico_smtp::SmtpMailer;
//!
//! let sender = EmailAddress::parse("portal@example.com").unwrap();
//! let mailer = SmtpMailer::from_url("smtp://127.0.0.1:2525", &sender).unwrap();
//! # let _ = mailer;
//! ```

pub mod compose;
pub mod folder;
pub mod readable_body;
pub mod smtp;
#[cfg(feature = "testing")]
pub mod testing;

pub use folder::MailFolder;
pub use smtp::{PoolTiming, SmtpMailer, SmtpUrlError};
