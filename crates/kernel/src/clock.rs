//! The clock port.
//!
//! Expiry, idle timeouts and audit times all depend on "now"; taking it from a port
//! lets tests pin it with [`FixedClock`] instead of sleeping.

use std::sync::Mutex;

use time::{Duration, OffsetDateTime};

/// Where the current time comes from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant, in UTC and truncated to whole microseconds so that a value
    /// read back from either database compares equal to the one written.
    fn now(&self) -> OffsetDateTime;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        truncate_to_micros(OffsetDateTime::now_utc())
    }
}

/// A clock that stands still until told to move; for tests and simulations.
#[derive(Debug)]
pub struct FixedClock {
    now: Mutex<OffsetDateTime>,
}

impl FixedClock {
    /// A clock showing `at` (truncated to microseconds, in UTC).
    pub fn at(at: OffsetDateTime) -> Self {
        Self {
            now: Mutex::new(truncate_to_micros(at)),
        }
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut now = self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *now += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        *self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Drops sub-microsecond precision: PostgreSQL keeps microseconds, so anything finer
/// would not survive a round trip.
pub fn truncate_to_micros(at: OffsetDateTime) -> OffsetDateTime {
    let at = at.to_offset(time::UtcOffset::UTC);
    let micros = at.microsecond();
    at.replace_microsecond(micros).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_moves_only_when_advanced() {
        let start = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let clock = FixedClock::at(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::minutes(5));
        assert_eq!(clock.now(), start + Duration::minutes(5));
    }

    #[test]
    fn the_system_clock_keeps_whole_microseconds_in_utc() {
        let now = SystemClock.now();
        assert_eq!(now.nanosecond() % 1_000, 0);
        assert_eq!(now.offset(), time::UtcOffset::UTC);
    }
}
