//! A delegate of an account: an invitation to an email address that, once accepted by
//! the account holding that address, becomes a grant.

use std::fmt;

use portico_kernel::{AccountId, DelegateId, EmailAddress, SecretToken, StorageError};
use time::{Duration, OffsetDateTime};

use crate::scope::Scope;

/// How long an invitation link works.
pub const INVITATION_LIFETIME: Duration = Duration::days(7);

/// Where a delegate stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DelegateStatus {
    /// Invited; waiting for the invitee to accept.
    Pending,
    /// Accepted: the delegate may act within the scope.
    Active,
    /// Revoked by the owner; kept for the record.
    Revoked,
}

/// The text is not a delegate status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a delegate status")]
pub struct InvalidStatus;

impl DelegateStatus {
    /// Every status, in the order a delegate goes through them.
    pub const ALL: [Self; 3] = [Self::Pending, Self::Active, Self::Revoked];

    /// The wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Revoked => "revoked",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Result<Self, InvalidStatus> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or(InvalidStatus)
    }
}

impl fmt::Display for DelegateStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A delegate as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delegate {
    /// Its id.
    pub id: DelegateId,
    /// The account that granted access.
    pub owner: AccountId,
    /// The invited address; the accepting account must hold it verified.
    pub email: EmailAddress,
    /// What the delegate may act on.
    pub scope: Scope,
    /// Where it stands.
    pub status: DelegateStatus,
    /// The account that accepted, once accepted.
    pub delegate: Option<AccountId>,
    /// When the invitation was sent.
    pub invited_at: OffsetDateTime,
    /// When the invitation link stops working.
    pub expires_at: OffsetDateTime,
    /// When it was accepted.
    pub accepted_at: Option<OffsetDateTime>,
}

/// A fresh invitation: the delegate to store and the only copy of its token.
#[derive(Debug)]
pub struct IssuedInvitation {
    /// The pending delegate.
    pub delegate: Delegate,
    /// The token for the link.
    pub token: SecretToken,
}

impl IssuedInvitation {
    /// An invitation from `owner` to `email` at `now`, valid for
    /// [`INVITATION_LIFETIME`].
    pub fn issue(
        owner: AccountId,
        email: EmailAddress,
        scope: Scope,
        now: OffsetDateTime,
    ) -> Result<Self, StorageError> {
        Ok(Self {
            token: SecretToken::generate()?,
            delegate: Delegate {
                id: DelegateId::generate(),
                owner,
                email,
                scope,
                status: DelegateStatus::Pending,
                delegate: None,
                invited_at: now,
                expires_at: now + INVITATION_LIFETIME,
                accepted_at: None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_back_their_names() {
        for status in [
            DelegateStatus::Pending,
            DelegateStatus::Active,
            DelegateStatus::Revoked,
        ] {
            assert_eq!(DelegateStatus::parse(status.as_str()), Ok(status));
        }
        assert_eq!(DelegateStatus::parse("gone"), Err(InvalidStatus));
    }

    #[test]
    fn an_invitation_is_pending_for_seven_days() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let issued = IssuedInvitation::issue(
            AccountId::generate(),
            EmailAddress::parse("bo@example.com").unwrap(),
            Scope::All,
            now,
        )
        .unwrap();
        assert_eq!(issued.delegate.status, DelegateStatus::Pending);
        assert_eq!(issued.delegate.expires_at, now + Duration::days(7));
        assert_eq!(issued.token.expose().len(), 43);
    }
}
