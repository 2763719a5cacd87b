//! Using, listing and ending sessions.

use std::sync::Arc;

use portico_kernel::{AccountId, Clock, Page, PageRequest, SessionId, StorageError};

use crate::events::{SecurityEvent, SecurityEventKind, SecurityEventRepository};
use crate::ports::SessionRepository;
use crate::session::{ClientInfo, Session, SessionPolicy};
use crate::whitelist::{AddressGate, GateError};
use portico_kernel::SecretToken;

/// Why a bearer token does not authenticate. One variant on purpose: a client learns
/// only that it must log in again.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Unknown, revoked, idle too long or past its absolute expiry.
    #[error("the session is not valid")]
    InvalidSession,
    /// The session waits for its second factor and can do nothing else.
    #[error("the login must first be completed with a second factor")]
    SecondFactorPending,
    /// The account's IP whitelist does not hold the client's address (recorded in the
    /// account's audit trail).
    #[error("requests from this address are not allowed for this account")]
    AddressNotAllowed,
    /// Only a session waiting for its second factor may do this, and this one does
    /// not (it is complete).
    #[error("the session is not waiting for a second factor")]
    NotPending,
    /// Storage failed.
    #[error("session lookup failed")]
    Unexpected(#[from] StorageError),
}

/// Why a session operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The account has no such session.
    #[error("no such session")]
    NotFound,
    /// Storage failed.
    #[error("session storage failed")]
    Unexpected(#[from] StorageError),
}

/// Authenticates bearer tokens and manages an account's sessions.
#[derive(Clone)]
pub struct Sessions {
    sessions: Arc<dyn SessionRepository>,
    events: Arc<dyn SecurityEventRepository>,
    gate: AddressGate,
    clock: Arc<dyn Clock>,
    policy: SessionPolicy,
}

impl Sessions {
    /// Wires the service.
    pub fn new(
        sessions: Arc<dyn SessionRepository>,
        events: Arc<dyn SecurityEventRepository>,
        gate: AddressGate,
        clock: Arc<dyn Clock>,
        policy: SessionPolicy,
    ) -> Self {
        Self {
            gate,
            sessions,
            events,
            clock,
            policy,
        }
    }

    /// The expiry rules in force.
    pub fn policy(&self) -> SessionPolicy {
        self.policy
    }

    /// The live session a bearer token belongs to. Activity is recorded (at most once
    /// per [`SessionPolicy::TOUCH_INTERVAL`]), which pushes the idle expiry back.
    ///
    /// The account's IP whitelist is checked on every request, so a change applies
    /// at once to sessions opened before it.
    #[tracing::instrument(name = "Sessions::authenticate", skip_all)]
    pub async fn authenticate(
        &self,
        token: &SecretToken,
        client: &ClientInfo,
    ) -> Result<Session, AuthError> {
        let session = self.live_session(token, client).await?;
        if session.second_factor_pending {
            return Err(AuthError::SecondFactorPending);
        }
        Ok(session)
    }

    /// The live session a bearer token belongs to, when it waits for its second
    /// factor: the only thing such a session may do is complete it.
    #[tracing::instrument(name = "Sessions::authenticate_pending", skip_all)]
    pub async fn authenticate_pending(
        &self,
        token: &SecretToken,
        client: &ClientInfo,
    ) -> Result<Session, AuthError> {
        let session = self.live_session(token, client).await?;
        if !session.second_factor_pending {
            return Err(AuthError::NotPending);
        }
        Ok(session)
    }

    async fn live_session(
        &self,
        token: &SecretToken,
        client: &ClientInfo,
    ) -> Result<Session, AuthError> {
        // One read for the session and the whitelist: the cost of authenticating a
        // request is one round trip (and a write at most once a minute), with
        // nothing cached, so a revocation or a whitelist change applies to the very
        // next request.
        let found = self
            .sessions
            .find_for_request(&token.digest())
            .await?
            .ok_or(AuthError::InvalidSession)?;
        let mut session = found.session;
        let now = self.clock.now();
        if !session.is_live(&self.policy, now) {
            return Err(AuthError::InvalidSession);
        }
        match self
            .gate
            .admit_listed(session.account, &found.whitelist, client, "request")
            .await
        {
            Ok(()) => {}
            Err(GateError::Refused) => return Err(AuthError::AddressNotAllowed),
            Err(GateError::Unexpected(error)) => return Err(error.into()),
        }
        if session.needs_touch(now) {
            self.sessions.touch(session.id, now).await?;
            session.last_seen_at = now;
        }
        Ok(session)
    }

    /// One page of the account's sessions that are still live, newest first.
    #[tracing::instrument(name = "Sessions::list", skip_all, fields(account = %account))]
    pub async fn list(
        &self,
        account: AccountId,
        page: &PageRequest,
    ) -> Result<Page<Session>, SessionError> {
        let now = self.clock.now();
        let page = self.sessions.list(account, now, page).await?;
        // Idle ones are filtered here rather than in storage: the idle rule is the
        // domain's, and a page holding fewer items than the limit is still valid.
        Ok(Page {
            items: page
                .items
                .into_iter()
                .filter(|s| s.is_live(&self.policy, now))
                .collect(),
            next_cursor: page.next_cursor,
        })
    }

