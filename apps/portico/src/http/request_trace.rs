//! One trace per request: a span with a request id, the method and the path (never the
//! query, which may hold a mailed token) around everything the request does, so every
//! log line a service writes meanwhile carries them; and the id answered as
//! `X-Request-Id` (and in the problem document of a server fault), so a client or a
//! proxy can quote it when something went wrong.
//!
//! A caller's own `X-Request-Id` is taken only from a trusted proxy
//! (`PORTICO_TRUSTED_PROXIES`): anyone else could otherwise plant ids that make
//! their requests look like someone else's in the logs.

use std::net::IpAddr;
use std::sync::Arc;

use poem::http::HeaderValue;
use poem::{Endpoint, IntoResponse, Request, Response, Result};
use portico_security::Cidr;
use tracing::Instrument;

tokio::task_local! {
    /// The id of the request this task serves.
    static CURRENT: String;
}

/// The id of the request being served, if any (for problem documents).
pub fn current_request_id() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

/// Runs `work` as the request `id`.
pub async fn as_request<F: std::future::Future>(id: String, work: F) -> F::Output {
    CURRENT.scope(id, work).await
}

/// The header that carries the request id, both ways.
pub const REQUEST_ID: &str = "x-request-id";

/// The longest id taken from a caller.
const MAX_ID_LEN: usize = 64;

/// The id of `req`: the one a trusted proxy sent, when it is short and plain, so one
/// id follows the request through both; else a fresh one.
pub fn request_id(req: &Request, trusted: &[Cidr]) -> String {
    let peer = req.remote_addr().as_socket_addr().map(|addr| addr.ip());
    id_from(peer, req.headers().get(REQUEST_ID), trusted)
}

fn id_from(peer: Option<IpAddr>, sent: Option<&HeaderValue>, trusted: &[Cidr]) -> String {
    let from_proxy = peer.is_some_and(|ip| trusted.iter().any(|cidr| cidr.contains(ip)));
    if !from_proxy {
        return fresh_id();
    }
    sent.and_then(|value| value.to_str().ok())
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

/// Runs the request inside its span and answers with its id; `trusted` are the
/// proxies whose ids are kept.
pub async fn trace_requests<E: Endpoint>(
    next: E,
    req: Request,
    trusted: Arc<[Cidr]>,
) -> Result<Response> {
    let id = request_id(&req, &trusted);
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %req.method(),
        path = %req.uri().path(),
    );
    let answer = async {
        let mut response = match next.call(req).await {
            Ok(response) => response.into_response(),
            Err(error) => error.into_response(),
        };
        tracing::debug!(status = response.status().as_u16(), "answered");
        if let Ok(value) = HeaderValue::from_str(&id) {
            response.headers_mut().insert(REQUEST_ID, value);
        }
        Ok(response)
    };
    as_request(id.clone(), answer.instrument(span)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(peer: &str, id: &str) -> String {
        let value = HeaderValue::from_bytes(id.as_bytes()).ok();
        let trusted = [Cidr::parse("10.0.0.0/8").unwrap()];
        id_from(Some(peer.parse().unwrap()), value.as_ref(), &trusted)
    }

    #[test]
    fn a_trusted_proxys_plain_id_is_kept_and_anything_else_replaced() {
        assert_eq!(from("10.1.2.3", "proxy-7f3a.1_b"), "proxy-7f3a.1_b");
        for odd in ["", "two words", "line\nbreak", &"x".repeat(65), "ünïcode"] {
            let id = from("10.1.2.3", odd);
            assert_ne!(id, odd);
            assert_eq!(id.len(), 32, "{id}");
        }
        let fresh = request_id(&Request::builder().finish(), &[]);
        assert!(fresh.bytes().all(|byte| byte.is_ascii_hexdigit()));
        assert_ne!(fresh, request_id(&Request::builder().finish(), &[]));
    }

    #[test]
    fn an_id_from_anyone_else_is_replaced() {
        assert_ne!(from("198.51.100.7", "planted-id"), "planted-id");
        let value = HeaderValue::from_static("planted-id");
        assert_ne!(id_from(None, Some(&value), &[]), "planted-id");
        let proxy = Some("10.1.2.3".parse().unwrap());
        assert_ne!(id_from(proxy, Some(&value), &[]), "planted-id");
    }
}
