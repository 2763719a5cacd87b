//! The security audit trail of an account.
//!
//! Every security-relevant action (a login, its failure, a session ended, a password
//! changed...) leaves an event with its time, client address and user agent, which the
//! client reads in `GET /v1/me/security-events`. An event never holds a secret: its
//! detail is a fixed phrase or a public value such as an email address.

use std::fmt;

use async_trait::async_trait;
use portico_kernel::{AccountId, AuditEntry, EventId, Page, PageRequest, StorageError};
use time::OffsetDateTime;

use crate::session::ClientInfo;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecurityEventKind {
    /// A login with the right password.
    LoginSucceeded,
    /// A login with a wrong password for this account.
    LoginFailed,
    /// The client ended its own session.
    LoggedOut,
    /// The client ended another of its sessions.
    SessionRevoked,
    /// The password was changed (other sessions were ended).
    PasswordChanged,
    /// A password change was refused because the current password was wrong.
    PasswordChangeFailed,
    /// The password was right and the login now waits for its second factor.
    SecondFactorRequested,
    /// A sensitive change was refused: wrong password or wrong second factor.
    ReauthenticationFailed,
    /// Two-factor authentication was turned on.
    TwoFactorEnabled,
    /// Two-factor authentication was turned off.
    TwoFactorDisabled,
    /// A new set of recovery codes replaced the old one.
    RecoveryCodesRenewed,
    /// The username was changed.
    UsernameChanged,
    /// A password reset link was mailed.
    PasswordResetRequested,
    /// The password was reset with a mailed link (every session was ended).
    PasswordReset,
    /// A password reset was refused: wrong second factor with a valid link.
    PasswordResetFailed,
    /// A range was added to the IP whitelist.
    IpWhitelistAdded,
    /// A range was removed from the IP whitelist.
    IpWhitelistRemoved,
    /// A login or request from an address outside the IP whitelist was refused.
    AddressRefused,
    /// A delegate was invited.
    DelegateInvited,
    /// A delegate accepted the invitation.
    DelegateAccepted,
    /// A delegate's scope was changed.
    DelegateScopeChanged,
    /// A delegate's access was revoked (or the invitation withdrawn).
    DelegateRevoked,
    /// A payout destination was added.
    PayoutDestinationAdded,
    /// A payout destination was removed.
    PayoutDestinationRemoved,
    /// An email address was added.
    EmailAdded,
    /// An email address was replaced by another.
    EmailChanged,
    /// An email address was verified.
    EmailVerified,
    /// Another address became the primary one.
    PrimaryEmailChanged,
    /// An email address was removed.
    EmailRemoved,
    /// An attempt was refused because its counters are blocked (too many failures,
    /// or too many mails asked for), recorded at most once a minute per address.
    AttemptThrottled,
    /// The session proved the password (and second factor) again, for sensitive
    /// changes.
    Reauthenticated,
    /// A known-device credential was voided after too many wrong passwords.
    DeviceForgotten,
    /// A sensitive change was refused because the session's last proof of the
    /// password was too old (recorded at most once a minute per address).
    ReauthenticationRequired,
}

/// The text is not an event kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a security event kind")]
pub struct InvalidEventKind;

impl SecurityEventKind {
    /// Every kind.
    pub const ALL: [Self; 33] = [
        Self::LoginSucceeded,
        Self::LoginFailed,
        Self::LoggedOut,
        Self::SessionRevoked,
        Self::PasswordChanged,
        Self::PasswordChangeFailed,
        Self::SecondFactorRequested,
        Self::ReauthenticationFailed,
        Self::TwoFactorEnabled,
        Self::TwoFactorDisabled,
        Self::RecoveryCodesRenewed,
        Self::UsernameChanged,
        Self::PasswordResetRequested,
        Self::PasswordReset,
        Self::PasswordResetFailed,
        Self::IpWhitelistAdded,
        Self::IpWhitelistRemoved,
        Self::AddressRefused,
        Self::DelegateInvited,
        Self::DelegateAccepted,
        Self::DelegateScopeChanged,
        Self::DelegateRevoked,
        Self::PayoutDestinationAdded,
        Self::PayoutDestinationRemoved,
        Self::EmailAdded,
        Self::EmailChanged,
        Self::EmailVerified,
        Self::PrimaryEmailChanged,
        Self::EmailRemoved,
        Self::AttemptThrottled,
        Self::Reauthenticated,
        Self::DeviceForgotten,
        Self::ReauthenticationRequired,
    ];