    /// Ends one of the account's sessions: the caller's own (logout) or another.
    #[tracing::instrument(name = "Sessions::revoke", skip_all, fields(account = %caller.account, id = %id))]
    pub async fn revoke(
        &self,
        caller: &Session,
        id: SessionId,
        client: &ClientInfo,
    ) -> Result<(), SessionError> {
        let account = caller.account;
        if !self.sessions.delete(account, id).await? {
            return Err(SessionError::NotFound);
        }
        let kind = if id == caller.id {
            SecurityEventKind::LoggedOut
        } else {
            SecurityEventKind::SessionRevoked
        };
        let event = SecurityEvent::new(
            account,
            kind,
            self.clock.now(),
            client,
            Some(format!("session {id}")),
        );
        self.events.record(&event).await?;
        tracing::info!(%account, session = %id, "session ended");
        Ok(())
    }

    /// Ends every session of the caller's account but the caller's own, idle ones
    /// included, and records each in the audit trail; returns how many ended.
    #[tracing::instrument(name = "Sessions::revoke_others", skip_all, fields(account = %caller.account))]
    pub async fn revoke_others(
        &self,
        caller: &Session,
        client: &ClientInfo,
    ) -> Result<usize, SessionError> {
        let account = caller.account;
        let ended = self.sessions.delete_others(account, caller.id).await?;
        let now = self.clock.now();
        for id in &ended {
            let event = SecurityEvent::new(
                account,
                SecurityEventKind::SessionRevoked,
                now,
                client,
                Some(format!("session {id}")),
            );
            self.events.record(&event).await?;
        }
        tracing::info!(%account, ended = ended.len(), "every other session ended");
        Ok(ended.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::MockSecurityEventRepository;
    use crate::ports::{MockSessionRepository, SessionWithWhitelist};
    use crate::whitelist::{Cidr, MockIpWhitelistRepository, WhitelistEntry};
    use portico_kernel::FixedClock;
    use time::{Duration, OffsetDateTime};

    fn events() -> Arc<MockSecurityEventRepository> {
        let mut events = MockSecurityEventRepository::new();
        events.expect_record().returning(|_| Ok(()));
        Arc::new(events)
    }

    /// A gate over a whitelist with no entries: every address is let in.
    fn open_whitelist() -> AddressGate {
        let mut whitelist = MockIpWhitelistRepository::new();
        whitelist.expect_list().returning(|_| Ok(vec![]));
        gate_over(whitelist)
    }

    fn gate_over(whitelist: MockIpWhitelistRepository) -> AddressGate {
        let mut throttle = crate::throttle::MockThrottleRepository::new();
        throttle.expect_claim().returning(|_, _| Ok(None));
        AddressGate::new(
            Arc::new(whitelist),
            events(),
            Arc::new(throttle),
            Arc::new(FixedClock::at(start())),
        )
    }

    fn start() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap()
    }

    fn session_for(token: &SecretToken, last_seen: OffsetDateTime) -> Session {
        Session {
            id: SessionId::generate(),
            account: AccountId::generate(),
            token_digest: token.digest(),
            created_at: start(),
            last_seen_at: last_seen,
            absolute_expires_at: start() + Duration::hours(12),
            authenticated_at: start(),
            second_factor_pending: false,
            client: ClientInfo::default(),
        }
    }

    #[tokio::test]
    async fn a_live_token_authenticates_and_records_activity() {
        let token = SecretToken::generate().unwrap();
        let session = session_for(&token, start());
        let clock = Arc::new(FixedClock::at(start() + Duration::minutes(10)));
        let mut repo = MockSessionRepository::new();
        repo.expect_find_for_request().return_once(move |_| {
            Ok(Some(SessionWithWhitelist {
                session,
                whitelist: vec![],
            }))
        });
        repo.expect_touch()
            .withf(|_, at| *at == start() + Duration::minutes(10))
            .times(1)
            .returning(|_, _| Ok(()));
        let sessions = Sessions::new(
            Arc::new(repo),
            events(),
            open_whitelist(),
            clock,
            SessionPolicy::default(),
        );

        let found = sessions
            .authenticate(&token, &ClientInfo::default())
            .await
            .unwrap();

        assert_eq!(found.last_seen_at, start() + Duration::minutes(10));
    }

    #[tokio::test]
    async fn activity_within_a_minute_is_not_written_again() {
        let token = SecretToken::generate().unwrap();
        let session = session_for(&token, start());
        let clock = Arc::new(FixedClock::at(start() + Duration::seconds(30)));
        let mut repo = MockSessionRepository::new();
        repo.expect_find_for_request().return_once(move |_| {
            Ok(Some(SessionWithWhitelist {
                session,
                whitelist: vec![],
            }))
        });
        repo.expect_touch().times(0);
        let sessions = Sessions::new(
            Arc::new(repo),
            events(),
            open_whitelist(),
            clock,
            SessionPolicy::default(),
        );

        assert!(
            sessions
                .authenticate(&token, &ClientInfo::default())
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn an_idle_session_no_longer_authenticates() {
        let token = SecretToken::generate().unwrap();
        let session = session_for(&token, start());
        let clock = Arc::new(FixedClock::at(start() + Duration::minutes(31)));
        let mut repo = MockSessionRepository::new();
        repo.expect_find_for_request().return_once(move |_| {
            Ok(Some(SessionWithWhitelist {
                session,
                whitelist: vec![],
            }))
        });
        repo.expect_touch().times(0);
        let sessions = Sessions::new(
            Arc::new(repo),
            events(),
            open_whitelist(),
            clock,
            SessionPolicy::default(),
        );

        assert!(matches!(
            sessions.authenticate(&token, &ClientInfo::default()).await,
            Err(AuthError::InvalidSession)
        ));
    }

    #[tokio::test]
    async fn a_live_token_from_outside_the_accounts_whitelist_is_refused() {
        let token = SecretToken::generate().unwrap();
        let session = session_for(&token, start());
        let account = session.account;
        let mut repo = MockSessionRepository::new();
        let listed = WhitelistEntry {
            id: portico_kernel::WhitelistEntryId::generate(),
            account,
            cidr: Cidr::parse("192.0.2.0/24").unwrap(),
            label: None,
            created_at: start(),
            last_used_at: Some(start()),
        };
        // The whitelist comes with the session, in the same read.
        repo.expect_find_for_request().return_once(move |_| {
            Ok(Some(SessionWithWhitelist {
                session,
                whitelist: vec![listed],
            }))
        });
        repo.expect_touch().times(0);
        let mut whitelist = MockIpWhitelistRepository::new();
        whitelist.expect_list().times(0);
        let sessions = Sessions::new(
            Arc::new(repo),
            events(),
            gate_over(whitelist),
            Arc::new(FixedClock::at(start())),
            SessionPolicy::default(),
        );

        let outside = ClientInfo::new("198.51.100.1".parse().ok(), None);
        assert!(matches!(
            sessions.authenticate(&token, &outside).await,
            Err(AuthError::AddressNotAllowed)
        ));
    }

    #[tokio::test]
    async fn an_unknown_token_does_not_authenticate() {
        let mut repo = MockSessionRepository::new();
        repo.expect_find_for_request().returning(|_| Ok(None));
        let sessions = Sessions::new(
            Arc::new(repo),
            events(),
            open_whitelist(),
            Arc::new(FixedClock::at(start())),
            SessionPolicy::default(),
        );

        assert!(matches!(
            sessions
                .authenticate(&SecretToken::from_client("forged"), &ClientInfo::default())
                .await,
            Err(AuthError::InvalidSession)
        ));
    }

    #[tokio::test]
    async fn revoking_another_accounts_session_is_not_found() {
        let mut repo = MockSessionRepository::new();
        repo.expect_delete().returning(|_, _| Ok(false));
        let sessions = Sessions::new(
            Arc::new(repo),
            events(),
            open_whitelist(),
            Arc::new(FixedClock::at(start())),
            SessionPolicy::default(),
        );

        assert!(matches!(
            sessions
                .revoke(
                    &session_for(&SecretToken::generate().unwrap(), start()),
                    SessionId::generate(),
                    &ClientInfo::default()
                )
                .await,
            Err(SessionError::NotFound)
        ));
    }

    #[tokio::test]
    async fn ending_every_other_session_keeps_the_callers_and_records_each() {
        let token = SecretToken::generate().unwrap();
        let caller = session_for(&token, start());
        let (account, keep) = (caller.account, caller.id);
        let ended = vec![SessionId::generate(), SessionId::generate()];
        let expected = ended.clone();
        let mut repo = MockSessionRepository::new();
        repo.expect_delete_others()
            .withf(move |owner, kept| *owner == account && *kept == keep)
            .times(1)
            .return_once(move |_, _| Ok(ended));
        let mut events = MockSecurityEventRepository::new();
        events
            .expect_record()
            .withf(move |event| {
                event.kind == SecurityEventKind::SessionRevoked
                    && event.account == account
                    && expected
                        .iter()
                        .any(|id| event.detail.as_deref() == Some(&format!("session {id}")))
            })
            .times(2)
            .returning(|_| Ok(()));
        let sessions = Sessions::new(
            Arc::new(repo),
            Arc::new(events),
            open_whitelist(),
            Arc::new(FixedClock::at(start())),
            SessionPolicy::default(),
        );

        let count = sessions
            .revoke_others(&caller, &ClientInfo::default())
            .await
            .unwrap();

        assert_eq!(count, 2);
    }
}
