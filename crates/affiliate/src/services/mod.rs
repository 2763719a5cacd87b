//! The affiliate services.

pub mod ledger;
pub mod payouts;
pub mod program;
pub mod tracking;

pub use ledger::{Ledger, LedgerError, PaymentEvent, RefundEvent};
pub use payouts::{DestinationInput, PayoutError, Payouts};
pub use program::{Program, ProgramError};
pub use tracking::{Tracking, Visit};
