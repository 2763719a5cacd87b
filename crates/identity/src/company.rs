//! Company details.

use crate::person_name::{InvalidName, parse_free_text};
use crate::vat::TaxId;

/// A company name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyName(String);

impl CompanyName {
    /// Most characters.
    pub const MAX_LEN: usize = 200;

    /// Parses user input with the free-text rules.
    pub fn parse(input: &str) -> Result<Self, InvalidName> {
        parse_free_text(input, Self::MAX_LEN).map(Self)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The company an account bills as, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    /// Legal name.
    pub name: CompanyName,
    /// VAT or other tax id.
    pub tax_id: Option<TaxId>,
}
