//! The one infrastructure error every port may return.

use std::error::Error;

/// Storage failed for a reason that has nothing to do with the request: the database
/// is down, a query timed out, a row could not be decoded.
///
/// Ports return it as the `Unexpected` case of their error enums; the HTTP layer turns
/// it into a generic 500 and logs the source chain, never shows it.
#[derive(Debug, thiserror::Error)]
#[error("storage failure")]
pub struct StorageError(#[source] Box<dyn Error + Send + Sync + 'static>);

impl StorageError {
    /// Wraps the underlying failure.
    pub fn new(source: impl Error + Send + Sync + 'static) -> Self {
        Self(Box::new(source))
    }

    /// A failure described only by text, for invariants broken in storage (such as a
    /// stored id that no longer parses).
    pub fn corrupt(what: &'static str) -> Self {
        Self(Box::new(CorruptRow(what)))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("stored data is not valid: {0}")]
struct CorruptRow(&'static str);
