//! Reading domain values back from rows.
//!
//! Everything in the database was valid when written, so a value that no longer
//! parses means the data was changed behind Portico's back: that is reported as a
//! storage failure, never papered over.

use portico_kernel::StorageError;
use time::OffsetDateTime;

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

/// An instant as stored: whole microseconds since the Unix epoch, UTC. Integers sort
/// and compare the same way on both engines, unlike SQLite's text timestamps whose
/// variable-length fractions do not sort chronologically.
pub(crate) fn micros(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
}

/// Reads a stored instant back.
pub(crate) fn instant(micros: i64) -> Result<OffsetDateTime, StorageError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .map_err(|_| StorageError::corrupt("timestamp"))
}
