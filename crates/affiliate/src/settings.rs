//! The program's settings.

use time::Duration;

/// How the program runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgramSettings {
    /// Whether the program is on at all.
    pub enabled: bool,
    /// Commission, in percent of each payment.
    pub rate_percent: u32,
    /// How long a commission stays pending.
    pub hold: Duration,
    /// The least a payout may pay, in minor units.
    pub min_payout_minor: i64,
    /// How long after a click a registration still counts as referred.
    pub attribution_window: Duration,
}

impl Default for ProgramSettings {
    /// On; 10 %; 30 days of hold; 50.00 minimum; 30 days of attribution.
    fn default() -> Self {
        Self {
            enabled: true,
            rate_percent: 10,
            hold: Duration::days(30),
            min_payout_minor: 5_000,
            attribution_window: Duration::days(30),
        }
    }
}
