//! The one stylesheet and the one small script, compiled into the binary.

use poem::http::header::CACHE_CONTROL;
use poem::{IntoResponse, Response, handler};

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
