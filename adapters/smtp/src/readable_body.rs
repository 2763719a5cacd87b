//! Mail bodies a person can copy from.
//!
//! lettre sends any text with a line over 76 characters as quoted-printable, whose
//! soft line breaks (`=` at the end of a line) and escapes (`=3D` for `=`) land inside
//! the verification and reset links: a link copied out of the raw message, or read by
//! a client that mishandles the encoding, does not work. RFC 5322 allows lines of 998
//! octets, so a body whose lines fit is sent as it is: `7bit` when it is ASCII, `8bit`
//! otherwise (where the server takes 8-bit text). Only a body with a longer line, or
//! 8-bit text for a server without `8BITMIME`, falls back to lettre's choice
//! (quoted-printable or base64).

use lettre::message::Body;
use lettre::message::header::ContentTransferEncoding;

/// The longest line RFC 5322 allows, without its CRLF.
pub const MAX_LINE_OCTETS: usize = 998;

/// Whether the body may hold 8-bit text as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EightBit {
    /// The receiver takes 8-bit text (`8BITMIME`, or a file).
    Allowed,
    /// Only ASCII may travel: 8-bit text is encoded.
    Refused,
}

/// The body for one text part (see the module's doc).
pub fn readable_body(text: &str, eight_bit: EightBit) -> Body {
    let crlf = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n");
    let fits = !crlf.contains('\0') && crlf.split("\r\n").all(|line| line.len() <= MAX_LINE_OCTETS);
    if !fits || (!crlf.is_ascii() && eight_bit == EightBit::Refused) {
        return Body::new(text.to_owned());
    }
    let encoding = if crlf.is_ascii() {
        ContentTransferEncoding::SevenBit
    } else {
        ContentTransferEncoding::EightBit
    };
    Body::dangerous_pre_encoded(crlf.into_bytes(), encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://portal.example/verify-email?email=0190a6b2-0000-7000-8000-000000000000&token=Abc-_0123456789abcdefghijklmnopqrstuvwxyzABC";

    #[test]
    fn a_long_link_stays_whole_in_a_7bit_body() {
        let body = readable_body(&format!("Hello,\n\n{LINK}\n"), EightBit::Refused);

        assert_eq!(body.encoding(), ContentTransferEncoding::SevenBit);
        let raw = String::from_utf8(body.into_vec()).unwrap();
        assert!(raw.contains(&format!("\r\n{LINK}\r\n")), "{raw}");
    }

    #[test]
    fn text_beyond_ascii_is_8bit_and_unescaped() {
        let body = readable_body(&format!("Grüße,\n{LINK}"), EightBit::Allowed);

        assert_eq!(body.encoding(), ContentTransferEncoding::EightBit);
        let raw = String::from_utf8(body.into_vec()).unwrap();
        assert!(raw.starts_with("Grüße,\r\n"), "{raw}");
        assert!(raw.contains(LINK));
    }

    #[test]
    fn a_line_longer_than_the_standard_allows_falls_back_to_quoted_printable() {
        let body = readable_body(&"x".repeat(MAX_LINE_OCTETS + 1), EightBit::Allowed);

        assert_eq!(body.encoding(), ContentTransferEncoding::QuotedPrintable);
    }

    #[test]
    fn text_beyond_ascii_is_encoded_for_a_receiver_without_8bit() {
        let body = readable_body("Grüße", EightBit::Refused);

        assert_ne!(body.encoding(), ContentTransferEncoding::EightBit);
        assert!(body.into_vec().is_ascii());
    }
}
