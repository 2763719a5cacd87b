//! Known devices: a credential a client keeps after logging in, so that its next
//! login is judged by its own failure counter and no stranger's guesses can block it
//! (the device-cookie defence against lock-out).
//!
//! Browsers keep it in an HttpOnly cookie, API clients in the `device_token` field
//! they send back with their next login. Only its SHA-256 is stored. A credential is
//! bound to the account that earned it: presented with another account's login it
//! counts for nothing.

use async_trait::async_trait;
use portico_kernel::{AccountId, StorageError, TokenDigest};
use time::{Duration, OffsetDateTime};

/// How long a device credential lasts after it was last used to log in.
pub const DEVICE_LIFETIME: Duration = Duration::days(90);

/// The most known devices one account keeps; a newer one pushes the oldest out.
pub const DEVICES_PER_ACCOUNT: u32 = 20;

/// A stored device credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownDevice {
    /// The digest of the credential (which is what identifies it).
    pub digest: TokenDigest,
    /// The account whose login earned it.
    pub account: AccountId,
    /// When it was issued.
    pub created_at: OffsetDateTime,
    /// When it stops counting, unless used to log in again before.
    pub expires_at: OffsetDateTime,
}

impl KnownDevice {
    /// Whether this credential vouches for a login of `account` at `now`.
    pub fn vouches_for(&self, account: AccountId, now: OffsetDateTime) -> bool {
        self.account == account && now < self.expires_at
    }
}

/// Known-device credentials.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait DeviceRepository: Send + Sync {
    /// The device credential with this digest, expired or not; `None` when none is
    /// stored (never issued, voided, or pushed out by newer ones).
    async fn find(&self, digest: &TokenDigest) -> Result<Option<KnownDevice>, StorageError>;

    /// Stores a new credential. The account's expired credentials and all but the
    /// [`DEVICES_PER_ACCOUNT`] used most recently (latest expiry) are dropped.
    async fn issue(&self, device: &KnownDevice) -> Result<(), StorageError>;

    /// Pushes the expiry of a stored credential of `account` to `expires_at` (its
    /// failures stay counted); `false` when there is no such credential any more
    /// (voided or pushed out meanwhile), which MUST NOT bring it back.
    async fn renew(
        &self,
        digest: &TokenDigest,
        account: AccountId,
        expires_at: OffsetDateTime,
    ) -> Result<bool, StorageError>;

    /// Adds one wrong password to the credential's count and returns the new count
    /// (0 when no such credential is stored). Concurrent failures MUST each be counted.
    async fn count_failure(&self, digest: &TokenDigest) -> Result<u32, StorageError>;

    /// Voids one credential (too many wrong passwords were sent with it).
    async fn forget(&self, digest: &TokenDigest) -> Result<(), StorageError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_vouches_only_for_its_own_account_and_only_until_it_expires() {
        let account = AccountId::generate();
        let now = OffsetDateTime::UNIX_EPOCH + Duration::days(1000);
        let device = KnownDevice {
            digest: TokenDigest::from_stored("ab".into()),
            account,
            created_at: now,
            expires_at: now + DEVICE_LIFETIME,
        };
        assert!(device.vouches_for(account, now + Duration::days(89)));
        assert!(!device.vouches_for(account, now + DEVICE_LIFETIME));
        assert!(!device.vouches_for(AccountId::generate(), now));
    }
}
