//! Who is on the other end of a request.

use std::net::IpAddr;

use poem::Request;
use portico_security::ClientInfo;

/// The client's address: the socket peer, with IPv4-mapped IPv6 addresses unwrapped
/// (`::ffff:192.0.2.1` is `192.0.2.1`). This is the only place that decides it.
pub fn client_ip(req: &Request) -> Option<IpAddr> {
    req.remote_addr()
        .as_socket_addr()
        .map(|addr| addr.ip().to_canonical())
}

/// Address and user agent, as recorded on sessions.
pub fn client_info(req: &Request) -> ClientInfo {
    let user_agent = req
        .headers()
        .get(poem::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    ClientInfo::new(client_ip(req), user_agent)
}
