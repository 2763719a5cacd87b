//! The one stylesheet, compiled into the binary.

use poem::http::header::CACHE_CONTROL;
use poem::{IntoResponse, Response, handler};

const STYLESHEET: &str = include_str!("../../assets/portico.css");

/// `GET /assets/portico.css`.
#[handler]
pub fn stylesheet() -> Response {
    STYLESHEET
        .with_content_type("text/css; charset=utf-8")
        .with_header(CACHE_CONTROL, "public, max-age=3600")
        .into_response()
}
