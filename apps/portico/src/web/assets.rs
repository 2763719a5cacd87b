//! The one stylesheet and the one small script, compiled into the binary, and the
//! brand's colour.

use std::sync::Arc;

use poem::http::header::CACHE_CONTROL;
use poem::web::Data;
use poem::{IntoResponse, Response, handler};

use crate::wiring::Services;

const STYLESHEET: &str = include_str!("../../assets/portico.css");
const SCRIPT: &str = include_str!("../../assets/portico.js");

/// `GET /assets/portico.css`.
#[handler]
pub fn stylesheet() -> Response {
    STYLESHEET
        .with_content_type("text/css; charset=utf-8")
        .with_header(CACHE_CONTROL, "public, max-age=3600")
        .into_response()
}

/// `GET /assets/portico.js`: the copy buttons; every page works without it.
#[handler]
pub fn script() -> Response {
    SCRIPT
        .with_content_type("text/javascript; charset=utf-8")
        .with_header(CACHE_CONTROL, "public, max-age=3600")
        .into_response()
}

/// `GET /assets/brand.css`: the brand's accent colour, which the stylesheet uses
/// everywhere it colours something (a setting checked as `#rrggbb`).
#[handler]
pub fn brand_stylesheet(services: Data<&Arc<Services>>) -> Response {
    format!(":root {{ --accent: {}; }}\n", services.pages.brand().accent)
        .with_content_type("text/css; charset=utf-8")
        .with_header(CACHE_CONTROL, "public, max-age=300")
        .into_response()
}
