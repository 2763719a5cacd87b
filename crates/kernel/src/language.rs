//! Language preferences.

use std::fmt;

/// The text is not a well-formed BCP 47 language tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a valid BCP 47 language tag (for example en, de-CH, pt-BR)")]
pub struct InvalidLanguageTag;

/// A well-formed BCP 47 tag in its canonical case (`en`, `de-CH`, `zh-Hant-TW`) whose
/// primary subtag is a 2 or 3 letter ISO 639 code.
///
/// Mails and pages are rendered in the closest language Portico has; the tag itself is
/// kept as the client gave it, so a later translation is picked up without a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageTag(String);

impl LanguageTag {
    /// Longest tag accepted; real tags are far shorter.
    pub const MAX_LEN: usize = 35;

    /// Parses and normalizes a tag (`EN-us` becomes `en-US`).
    pub fn parse(input: &str) -> Result<Self, InvalidLanguageTag> {
        let input = input.trim();
        if input.is_empty() || input.len() > Self::MAX_LEN {
            return Err(InvalidLanguageTag);
        }
        let tag =
            oxilangtag::LanguageTag::parse_and_normalize(input).map_err(|_| InvalidLanguageTag)?;
        // BCP 47 also allows 4 to 8 letter primary subtags (reserved or registered
        // ones that nobody uses); only ISO 639 codes name a language we can serve.
        if !(2..=3).contains(&tag.primary_language().len()) {
            return Err(InvalidLanguageTag);
        }
        Ok(Self(tag.into_inner()))
    }

    /// English, the default for new accounts.
    pub fn english() -> Self {
        Self("en".to_owned())
    }

    /// The tag.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tags_are_normalized() {
        assert_eq!(LanguageTag::parse("EN-us").unwrap().as_str(), "en-US");
        assert_eq!(LanguageTag::parse("de").unwrap().as_str(), "de");
    }

    #[test]
    fn malformed_tags_are_refused() {
        for input in ["", "english", "en_US", "e", "en--US", "12"] {
            assert_eq!(
                LanguageTag::parse(input),
                Err(InvalidLanguageTag),
                "{input}"
            );
        }
    }

    proptest! {
        #[test]
        fn normalizing_twice_changes_nothing(input in "[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-[a-zA-Z]{2})?") {
            if let Ok(tag) = LanguageTag::parse(&input) {
                prop_assert_eq!(LanguageTag::parse(tag.as_str()), Ok(tag.clone()));
            }
        }
    }
}
