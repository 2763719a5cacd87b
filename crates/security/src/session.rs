//! Login sessions and their expiry rules.

pub use portico_kernel::ClientInfo;
use portico_kernel::{AccountId, SessionId};
use time::{Duration, OffsetDateTime};

use portico_kernel::TokenDigest;

/// How long sessions live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused for this long is over.
    pub idle_timeout: Duration,
    /// A session is over this long after login, however busy.
    pub absolute_lifetime: Duration,
}

impl SessionPolicy {
    /// Activity is written back at most this often, so that reading a page does not
    /// turn every request into a database write.
    pub const TOUCH_INTERVAL: Duration = Duration::minutes(1);

    /// How long a login may wait for its second factor.
    pub const SECOND_FACTOR_WINDOW: Duration = Duration::minutes(5);

    /// Wrong second-factor codes a pending login may send before it is ended.
    pub const SECOND_FACTOR_BUDGET: u32 = 5;
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::minutes(30),
            absolute_lifetime: Duration::hours(12),
        }
    }
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Its id (public: it is how a client names a session to revoke).
    pub id: SessionId,
    /// Whose session it is.
    pub account: AccountId,
    /// Digest of its bearer token.
    pub token_digest: TokenDigest,
    /// Login time.
    pub created_at: OffsetDateTime,
    /// Last request seen (to within [`SessionPolicy::TOUCH_INTERVAL`]).
    pub last_seen_at: OffsetDateTime,
    /// The absolute end, fixed at login.
    pub absolute_expires_at: OffsetDateTime,
    /// When the client last proved the password (and the second factor, when it is
    /// on) in this session: at login, or by re-authenticating since. Sensitive
    /// changes need this to be recent (see [`Session::recently_authenticated`]).
    pub authenticated_at: OffsetDateTime,
    /// Where the login came from.
    pub client: ClientInfo,
    /// The password was right but the second factor is still due: such a session
    /// can do nothing but complete it, and ends after [`SessionPolicy::SECOND_FACTOR_WINDOW`].
    pub second_factor_pending: bool,
}

impl Session {
    /// When the session ends if it stays idle from now on.
    pub fn expires_at(&self, policy: &SessionPolicy) -> OffsetDateTime {
        (self.last_seen_at + policy.idle_timeout).min(self.absolute_expires_at)
    }

    /// Whether the session is still usable at `now`.
    pub fn is_live(&self, policy: &SessionPolicy, now: OffsetDateTime) -> bool {
        now < self.expires_at(policy)
    }

    /// Whether the last proof of the password (and second factor) is younger than
    /// `window` at `now`, as a sensitive change needs.
    pub fn recently_authenticated(&self, window: Duration, now: OffsetDateTime) -> bool {
        now - self.authenticated_at < window
    }

    /// Whether a request at `now` should be written back as activity.
    pub fn needs_touch(&self, now: OffsetDateTime) -> bool {
        now - self.last_seen_at >= SessionPolicy::TOUCH_INTERVAL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(created: OffsetDateTime, policy: &SessionPolicy) -> Session {
        Session {
            id: SessionId::generate(),
            account: AccountId::generate(),
            token_digest: TokenDigest::from_stored("00".into()),
            created_at: created,
            last_seen_at: created,
            absolute_expires_at: created + policy.absolute_lifetime,
            authenticated_at: created,
            second_factor_pending: false,
            client: ClientInfo::default(),
        }
    }

    #[test]
    fn an_idle_session_ends_after_the_idle_timeout() {
        let policy = SessionPolicy::default();
        let start = OffsetDateTime::UNIX_EPOCH;
        let s = session(start, &policy);
        assert!(s.is_live(&policy, start + Duration::minutes(29)));
        assert!(!s.is_live(&policy, start + Duration::minutes(30)));
    }

    #[test]
    fn a_proof_counts_as_recent_for_the_window_only() {
        let policy = SessionPolicy::default();
        let start = OffsetDateTime::UNIX_EPOCH;
        let s = session(start, &policy);
        let window = Duration::minutes(10);
        assert!(s.recently_authenticated(window, start + Duration::minutes(9)));
        assert!(!s.recently_authenticated(window, start + Duration::minutes(10)));
    }

    #[test]
    fn a_busy_session_still_ends_at_its_absolute_expiry() {
        let policy = SessionPolicy::default();
        let start = OffsetDateTime::UNIX_EPOCH;
        let mut s = session(start, &policy);
        s.last_seen_at = start + Duration::hours(12) - Duration::minutes(1);
        assert_eq!(s.expires_at(&policy), start + Duration::hours(12));
        assert!(!s.is_live(&policy, start + Duration::hours(12)));
    }
}
