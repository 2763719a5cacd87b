//! The mail-log services.

pub mod bounces;
pub mod delivery;
pub mod history;
pub mod mailer;

pub use bounces::{BounceError, BounceReason, Bounces, InvalidBounceReason};
pub use delivery::{DeliveryReport, DeliveryWorker, RoundFailed};
pub use history::{HistoryError, MailHistory};
pub use mailer::{ComposeError, Mailer, MessageComposer};
