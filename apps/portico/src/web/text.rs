//! The words of the pages in each language they are offered in.
//!
//! Templates ask for a text by key (`{{ t("login.title") }}`); a key missing here
//! fails the render of that page (a 500 page and a logged error), never a blank.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::web::texts;

/// A language the pages speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English, the default.
    En,
    /// German.
    De,
}

impl Lang {
    /// The language of a BCP 47 tag (a profile's language, or one entry of
    /// `Accept-Language`): German for `de` and its regional forms, else English.
    pub fn of_tag(tag: &str) -> Self {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("de") {
            Self::De
        } else {
            Self::En
        }
    }

    /// The language of an `Accept-Language` header: of the entries the pages speak
    /// (English or German), the one with the highest weight, the first on a tie;
    /// English when none is spoken here.
    pub fn of_accept_language(header: &str) -> Self {
        let mut best: Option<(Self, f32)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let weight = parts
                .filter_map(|part| part.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split(['-', '_']).next().unwrap_or_default();
            let lang = if primary.eq_ignore_ascii_case("de") {
                Self::De
            } else if primary.eq_ignore_ascii_case("en") {
                Self::En
            } else {
                continue;
            };
            if weight > 0.0 && best.is_none_or(|(_, top)| weight > top) {
                best = Some((lang, weight));
            }
        }
        best.map_or(Self::En, |(lang, _)| lang)
    }

    /// The tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
        }
    }
}

/// The language of a page shown before login: the browser's preference.
pub fn visitor_lang(req: &poem::Request) -> Lang {
    req.headers()
        .get(poem::http::header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map_or(Lang::En, Lang::of_accept_language)
}

/// Every text by key: English, German.
static TEXTS: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> = LazyLock::new(|| {
    texts::ALL
        .iter()
        .flat_map(|group| group.iter())
        .map(|(key, en, de)| (*key, (*en, *de)))
        .collect()
});

/// The text for `key` in `lang`, or `None` for an unknown key.
pub fn text(lang: Lang, key: &str) -> Option<&'static str> {
    TEXTS.get(key).map(|(en, de)| match lang {
        Lang::En => *en,
        Lang::De => *de,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_is_chosen_for_any_german_tag_and_english_otherwise() {
        assert_eq!(Lang::of_tag("de-CH"), Lang::De);
        assert_eq!(Lang::of_tag("DE"), Lang::De);
        assert_eq!(Lang::of_tag("en-GB"), Lang::En);
        assert_eq!(Lang::of_tag("fr"), Lang::En);
    }

    #[test]
    fn the_preferred_language_the_pages_speak_is_chosen() {
        assert_eq!(
            Lang::of_accept_language("de-DE,de;q=0.9,en;q=0.8"),
            Lang::De
        );
        assert_eq!(
            Lang::of_accept_language("en-US,en;q=0.9,de;q=0.8"),
            Lang::En
        );
        assert_eq!(Lang::of_accept_language(""), Lang::En);
        assert_eq!(
            Lang::of_accept_language("fr-CH, fr;q=0.9, de;q=0.8"),
            Lang::De
        );
        assert_eq!(Lang::of_accept_language("de;q=0.5, en;q=0.7"), Lang::En);
        assert_eq!(Lang::of_accept_language("de;q=0, fr"), Lang::En);
    }

    /// Keys written in the page handlers (`text("...")`, `page.text("...")`) exist:
    /// those calls show nothing rather than fail a page, so a typo must fail here.
    #[test]
    fn every_key_the_handlers_name_exists() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/src/web");
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            // This file names keys in its documentation only.
            if path.extension().and_then(|e| e.to_str()) != Some("rs") || path.ends_with("text.rs")
            {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            for call in source.split("text(").skip(1) {
                let key = call
                    .trim_start_matches("lang, ")
                    .trim_start_matches("self.lang, ")
                    .trim_start_matches("Lang::En, ");
                let Some(key) = key.strip_prefix('"') else {
                    continue;
                };
                let key = key.split('"').next().unwrap();
                assert!(
                    text(Lang::En, key).is_some(),
                    "{}: no text for {key}",
                    path.display()
                );
            }
        }
    }

    #[test]
    fn keys_are_unique() {
        let count: usize = texts::ALL.iter().map(|group| group.len()).sum();
        assert_eq!(TEXTS.len(), count, "a key is defined twice");
    }
}