    /// The wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoginSucceeded => "login_succeeded",
            Self::LoginFailed => "login_failed",
            Self::LoggedOut => "logged_out",
            Self::SessionRevoked => "session_revoked",
            Self::PasswordChanged => "password_changed",
            Self::PasswordChangeFailed => "password_change_failed",
            Self::SecondFactorRequested => "second_factor_requested",
            Self::ReauthenticationFailed => "reauthentication_failed",
            Self::TwoFactorEnabled => "two_factor_enabled",
            Self::TwoFactorDisabled => "two_factor_disabled",
            Self::RecoveryCodesRenewed => "recovery_codes_renewed",
            Self::UsernameChanged => "username_changed",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::PasswordReset => "password_reset",
            Self::PasswordResetFailed => "password_reset_failed",
            Self::IpWhitelistAdded => "ip_whitelist_added",
            Self::IpWhitelistRemoved => "ip_whitelist_removed",
            Self::AddressRefused => "address_refused",
            Self::DelegateInvited => "delegate_invited",
            Self::DelegateAccepted => "delegate_accepted",
            Self::DelegateScopeChanged => "delegate_scope_changed",
            Self::DelegateRevoked => "delegate_revoked",
            Self::PayoutDestinationAdded => "payout_destination_added",
            Self::PayoutDestinationRemoved => "payout_destination_removed",
            Self::EmailAdded => "email_added",
            Self::EmailChanged => "email_changed",
            Self::EmailVerified => "email_verified",
            Self::PrimaryEmailChanged => "primary_email_changed",
            Self::EmailRemoved => "email_removed",
            Self::AttemptThrottled => "attempt_throttled",
            Self::Reauthenticated => "reauthenticated",
            Self::DeviceForgotten => "device_forgotten",
            Self::ReauthenticationRequired => "reauthentication_required",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Result<Self, InvalidEventKind> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or(InvalidEventKind)
    }
}

impl fmt::Display for SecurityEventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityEvent {
    /// Its id.
    pub id: EventId,
    /// Whose account.
    pub account: AccountId,
    /// What happened.
    pub kind: SecurityEventKind,
    /// When.
    pub at: OffsetDateTime,
    /// Where the request came from.
    pub client: ClientInfo,
    /// A public detail ("factor: password", the session id...), never a secret.
    pub detail: Option<String>,
}

impl SecurityEvent {
    /// A new event.
    pub fn new(
        account: AccountId,
        kind: SecurityEventKind,
        at: OffsetDateTime,
        client: &ClientInfo,
        detail: Option<String>,
    ) -> Self {
        Self {
            id: EventId::generate(),
            account,
            kind,
            at,
            client: client.clone(),
            detail,
        }
    }
}

impl From<&SecurityEvent> for AuditEntry {
    /// The event as the storage-neutral line its transaction writes.
    fn from(event: &SecurityEvent) -> Self {
        Self {
            id: event.id,
            account: event.account,
            kind: event.kind.as_str(),
            at: event.at,
            client: event.client.clone(),
            detail: event.detail.clone(),
        }
    }
}

/// The audit trail.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait SecurityEventRepository: Send + Sync {
    /// Appends an event.
    async fn record(&self, event: &SecurityEvent) -> Result<(), StorageError>;

    /// One page of the account's events, newest first.
    async fn list(
        &self,
        account: AccountId,
        page: &PageRequest,
    ) -> Result<Page<SecurityEvent>, StorageError>;
}

/// Refusals of one account, address and kind are recorded at most this often, so
/// that a poller with a stale address, a stolen token or a guessing script cannot
/// flood the audit trail.
pub const REFUSAL_RECORD_INTERVAL: time::Duration = time::Duration::minutes(1);

/// Records a refusal of `what` (such as "login", "request") from the event's client
/// network (IPv6 per /64), unless the same refusal was recorded less than
/// [`REFUSAL_RECORD_INTERVAL`] ago.
pub async fn record_refusal(
    events: &dyn SecurityEventRepository,
    throttle: &dyn crate::throttle::ThrottleRepository,
    event: &SecurityEvent,
    what: &str,
) -> Result<(), StorageError> {
    let subject = event.account.to_string();
    let what = format!("{}:{what}", event.kind);
    if refusal_due(throttle, &subject, event.client.ip, &what, event.at).await? {
        events.record(event).await?;
    }
    Ok(())
}

/// Notes in `account`'s audit trail that an attempt at `what` ("login", "password
/// change", "verification mail"...) was refused because its counters are blocked
/// (`attempt_throttled`, paced like every refusal).
pub async fn record_throttled(
    events: &dyn SecurityEventRepository,
    throttle: &dyn crate::throttle::ThrottleRepository,
    account: AccountId,
    client: &ClientInfo,
    what: &str,
    at: OffsetDateTime,
) -> Result<(), StorageError> {
    let event = SecurityEvent::new(
        account,
        SecurityEventKind::AttemptThrottled,
        at,
        client,
        Some(what.to_owned()),
    );
    record_refusal(events, throttle, &event, what).await
}

/// Whether a refusal of `what` for `subject` from `ip` is due to be noted: claims
/// the pace (at most one per [`REFUSAL_RECORD_INTERVAL`]). Also called where there
/// is no account to note it for, so that both paths do the same work.
pub async fn refusal_due(
    throttle: &dyn crate::throttle::ThrottleRepository,
    subject: &str,
    ip: Option<std::net::IpAddr>,
    what: &str,
    at: OffsetDateTime,
) -> Result<bool, StorageError> {
    let pacing = crate::throttle::ThrottleKey::refusal_record(subject, ip, what);
    Ok(crate::throttle::claim_attempt(
        throttle,
        &crate::throttle::ThrottlePolicy::pace(REFUSAL_RECORD_INTERVAL),
        std::slice::from_ref(&pacing),
        at,
    )
    .await?
    .is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_their_names() {
        for kind in SecurityEventKind::ALL {
            assert_eq!(SecurityEventKind::parse(kind.as_str()), Ok(kind));
        }
        assert_eq!(SecurityEventKind::parse("hacked"), Err(InvalidEventKind));
    }
}
