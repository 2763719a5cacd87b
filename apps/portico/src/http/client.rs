//! Who is on the other end of a request.
//!
//! [`client_ip`] is the one place that decides a request's client address; nothing
//! else in the server reads forwarding headers. The socket peer is the client unless
//! it is one of `PORTICO_TRUSTED_PROXIES`; then `X-Forwarded-For` is read from the
//! right, skipping the trusted hops, and the first hop that is not trusted is the
//! client. Anything a client writes into the header to the left of that is ignored.

use std::net::IpAddr;
use std::sync::Arc;

use poem::Request;
use portico_security::{Cidr, ClientInfo};

use crate::wiring::Services;

/// The client address of a request whose socket peer is `peer` and whose
/// `X-Forwarded-For` header lines are `forwarded` (raw bytes, in order), given the
/// trusted proxies. IPv4-mapped IPv6 addresses are unwrapped (`::ffff:192.0.2.1` is
/// `192.0.2.1`).
pub fn resolve_client_ip<'a>(
    peer: IpAddr,
    forwarded: impl IntoIterator<Item = &'a [u8]>,
    trusted: &[Cidr],
) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: IpAddr| trusted.iter().any(|cidr| cidr.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    // Each hop is decoded on its own, so a line with bytes that are not text still
    // keeps its place: it cannot make the hops to its right disappear.
    let hops: Vec<Option<IpAddr>> = forwarded
        .into_iter()
        .flat_map(|line| line.split(|byte| *byte == b','))
        .map(|hop| {
            std::str::from_utf8(hop)
                .ok()
                .and_then(|text| text.trim().parse::<IpAddr>().ok())
        })
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        // A hop that is not an address ends the walk: nothing left of it can be
        // trusted, so the nearest trusted proxy stands as the client.
        let Some(ip) = hop else {
            return client;
        };
        client = ip.to_canonical();
        if !is_trusted(client) {
            return client;
        }
    }
    client
}

/// The client's address: see [`resolve_client_ip`]. `None` only for a request that
/// did not come over TCP (tests without a socket).
pub fn client_ip(req: &Request) -> Option<IpAddr> {
    let peer = req.remote_addr().as_socket_addr()?.ip();
    let trusted = req
        .data::<Arc<Services>>()
        .map_or(&[][..], |services| services.trusted_proxies.as_slice());
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .map(|value| value.as_bytes());
    Some(resolve_client_ip(peer, forwarded, trusted))
}

/// Address and user agent, as recorded on sessions and audit events.
pub fn client_info(req: &Request) -> ClientInfo {
    let user_agent = req
        .headers()
        .get(poem::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    ClientInfo::new(client_ip(req), user_agent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies() -> Vec<Cidr> {
        vec![
            Cidr::parse("10.0.0.0/8").unwrap(),
            Cidr::parse("2001:db8:ffff::/48").unwrap(),
        ]
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        assert_eq!(
            resolve_client_ip(ip("203.0.113.5"), [b"192.0.2.1".as_slice()], &proxies()),
            ip("203.0.113.5")
        );
        assert_eq!(
            resolve_client_ip(
                ip("::ffff:203.0.113.5"),
                std::iter::empty::<&[u8]>(),
                &proxies()
            ),
            ip("203.0.113.5")
        );
        assert_eq!(
            resolve_client_ip(ip("10.0.0.1"), [b"192.0.2.1".as_slice()], &[]),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn trusted_hops_are_skipped_from_the_right() {
        // client, then two proxies of ours; the left-most entry was written by the
        // client and is ignored.
        let header = [b"198.51.100.66, 192.0.2.9, 10.1.1.1".as_slice()];
        assert_eq!(
            resolve_client_ip(ip("10.0.0.2"), header, &proxies()),
            ip("192.0.2.9")
        );
        // Several header lines read as one list, in order.
        let lines = [
            b"198.51.100.66".as_slice(),
            b"192.0.2.9".as_slice(),
            b"10.1.1.1".as_slice(),
        ];
        assert_eq!(
            resolve_client_ip(ip("10.0.0.2"), lines, &proxies()),
            ip("192.0.2.9")
        );
        assert_eq!(
            resolve_client_ip(
                ip("2001:db8:ffff::1"),
                [b"::ffff:192.0.2.9".as_slice()],
                &proxies()
            ),
            ip("192.0.2.9")
        );
    }

    #[test]
    fn bytes_that_are_not_text_are_junk_in_their_own_place() {
        // The client sends a line with a non-text byte; the trusted proxy appends the
        // real client address after it. The real address still counts.
        let line = b"\xff, 203.0.113.50".as_slice();
        assert_eq!(
            resolve_client_ip(ip("10.0.0.2"), [line], &proxies()),
            ip("203.0.113.50")
        );
        let lines = [b"\xff".as_slice(), b"203.0.113.50".as_slice()];
        assert_eq!(
            resolve_client_ip(ip("10.0.0.2"), lines, &proxies()),
            ip("203.0.113.50")
        );
    }

    #[test]
    fn junk_or_a_missing_header_leaves_the_nearest_trusted_hop() {
        assert_eq!(
            resolve_client_ip(
                ip("10.0.0.2"),
                [b"192.0.2.9, junk, 10.1.1.1".as_slice()],
                &proxies()
            ),
            ip("10.1.1.1")
        );
        assert_eq!(
            resolve_client_ip(ip("10.0.0.2"), std::iter::empty::<&[u8]>(), &proxies()),
            ip("10.0.0.2")
        );
        // Only trusted hops: the left-most one is as far as the chain goes.
        assert_eq!(
            resolve_client_ip(
                ip("10.0.0.2"),
                [b"10.3.3.3, 10.1.1.1".as_slice()],
                &proxies()
            ),
            ip("10.3.3.3")
        );
    }
}
