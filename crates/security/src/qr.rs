//! QR codes as SVG, for scanning an enrolment URI into an authenticator app.
//!
//! The SVG is one path of unit squares on a white background with the 4-module quiet
//! zone the QR standard asks for; it scales to any size without blurring and can be
//! inlined in a page as it is.

use std::fmt::Write;

use qrcodegen::{QrCode, QrCodeEcc};

/// Modules of white margin around the code.
const QUIET_ZONE: i32 = 4;

/// The text does not fit in a QR code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the text is too long for a QR code")]
pub struct TooLongForQr;

/// An SVG image of a QR code holding `text`, with medium error correction.
pub fn svg(text: &str) -> Result<String, TooLongForQr> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).map_err(|_| TooLongForQr)?;
    let size = code.size() + 2 * QUIET_ZONE;
    let mut path = String::new();
    // One rectangle per run of dark modules in a row keeps the image small.
    for y in 0..code.size() {
        let mut x = 0;
        while x < code.size() {
            if !code.get_module(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < code.size() && code.get_module(x, y) {
                x += 1;
            }
            let run = x - start;
            // Writing to a String cannot fail.
            let _ = write!(
                path,
                "M{},{}h{run}v1h-{run}z",
                start + QUIET_ZONE,
                y + QUIET_ZONE
            );
        }
    }
    Ok(format!(
        concat!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {size} {size}" "##,
            r##"shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#ffffff"/>"##,
            r##"<path d="{path}" fill="#000000"/></svg>"##
        ),
        size = size,
        path = path
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_svg_is_square_with_a_quiet_zone_and_dark_modules() {
        let image = svg("otpauth://totp/Portico:ada?secret=GEZDGNBV&issuer=Portico").unwrap();
        assert!(image.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(image.ends_with("</svg>"));
        // A version 4 code (33 modules) plus two quiet zones of 4.
        assert!(image.contains("viewBox=\"0 0 41 41\""), "{image}");
        // The top-left finder pattern's first row: 7 dark modules after the quiet zone.
        assert!(image.contains("M4,4h7v1h-7z"), "{image}");
        assert!(!image.contains("M0,0h"));
    }

    #[test]
    fn text_too_long_is_refused() {
        assert_eq!(svg(&"x".repeat(5_000)), Err(TooLongForQr));
    }
}
