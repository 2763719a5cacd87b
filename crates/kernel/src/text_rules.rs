//! Character classes, in the regular-expression dialect JSON Schema uses, for the
//! rules the domain applies to text. They let a published contract state the same
//! rules the parsers apply.

/// The characters `str::trim` removes (Unicode `White_Space`), as the body of a
/// character class: `[{WHITE_SPACE}]`.
pub const WHITE_SPACE: &str =
    r"\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// The control characters `char::is_control` finds (Unicode `Cc`), as the body of a
/// character class: `[{CONTROL}]`.
pub const CONTROL: &str = r"\x00-\x1F\x7F-\x9F";

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character of a class body written with `\xNN`, `\uNNNN`, ranges and
    /// plain characters.
    fn members(class: &str) -> Vec<char> {
        let mut chars = Vec::new();
        let mut rest = class;
        let mut pending_range = false;
        while !rest.is_empty() {
            let (c, tail) = if let Some(hex) = rest.strip_prefix(r"\x") {
                (u32::from_str_radix(&hex[..2], 16).unwrap(), &hex[2..])
            } else if let Some(hex) = rest.strip_prefix(r"\u") {
                (u32::from_str_radix(&hex[..4], 16).unwrap(), &hex[4..])
            } else if let Some(tail) = rest.strip_prefix(r"\t") {
                (9, tail)
            } else if let Some(tail) = rest.strip_prefix(r"\n") {
                (10, tail)
            } else if let Some(tail) = rest.strip_prefix(r"\r") {
                (13, tail)
            } else if let Some(tail) = rest.strip_prefix('-') {
                pending_range = true;
                rest = tail;
                continue;
            } else {
                let c = rest.chars().next().unwrap();
                (c as u32, &rest[c.len_utf8()..])
            };
            if pending_range {
                let start = *chars.last().unwrap() as u32;
                chars.extend((start + 1..=c).filter_map(char::from_u32));
                pending_range = false;
            } else {
                chars.push(char::from_u32(c).unwrap());
            }
            rest = tail;
        }
        chars
    }

    #[test]
    fn the_classes_hold_exactly_what_the_standard_library_judges() {
        let space = members(WHITE_SPACE);
        let control = members(CONTROL);
        for c in (0..=0x3000u32).filter_map(char::from_u32) {
            assert_eq!(space.contains(&c), c.is_whitespace(), "{:#x}", c as u32);
            assert_eq!(control.contains(&c), c.is_control(), "{:#x}", c as u32);
        }
    }
}
