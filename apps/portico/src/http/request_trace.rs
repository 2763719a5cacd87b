//! One trace per request: a span with a request id, the method and the path (never the
//! query, which may hold a mailed token) around everything the request does, so every
//! log line a service writes meanwhile carries them; and the id answered as
//! `X-Request-Id`, so a client or a proxy can quote it when something went wrong.

use poem::http::HeaderValue;
use poem::{Endpoint, IntoResponse, Request, Response, Result};
use tracing::Instrument;

/// The header that carries the request id, both ways.
pub const REQUEST_ID: &str = "x-request-id";

/// The longest id taken from a caller.
const MAX_ID_LEN: usize = 64;

/// The id of `req`: the caller's (a proxy's, say) when it is short and plain, so one
/// id follows the request through both; else a fresh random one.
pub fn request_id(req: &Request) -> String {
    req.headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| {
            !id.is_empty()
                && id.len() <= MAX_ID_LEN
                && id
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
        })
        .map(str::to_owned)
        .unwrap_or_else(fresh_id)
}

/// 16 random bytes in hex; an all-zero id if the system's randomness fails (a trace
/// id is not a secret, and the request must not fail for it).
fn fresh_id() -> String {
    let mut bytes = [0u8; 16];
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Runs the request inside its span and answers with its id.
pub async fn trace_requests<E: Endpoint>(next: E, req: Request) -> Result<Response> {
    let id = request_id(&req);
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %req.method(),
        path = %req.uri().path(),
    );
    async move {
        let mut response = match next.call(req).await {
            Ok(response) => response.into_response(),
            Err(error) => error.into_response(),
        };
        tracing::debug!(status = response.status().as_u16(), "answered");
        if let Ok(value) = HeaderValue::from_str(&id) {
            response.headers_mut().insert(REQUEST_ID, value);
        }
        Ok(response)
    }
    .instrument(span)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_id(id: &str) -> Request {
        Request::builder().header(REQUEST_ID, id).finish()
    }

    #[test]
    fn a_plain_caller_id_is_kept_and_anything_else_replaced() {
        assert_eq!(request_id(&with_id("proxy-7f3a.1_b")), "proxy-7f3a.1_b");
        for odd in ["", "two words", "line\nbreak", &"x".repeat(65), "ünïcode"] {
            let id = request_id(&with_id(odd));
            assert_ne!(id, odd);
            assert_eq!(id.len(), 32, "{id}");
        }
        let fresh = request_id(&Request::builder().finish());
        assert!(fresh.bytes().all(|byte| byte.is_ascii_hexdigit()));
        assert_ne!(fresh, request_id(&Request::builder().finish()));
    }
}
