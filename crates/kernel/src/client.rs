//! Where a request came from.

use std::net::IpAddr;

/// Where a request came from, as recorded on sessions and in audit events.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    /// The client's address, as the server determined it.
    pub ip: Option<IpAddr>,
    /// The `User-Agent` header, cut to [`ClientInfo::MAX_USER_AGENT`] characters.
    pub user_agent: Option<String>,
}

impl ClientInfo {
    /// Longest user agent kept.
    pub const MAX_USER_AGENT: usize = 256;

    /// Builds client info, trimming the user agent to a storable length and dropping
    /// control characters from it.
    pub fn new(ip: Option<IpAddr>, user_agent: Option<&str>) -> Self {
        let user_agent = user_agent
            .map(|ua| {
                ua.chars()
                    .filter(|c| !c.is_control())
                    .take(Self::MAX_USER_AGENT)
                    .collect::<String>()
            })
            .filter(|ua| !ua.is_empty());
        Self { ip, user_agent }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_are_cut_and_cleaned() {
        let info = ClientInfo::new(None, Some(&format!("curl\r\n{}", "x".repeat(400))));
        let ua = info.user_agent.unwrap();
        assert!(!ua.contains('\r'));
        assert_eq!(ua.chars().count(), 256);
        assert_eq!(ClientInfo::new(None, Some("")).user_agent, None);
    }
}
