//! Portico's mail-log domain: every email sent to a client, and its fate.
//!
//! This crate will hold:
//! - messages (recipient, template, subject, rendered text and HTML bodies, language,
//!   status, timestamps) with one-time secrets stored redacted, so a client can read
//!   a message but not reuse its token;
//! - the transactional outbox: a message is written in the same transaction as the
//!   change that causes it, then delivered by a worker with bounded retries and
//!   backoff; `queued -> sent`, `queued -> failed`, `sent -> bounced`;
//! - the delivery-attempt history and the templates, rendered in the account's
//!   language with English as the fallback;
//! - the delivery port that the SMTP adapter implements.
