//! Reading domain values back from rows.
//!
//! Everything in the database was valid when written, so a value that no longer
//! parses means the data was changed behind Portico's back: that is reported as a
//! storage failure, never papered over.

use portico_kernel::StorageError;

/// Parses a stored value with the domain's own parser.
pub(crate) fn stored<T, E>(
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
    what: &'static str,
) -> Result<T, StorageError> {
    parse(value).map_err(|_| StorageError::corrupt(what))
}

/// Parses an optional stored value.
pub(crate) fn stored_opt<T, E>(
    value: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, E>,
    what: &'static str,
) -> Result<Option<T>, StorageError> {
    value.map(|v| stored(v, parse, what)).transpose()
}
