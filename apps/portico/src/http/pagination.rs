//! `?limit=` and `?cursor=` for every list.

use portico_kernel::{Cursor, PageRequest};

use crate::http::problem::ApiError;

/// Reads the page parameters. A limit above 200 is clamped; a cursor the server did
/// not issue is a 400.
pub fn page_request(limit: Option<u64>, cursor: Option<&str>) -> Result<PageRequest, ApiError> {
    PageRequest::new(limit, cursor).map_err(|_| {
        ApiError::bad_request(
            "invalid-cursor",
            "Invalid cursor",
            "The cursor is not one this server handed out; start again without it.",
        )
    })
}

/// The `next_cursor` field of a list answer.
pub fn next_cursor(cursor: Option<Cursor>) -> Option<String> {
    cursor.map(|c| c.encode())
}
