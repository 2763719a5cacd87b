//! What a counter counts: one key per account, pair, address, device, budget or pace.

use std::net::IpAddr;

use portico_kernel::{AccountId, SessionId, TokenDigest};

/// What is being counted. Keys are kept apart by purpose, so that one kind of
/// failure never spends another kind's allowance (ADR 0012).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ThrottleKey(String);

/// The network a client address is counted under: an IPv4 address alone, an IPv6
/// address by its /64, which is what one subscriber usually holds whole.
pub fn counted_network(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

impl ThrottleKey {
    /// Failed logins for a login name that names no account. The name is kept only
    /// as its SHA-256 digest: the table holds no typed-in logins (which may be
    /// passwords entered in the wrong field), and any text makes a valid key.
    pub fn login(login: &str) -> Self {
        Self(format!("login:{}", login_digest(login)))
    }

    /// Failed logins for a name that names no account, from one client network: the
    /// counterpart of [`Self::pair`], so that unknown names slow down exactly as
    /// known ones do.
    pub fn unknown_pair(login: &str, ip: IpAddr) -> Self {
        Self(format!(
            "login-pair:{}:{}",
            login_digest(login),
            counted_network(ip)
        ))
    }

    /// Failed passwords for one account at login from unknown devices, whichever of
    /// its login aliases was typed.
    pub fn account(account: AccountId) -> Self {
        Self(format!("account:{account}"))
    }

    /// Failed passwords for one account from one client network: the strict counter
    /// that stops one guesser without touching the owner elsewhere.
    pub fn pair(account: AccountId, ip: IpAddr) -> Self {
        Self(format!("pair:{account}:{}", counted_network(ip)))
    }

    /// Failures from one client network, over every account (IPv6 per /64).
    pub fn address(ip: IpAddr) -> Self {
        Self(format!("ip:{}", counted_network(ip)))
    }

    /// Failed passwords sent with one known-device credential: the only counter such
    /// a login is judged by.
    pub fn device(device: &TokenDigest) -> Self {
        Self(format!("device:{}", device.as_str()))
    }

    /// Failed passwords sent to re-authenticate from one session: a session is a
    /// device that logged in, so it is judged by its own counter, never held back
    /// by strangers' guesses at the account.
    pub fn session(session: SessionId) -> Self {
        Self(format!("session:{session}"))
    }

    /// Wrong second-factor codes of one account, wherever they are sent: completing a
    /// login, confirming a reset, re-authenticating. One budget for all of them.
    pub fn second_factor(account: AccountId) -> Self {
        Self(format!("second-factor:{account}"))
    }

    /// Wrong second-factor codes sent by one pending login: its own small budget.
    pub fn pending_session(session: SessionId) -> Self {
        Self(format!("pending-session:{session}"))
    }

    /// Wrong guesses made with one password reset link.
    pub fn reset_link(digest: &TokenDigest) -> Self {
        Self(format!("reset:{}", digest.as_str()))
    }

    /// Reset mails sent to one account: not failures, a pace (one per minute).
    pub fn reset_mail(account: AccountId) -> Self {
        Self(format!("reset-mail:{account}"))
    }

    /// Refusals of one subject (an account, or a login name that names none), client
    /// network and kind of attempt that were noted: a pace, not failures.
    pub fn refusal_record(subject: &str, ip: Option<IpAddr>, what: &str) -> Self {
        let network = ip.map_or_else(|| "unknown".to_owned(), counted_network);
        Self(format!("refusal:{subject}:{network}:{what}"))
    }

    /// Accounts opened from one client network: each costs a hash and a mail.
    pub fn registration(ip: IpAddr) -> Self {
        Self(format!("register:{}", counted_network(ip)))
    }

    /// Delegate invitations sent by one account: each is a mail to any address.
    pub fn invitation(account: AccountId) -> Self {
        Self(format!("invite:{account}"))
    }

    /// Verification mails sent to one address (case-folded, kept as a digest), by
    /// every account together.
    pub fn verification_mail(address: &str) -> Self {
        Self(format!("verify-mail:{}", address_digest(address)))
    }

    /// Verification mails one account asked to send to one address.
    pub fn verification_mail_from(account: AccountId, address: &str) -> Self {
        Self(format!("verify-mail:{account}:{}", address_digest(address)))
    }

    /// The storage form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A typed login name as a key part: trimmed, case-folded, and only as its digest
/// (the table holds no typed-in text, which may be a password in the wrong field).
fn login_digest(login: &str) -> String {
    portico_kernel::SecretToken::from_client(&login.trim().to_lowercase())
        .digest()
        .as_str()
        .to_owned()
}

/// An email address as a key part: case-folded, and only as its digest.
fn address_digest(address: &str) -> String {
    portico_kernel::SecretToken::from_client(&address.to_lowercase())
        .digest()
        .as_str()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_keys_fold_case_and_space_and_hold_no_login_text() {
        assert_eq!(ThrottleKey::login(" Ada "), ThrottleKey::login("ada"));
        assert!(!ThrottleKey::login("ada\u{0}").as_str().contains('\u{0}'));
        assert!(!ThrottleKey::login("my secret").as_str().contains("secret"));
        assert_ne!(
            ThrottleKey::login("ada"),
            ThrottleKey::address("192.0.2.1".parse().unwrap())
        );
    }

    #[test]
    fn ipv6_addresses_are_counted_per_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:ffff:ffff:ffff".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(ThrottleKey::address(a), ThrottleKey::address(b));
        assert_ne!(ThrottleKey::address(a), ThrottleKey::address(other));
        assert_eq!(counted_network(a), "2001:db8:1:2::/64");
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(
            ThrottleKey::address(mapped),
            ThrottleKey::address("192.0.2.7".parse().unwrap())
        );
        let account = AccountId::generate();
        assert_eq!(ThrottleKey::pair(account, a), ThrottleKey::pair(account, b));
    }

    #[test]
    fn verification_mail_keys_ignore_case_and_hold_no_address() {
        let key = ThrottleKey::verification_mail("Ada@Example.com");
        assert_eq!(key, ThrottleKey::verification_mail("ada@example.com"));
        assert!(!key.as_str().contains("example"));
    }
}
