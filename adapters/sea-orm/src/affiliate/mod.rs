//! The affiliate program's tables: the one part of the adapter written in plain SQL
//! (idempotent event inserts, aggregates and guarded updates under the account lock;
//! ADR 0017), all of it here and read into the typed rows of `rows.rs`.

mod ledger;
mod program;
mod rows;

pub use ledger::SeaLedger;
pub use program::SeaAffiliates;
