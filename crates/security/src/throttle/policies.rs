//! Which counters an attempt is claimed under, each with its own allowance.

use std::net::IpAddr;

use portico_kernel::{AccountId, SessionId, TokenDigest};
use time::Duration;

use super::{ThrottleKey, ThrottlePolicy};

/// An attempt to count under one key, with the policy of that key and what a
/// success does to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The counter.
    pub key: ThrottleKey,
    /// Its allowance and delays.
    pub policy: ThrottlePolicy,
    /// Whether a success forgets the key's failures (it proved itself: the pair,
    /// the device), rather than only giving this attempt back (the account and the
    /// address, which others may still be guessing from or at).
    pub cleared_on_success: bool,
}

impl Claim {
    /// A claim on `key` under `policy`; a success gives the attempt back.
    pub fn new(key: ThrottleKey, policy: ThrottlePolicy) -> Self {
        Self {
            key,
            policy,
            cleared_on_success: false,
        }
    }

    /// The same claim, forgetting every failure of its key on success.
    pub fn cleared_on_success(self) -> Self {
        Self {
            cleared_on_success: true,
            ..self
        }
    }
}

/// The allowances of every counter that guards a password or a second factor.
///
/// The account's counter stops guessing spread over many addresses; the pair's
/// (account and client network) is strict and touches nobody else; the address's is
/// generous, since an office or a carrier puts many clients behind one address; a
/// known device has a counter of its own, so no stranger's guesses can block it; and
/// every second-factor code, wherever it is sent, draws on one budget per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicies {
    /// Failed passwords of one account, from anywhere but its known devices.
    pub account: ThrottlePolicy,
    /// Failed passwords of one account from one client network.
    pub pair: ThrottlePolicy,
    /// Failures from one client network over every account.
    pub address: ThrottlePolicy,
    /// Failed passwords sent with one known-device credential.
    pub device: ThrottlePolicy,
    /// Wrong second-factor codes of one account.
    pub second_factor: ThrottlePolicy,
    /// Failed passwords after which a device credential is voided.
    pub device_failure_limit: u32,
}

impl Default for ThrottlePolicies {
    /// 10 free failures per account, 5 per pair and per device, 100 an hour per
    /// address, 5 free second-factor codes then a minute's wait that doubles; every
    /// delay capped at 15 minutes; a device voided after 10 failures.
    fn default() -> Self {
        Self::new(10, 5, 100, 5, Duration::minutes(15))
    }
}

impl ThrottlePolicies {
    /// The policies for these free allowances and the longest delay.
    pub fn new(
        account_free: u32,
        pair_free: u32,
        address_free: u32,
        second_factor_free: u32,
        max_delay: Duration,
    ) -> Self {
        let base = ThrottlePolicy {
            max_delay,
            ..ThrottlePolicy::default()
        };
        let with_free = |free_failures| ThrottlePolicy {
            free_failures,
            ..base
        };
        Self {
            account: with_free(account_free),
            pair: with_free(pair_free),
            address: ThrottlePolicy {
                reset_after: Duration::hours(1),
                ..with_free(address_free)
            },
            device: with_free(pair_free),
            second_factor: ThrottlePolicy {
                first_delay: Duration::minutes(1).min(max_delay),
                ..with_free(second_factor_free)
            },
            device_failure_limit: pair_free.saturating_mul(2).max(1),
        }
    }

    /// A password attempt for a known account from an unknown device: its account,
    /// the pair with the client's network, and that network.
    pub fn password_claims(&self, account: AccountId, ip: Option<IpAddr>) -> Vec<Claim> {
        let mut claims = vec![Claim::new(ThrottleKey::account(account), self.account)];
        if let Some(ip) = ip {
            claims.push(Claim::new(ThrottleKey::pair(account, ip), self.pair).cleared_on_success());
            claims.push(self.address_claim(ip));
        }
        claims
    }

    /// A login for a name that names no account, counted exactly as a known one is
    /// (the name as typed standing for the account), so that neither the answer nor
    /// the moment a delay starts tells which names exist.
    pub fn unknown_login_claims(&self, login: &str, ip: Option<IpAddr>) -> Vec<Claim> {
        let mut claims = vec![Claim::new(ThrottleKey::login(login), self.account)];
        if let Some(ip) = ip {
            claims.push(
                Claim::new(ThrottleKey::unknown_pair(login, ip), self.pair).cleared_on_success(),
            );
            claims.push(self.address_claim(ip));
        }
        claims
    }

    /// A password attempt sent with a valid known-device credential: that device's
    /// counter alone.
    pub fn device_claims(&self, device: &TokenDigest) -> Vec<Claim> {
        vec![Claim::new(ThrottleKey::device(device), self.device).cleared_on_success()]
    }

    /// A password sent to re-authenticate from a session (before a sensitive change,
    /// a password or username change): that session's own counter, like a known
    /// device's.
    pub fn session_claims(&self, session: SessionId) -> Vec<Claim> {
        vec![Claim::new(ThrottleKey::session(session), self.device).cleared_on_success()]
    }

    /// A second-factor code for `account`, from any flow; a right code restores
    /// the whole budget.
    pub fn second_factor_claim(&self, account: AccountId) -> Claim {
        Claim::new(ThrottleKey::second_factor(account), self.second_factor).cleared_on_success()
    }

    /// A failure counted for a client network.
    pub fn address_claim(&self, ip: IpAddr) -> Claim {
        Claim::new(ThrottleKey::address(ip), self.address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_allows_an_office_worth_of_typos_and_a_pair_only_a_few() {
        let policies = ThrottlePolicies::default();
        assert_eq!(policies.address.delay_after(100), Duration::ZERO);
        assert!(policies.address.delay_after(101) > Duration::ZERO);
        assert_eq!(policies.address.reset_after, Duration::hours(1));
        assert!(policies.pair.delay_after(6) > Duration::ZERO);
        assert_eq!(policies.account.delay_after(10), Duration::ZERO);
        assert_eq!(policies.second_factor.delay_after(6), Duration::minutes(1));
        assert_eq!(policies.device_failure_limit, 10);
    }

    #[test]
    fn a_known_account_is_counted_per_account_pair_and_address() {
        let policies = ThrottlePolicies::default();
        let account = AccountId::generate();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let keys: Vec<ThrottleKey> = policies
            .password_claims(account, Some(ip))
            .into_iter()
            .map(|claim| claim.key)
            .collect();
        assert_eq!(
            keys,
            [
                ThrottleKey::account(account),
                ThrottleKey::pair(account, ip),
                ThrottleKey::address(ip)
            ]
        );
    }

    #[test]
    fn a_right_password_clears_the_pair_and_gives_the_account_and_address_one_back() {
        let policies = ThrottlePolicies::default();
        let account = AccountId::generate();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let cleared: Vec<bool> = policies
            .password_claims(account, Some(ip))
            .iter()
            .map(|claim| claim.cleared_on_success)
            .collect();
        assert_eq!(cleared, [false, true, false]);
        assert!(
            policies.device_claims(&TokenDigest::from_stored("ab".into()))[0].cleared_on_success
        );
        assert!(policies.second_factor_claim(account).cleared_on_success);
    }
}
