//! The words of `My account > Security`.

/// Key, English, German.
pub const TEXTS: &[(&str, &str, &str)] = &[];
