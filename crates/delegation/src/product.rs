//! Contract products: what the billing system sold an account, as far as Portico
//! needs to know (an id, a name), kept in sync through the platform API.

use std::fmt;

use portico_kernel::AccountId;
use time::OffsetDateTime;

/// The text is not a product id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a product id has 1 to 64 characters: letters, digits and . _ : -")]
pub struct InvalidProductId;

/// The billing system's id of a product, opaque to Portico.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProductId(String);

impl ProductId {
    /// Longest id.
    pub const MAX_LEN: usize = 64;

    /// Reads an id.
    pub fn parse(input: &str) -> Result<Self, InvalidProductId> {
        let valid = !input.is_empty()
            && input.len() <= Self::MAX_LEN
            && input
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
        if valid {
            Ok(Self(input.to_owned()))
        } else {
            Err(InvalidProductId)
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProductId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The text is not a product name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a product name has 1 to 200 characters and no control characters")]
pub struct InvalidProductName;

/// A product's display name ("Web hosting M, example.com").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductName(String);

impl ProductName {
    /// Longest name, in characters.
    pub const MAX_CHARS: usize = 200;

    /// Reads a name, trimmed.
    pub fn parse(input: &str) -> Result<Self, InvalidProductName> {
        let name = input.trim();
        if name.is_empty()
            || name.chars().count() > Self::MAX_CHARS
            || name.chars().any(char::is_control)
        {
            return Err(InvalidProductName);
        }
        Ok(Self(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A contract product of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// Whose product.
    pub account: AccountId,
    /// The billing system's id.
    pub id: ProductId,
    /// Its name, when the billing system gave one.
    pub name: Option<ProductName>,
    /// When the billing system last wrote it.
    pub updated_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ids_are_short_plain_tokens() {
        for ok in ["p1", "HOST-42", "order:17.line_3"] {
            assert!(ProductId::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "with space", "ümlaut", "a/b", &"x".repeat(65)] {
            assert_eq!(ProductId::parse(bad), Err(InvalidProductId), "{bad}");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(ProductName::parse("  VPS S ").unwrap().as_str(), "VPS S");
        assert!(ProductName::parse(" ").is_err());
        assert!(ProductName::parse("a\nb").is_err());
        assert!(ProductName::parse(&"n".repeat(201)).is_err());
    }

    proptest! {
        #[test]
        fn a_parsed_id_reads_back_as_itself(input in "[A-Za-z0-9._:-]{1,64}") {
            let id = ProductId::parse(&input).unwrap();
            prop_assert_eq!(id.as_str(), input.as_str());
        }

        #[test]
        fn parsing_any_text_never_panics(input in "\\PC{0,80}") {
            let _ = ProductId::parse(&input);
            let _ = ProductName::parse(&input);
        }
    }
}
