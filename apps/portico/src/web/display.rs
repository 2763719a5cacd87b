//! How pages show times, amounts and devices to a person.

use time::{OffsetDateTime, UtcOffset};

/// A moment as `2026-12-06 09:30 UTC`: to the minute, in UTC, the same in every
/// language.
pub fn when(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// An amount of money in minor units as `12.34 EUR` (`1234 JPY` for a currency
/// without minor units).
pub fn money(amount_minor: i64, currency: &str) -> String {
    /// ISO 4217 currencies whose amounts have no minor unit.
    const WHOLE_UNITS: &[&str] = &[
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
        "VUV", "XAF", "XOF", "XPF",
    ];
    if WHOLE_UNITS.contains(&currency) {
        return format!("{amount_minor} {currency}");
    }
    let sign = if amount_minor < 0 { "-" } else { "" };
    let units = amount_minor.unsigned_abs();
    format!("{sign}{}.{:02} {currency}", units / 100, units % 100)
}

/// A short name for the device behind a user agent, such as `Firefox on Windows`;
/// the agent itself when neither browser nor system is recognised.
pub fn device(user_agent: Option<&str>) -> String {
    let Some(agent) = user_agent.filter(|agent| !agent.is_empty()) else {
        return String::new();
    };
    // Order matters: Edge and Chrome agents also name Safari, Chrome ones Mozilla.
    const BROWSERS: &[(&str, &str)] = &[
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ];
    const SYSTEMS: &[(&str, &str)] = &[
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let find = |table: &[(&str, &'static str)]| {
        table
            .iter()
            .find(|(needle, _)| agent.contains(needle))
            .map(|(_, name)| *name)
    };
    match (find(BROWSERS), find(SYSTEMS)) {
        (Some(browser), Some(system)) => format!("{browser} · {system}"),
        (Some(name), None) | (None, Some(name)) => name.to_owned(),
        (None, None) => agent.chars().take(60).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_to_the_minute_in_utc() {
        let at = OffsetDateTime::from_unix_timestamp(1_796_549_459)
            .unwrap()
            .to_offset(UtcOffset::from_hms(1, 0, 0).unwrap());
        assert_eq!(when(at), "2026-12-06 09:30 UTC");
    }

    #[test]
    fn money_is_shown_in_major_units_with_its_sign() {
        assert_eq!(money(1234, "EUR"), "12.34 EUR");
        assert_eq!(money(-5, "CHF"), "-0.05 CHF");
        assert_eq!(money(0, "USD"), "0.00 USD");
        assert_eq!(money(1500, "JPY"), "1500 JPY");
        assert_eq!(money(i64::MIN, "EUR"), "-92233720368547758.08 EUR");
    }

    #[test]
    fn common_agents_get_short_names() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                      Chrome/156.0.0.0 Safari/537.36";
        assert_eq!(device(Some(chrome)), "Chrome · Linux");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                    (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0";
        assert_eq!(device(Some(edge)), "Edge · Windows");
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) \
                      AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(device(Some(safari)), "Safari · iPhone");
        assert_eq!(device(Some("portico-cli/1.0")), "portico-cli/1.0");
        assert_eq!(device(None), "");
    }
}
