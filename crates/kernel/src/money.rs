//! Money: integer minor units with an ISO 4217 currency. Never a float.

use std::fmt;

/// The text is not a currency code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a currency is a three-letter ISO 4217 code such as EUR")]
pub struct InvalidCurrency;

/// An ISO 4217 currency code, upper case (`EUR`, `USD`, `CHF`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Reads a code; lower case is accepted and upper-cased.
    pub fn parse(input: &str) -> Result<Self, InvalidCurrency> {
        let bytes: [u8; 3] = input.as_bytes().try_into().map_err(|_| InvalidCurrency)?;
        if !bytes.iter().all(u8::is_ascii_alphabetic) {
            return Err(InvalidCurrency);
        }
        Ok(Self(bytes.map(|b| b.to_ascii_uppercase())))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        // Always three ASCII letters, so always valid UTF-8.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount in minor units (cents) of a currency; negative for clawbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    /// Minor units.
    pub amount_minor: i64,
    /// The currency.
    pub currency: Currency,
}

impl Money {
    /// An amount.
    pub fn new(amount_minor: i64, currency: Currency) -> Self {
        Self {
            amount_minor,
            currency,
        }
    }

    /// `percent` % of this amount, rounded down towards zero (the affiliate never
    /// gets a fraction of a cent more than earned). `None` on overflow.
    pub fn percent(&self, percent: u32) -> Option<Self> {
        let scaled = i128::from(self.amount_minor).checked_mul(i128::from(percent))? / 100;
        Some(Self::new(i64::try_from(scaled).ok()?, self.currency))
    }

    /// The same amount with the sign flipped. `None` for `i64::MIN`.
    pub fn negated(&self) -> Option<Self> {
        Some(Self::new(self.amount_minor.checked_neg()?, self.currency))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eur() -> Currency {
        Currency::parse("eur").unwrap()
    }

    #[test]
    fn currencies_are_three_letters_upper_cased() {
        assert_eq!(eur().as_str(), "EUR");
        for bad in ["", "EU", "EURO", "E1R", "€UR"] {
            assert_eq!(Currency::parse(bad), Err(InvalidCurrency), "{bad}");
        }
    }

    #[test]
    fn a_percentage_rounds_toward_zero_in_minor_units() {
        assert_eq!(
            Money::new(1999, eur()).percent(10),
            Some(Money::new(199, eur()))
        );
        assert_eq!(
            Money::new(-1999, eur()).percent(10),
            Some(Money::new(-199, eur()))
        );
        assert_eq!(Money::new(i64::MAX, eur()).percent(1000), None);
    }

    proptest! {
        #[test]
        fn a_percentage_never_exceeds_the_exact_share(amount in 0i64..=1_000_000_000_000, percent in 0u32..=100) {
            let share = Money::new(amount, eur()).percent(percent).unwrap().amount_minor;
            prop_assert!(i128::from(share) * 100 <= i128::from(amount) * i128::from(percent));
            prop_assert!(i128::from(share + 1) * 100 > i128::from(amount) * i128::from(percent));
        }
    }
}
