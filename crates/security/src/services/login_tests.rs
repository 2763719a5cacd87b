//! Unit tests of [`super::Logins`], with mockall doubles and a fixed clock.

use super::*;
use crate::devices::MockDeviceRepository;
use crate::events::MockSecurityEventRepository;
use crate::hasher::MockPasswordHasher;
use crate::ports::{MockCredentialRepository, MockSessionRepository, StoredCredential};
use crate::throttle::{MockThrottleRepository, ThrottleKey};
use crate::two_factor::{MockTwoFactorRepository, TwoFactorRecord};
use crate::whitelist::MockIpWhitelistRepository;
use portico_kernel::{FixedClock, PasswordHash};
use time::OffsetDateTime;

pub(super) fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at(
        OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap(),
    ))
}

pub(super) fn ip() -> std::net::IpAddr {
    "192.0.2.9".parse().unwrap()
}

pub(super) fn password() -> Password {
    Password::new("secret words".into())
}

pub(super) fn attempt<'a>(
    login: &'a str,
    password: &'a Password,
    device_token: Option<&'a SecretToken>,
) -> LoginAttempt<'a> {
    LoginAttempt {
        login,
        password,
        device_token,
    }
}

/// Every double the service takes, permissive unless a test says otherwise.
pub(super) struct Doubles {
    pub(super) credentials: MockCredentialRepository,
    pub(super) sessions: MockSessionRepository,
    pub(super) devices: MockDeviceRepository,
    pub(super) hasher: MockPasswordHasher,
    pub(super) events: MockSecurityEventRepository,
    pub(super) throttle: MockThrottleRepository,
    pub(super) two_factor: MockTwoFactorRepository,
    pub(super) whitelist: MockIpWhitelistRepository,
}

impl Doubles {
    /// `account` names every login; its password is right or wrong as `verification`
    /// says; no device is known; nothing is throttled.
    pub(super) fn for_account(account: AccountId, verification: Verification) -> Self {
        let mut credentials = MockCredentialRepository::new();
        credentials
            .expect_find_by_login()
            .returning(move |_| Ok(Some(stored(account))));
        let mut hasher = MockPasswordHasher::new();
        hasher
            .expect_verify()
            .returning(move |_, _| Ok(verification));
        Self::with(credentials, hasher)
    }

    fn with(credentials: MockCredentialRepository, hasher: MockPasswordHasher) -> Self {
        let mut sessions = MockSessionRepository::new();
        sessions.expect_insert().returning(|_, _| Ok(()));
        let mut devices = MockDeviceRepository::new();
        devices.expect_find().returning(|_| Ok(None));
        devices.expect_renew().returning(|_, _, _| Ok(false));
        devices.expect_issue().returning(|_| Ok(()));
        let mut events = MockSecurityEventRepository::new();
        events.expect_record().returning(|_| Ok(()));
        let mut whitelist = MockIpWhitelistRepository::new();
        whitelist.expect_list().returning(|_| Ok(vec![]));
        Self {
            credentials,
            sessions,
            devices,
            hasher,
            events,
            throttle: open_throttle(),
            two_factor: two_factor(false),
            whitelist,
        }
    }

    pub(super) fn service(self) -> Logins {
        Logins::new(
            LoginPorts {
                credentials: Arc::new(self.credentials),
                sessions: Arc::new(self.sessions),
                devices: Arc::new(self.devices),
                hasher: Arc::new(self.hasher),
                events: Arc::new(self.events),
                throttle: Arc::new(self.throttle),
                two_factor: Arc::new(self.two_factor),
                whitelist: Arc::new(self.whitelist),
                clock: clock(),
            },
            SessionPolicy::default(),
            ThrottlePolicies::default(),
        )
    }
}

pub(super) fn open_throttle() -> MockThrottleRepository {
    let mut throttle = MockThrottleRepository::new();
    throttle.expect_claim().returning(|_, _| Ok(None));
    throttle.expect_forgive().returning(|_, _| Ok(()));
    throttle.expect_clear().returning(|_| Ok(()));
    throttle
}

pub(super) fn right() -> Verification {
    Verification::Match {
        needs_rehash: false,
    }
}

fn stored(account: AccountId) -> StoredCredential {
    StoredCredential {
        account,
        password_hash: PasswordHash::from_phc("$argon2id$stored".into()),
    }
}

/// Two-factor state: on, or never set up.
fn two_factor(enabled: bool) -> MockTwoFactorRepository {
    let mut two_factor = MockTwoFactorRepository::new();
    two_factor.expect_find().returning(move |account| {
        Ok(enabled.then(|| TwoFactorRecord {
            account,
            sealed_seed: crate::seed_vault::SealedSeed::from_stored(vec![1]),
            enabled_at: Some(OffsetDateTime::UNIX_EPOCH),
            last_used_step: None,
        }))
    });
    two_factor
}

pub(super) fn keys(claims: &[Claim]) -> Vec<ThrottleKey> {
    claims.iter().map(|claim| claim.key.clone()).collect()
}

/// A device credential stored for `account`, valid for a while yet.
pub(super) fn known_device(token: &SecretToken, account: AccountId) -> KnownDevice {
    KnownDevice {
        digest: token.digest(),
        account,
        created_at: clock().now(),
        expires_at: clock().now() + time::Duration::days(30),
    }
}

#[tokio::test]
async fn with_two_factor_on_the_password_opens_only_a_short_pending_session() {
    let account = AccountId::generate();
    let mut doubles = Doubles::for_account(account, right());
    doubles.two_factor = two_factor(true);
    doubles.sessions = MockSessionRepository::new();
    doubles
        .sessions
        .expect_insert()
        .withf(|s, e| {
            s.second_factor_pending
                && s.absolute_expires_at == clock().now() + SessionPolicy::SECOND_FACTOR_WINDOW
                && e.kind == SecurityEventKind::SecondFactorRequested
        })
        .times(1)
        .returning(|_, _| Ok(()));
    // A password alone earns no device credential.
    doubles.devices = MockDeviceRepository::new();
    doubles.devices.expect_renew().times(0);
    doubles.devices.expect_issue().times(0);

    let password = password();
    let opened = doubles
        .service()
        .login(attempt("ada", &password, None), ClientInfo::default())
        .await
        .unwrap();

    assert!(opened.session.second_factor_pending);
    assert_eq!(opened.device_token, None);
}

#[tokio::test]
async fn a_blocked_login_is_refused_before_any_hashing_and_noted_for_the_owner() {
    let account = AccountId::generate();
    let mut doubles = Doubles::for_account(account, right());
    doubles.hasher = MockPasswordHasher::new();
    doubles.hasher.expect_verify().times(0);
    doubles.hasher.expect_verify_unknown().times(0);
    doubles.sessions = MockSessionRepository::new();
    doubles.sessions.expect_insert().times(0);
    let until = clock().now() + time::Duration::seconds(8);
    doubles.throttle = MockThrottleRepository::new();
    doubles
        .throttle
        .expect_claim()
        .withf(move |claims, _| {
            keys(claims)
                == [
                    ThrottleKey::account(account),
                    ThrottleKey::pair(account, ip()),
                    ThrottleKey::address(ip()),
                ]
        })
        .returning(move |_, _| Ok(Some(until)));
    // The note of the refusal is paced by a claim of its own, free here.
    doubles
        .throttle
        .expect_claim()
        .withf(|claims, _| claims[0].key.as_str().starts_with("refusal:"))
        .returning(|_, _| Ok(None));
    doubles.events = MockSecurityEventRepository::new();
    doubles
        .events
        .expect_record()
        .withf(move |e| e.kind == SecurityEventKind::AttemptThrottled && e.account == account)
        .times(1)
        .returning(|_| Ok(()));

    let password = password();
    let result = doubles
        .service()
        .login(
            attempt("ada", &password, None),
            ClientInfo::new(Some(ip()), None),
        )
        .await;

    assert!(matches!(
        result,
        Err(LoginError::Throttled { retry_after }) if retry_after == time::Duration::seconds(8)
    ));
}

#[tokio::test]
async fn an_unknown_login_is_counted_exactly_as_a_known_one_would_be() {
    let mut credentials = MockCredentialRepository::new();
    credentials.expect_find_by_login().returning(|_| Ok(None));
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_verify_unknown()
        .times(1)
        .returning(|_| Ok(()));
    let mut doubles = Doubles::with(credentials, hasher);
    doubles.sessions = MockSessionRepository::new();
    doubles.sessions.expect_insert().times(0);
    doubles.events = MockSecurityEventRepository::new();
    doubles.events.expect_record().times(0);
    doubles.throttle = MockThrottleRepository::new();
    doubles
        .throttle
        .expect_claim()
        .withf(|claims, _| {
            let known =
                ThrottlePolicies::default().password_claims(AccountId::generate(), Some(ip()));
            let policies: Vec<_> = claims
                .iter()
                .map(|c| (c.policy, c.cleared_on_success))
                .collect();
            let known_policies: Vec<_> = known
                .iter()
                .map(|c| (c.policy, c.cleared_on_success))
                .collect();
            keys(claims)
                == [
                    ThrottleKey::login("nobody"),
                    ThrottleKey::unknown_pair("nobody", ip()),
                    ThrottleKey::address(ip()),
                ]
                && policies == known_policies
        })
        .times(1)
        .returning(|_, _| Ok(None));

    let password = password();
    let result = doubles
        .service()
        .login(
            attempt("Nobody", &password, None),
            ClientInfo::new(Some(ip()), None),
        )
        .await;

    assert!(matches!(result, Err(LoginError::InvalidCredentials)));
}

#[tokio::test]
async fn a_failed_attempt_keeps_its_claim_and_a_success_clears_the_pair_and_gives_the_rest_back() {
    let account = AccountId::generate();
    for (verification, succeeds) in [(Verification::Mismatch, false), (right(), true)] {
        let mut doubles = Doubles::for_account(account, verification);
        doubles.throttle = MockThrottleRepository::new();
        doubles
            .throttle
            .expect_claim()
            .times(1)
            .returning(|_, _| Ok(None));
        doubles
            .throttle
            .expect_clear()
            .withf(move |key| *key == ThrottleKey::pair(account, ip()))
            .times(usize::from(succeeds))
            .returning(|_| Ok(()));
        doubles
            .throttle
            .expect_forgive()
            .withf(move |key, _| {
                *key == ThrottleKey::account(account) || *key == ThrottleKey::address(ip())
            })
            .times(2 * usize::from(succeeds))
            .returning(|_, _| Ok(()));

        let password = password();
        let result = doubles
            .service()
            .login(
                attempt("ada", &password, None),
                ClientInfo::new(Some(ip()), None),
            )
            .await;

        assert_eq!(result.is_ok(), succeeds);
    }
}

#[tokio::test]
async fn the_right_password_opens_a_session_whose_token_is_stored_only_as_a_digest() {
    let account = AccountId::generate();
    let mut credentials = MockCredentialRepository::new();
    credentials
        .expect_find_by_login()
        .withf(|key| *key == LoginKey::Username("ada".into()))
        .returning(move |_| Ok(Some(stored(account))));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().returning(|_, _| Ok(right()));
    let mut doubles = Doubles::with(credentials, hasher);
    doubles.sessions = MockSessionRepository::new();
    doubles
        .sessions
        .expect_insert()
        .withf(move |s, e| {
            s.account == account
                && s.absolute_expires_at == s.created_at + time::Duration::hours(12)
                && s.authenticated_at == s.created_at
                && e.kind == SecurityEventKind::LoginSucceeded
        })
        .times(1)
        .returning(|_, _| Ok(()));

    let password = password();
    let opened = doubles
        .service()
        .login(attempt(" ADA ", &password, None), ClientInfo::default())
        .await
        .unwrap();

    assert_eq!(opened.session.token_digest, opened.token.digest());
    assert_ne!(opened.session.token_digest.as_str(), opened.token.expose());
    assert!(opened.device_token.is_some());
}

#[tokio::test]
async fn a_wrong_password_opens_nothing_and_is_recorded() {
    let account = AccountId::generate();
    let mut doubles = Doubles::for_account(account, Verification::Mismatch);
    doubles.sessions = MockSessionRepository::new();
    doubles.sessions.expect_insert().times(0);
    doubles.devices = MockDeviceRepository::new();
    doubles.devices.expect_renew().times(0);
    doubles.devices.expect_issue().times(0);
    doubles.events = MockSecurityEventRepository::new();
    doubles
        .events
        .expect_record()
        .withf(move |e| e.account == account && e.kind == SecurityEventKind::LoginFailed)
        .times(1)
        .returning(|_| Ok(()));

    let password = Password::new("wrong words".into());
    let result = doubles
        .service()
        .login(attempt("ada", &password, None), ClientInfo::default())
        .await;

    assert!(matches!(result, Err(LoginError::InvalidCredentials)));
}

#[tokio::test]
async fn a_weak_stored_hash_is_replaced_after_a_successful_login() {
    let account = AccountId::generate();
    let mut doubles = Doubles::for_account(account, Verification::Match { needs_rehash: true });
    doubles
        .credentials
        .expect_replace_hash()
        .withf(move |id, hash, _| *id == account && hash.as_phc() == "$argon2id$fresh")
        .times(1)
        .returning(|_, _, _| Ok(()));
    doubles
        .hasher
        .expect_hash()
        .returning(|_| Ok(PasswordHash::from_phc("$argon2id$fresh".into())));

    let password = password();
    let result = doubles
        .service()
        .login(attempt("ada", &password, None), ClientInfo::default())
        .await;

    assert!(result.is_ok());
}

#[tokio::test]
async fn a_login_with_control_characters_is_refused_without_a_lookup() {
    let mut credentials = MockCredentialRepository::new();
    credentials.expect_find_by_login().times(0);
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_verify_unknown()
        .times(1)
        .returning(|_| Ok(()));

    let password = password();
    let result = Doubles::with(credentials, hasher)
        .service()
        .login(attempt("ada\u{0}", &password, None), ClientInfo::default())
        .await;

    assert!(matches!(result, Err(LoginError::InvalidCredentials)));
}

#[tokio::test]
async fn an_overlong_password_is_refused_without_hashing_it() {
    let account = AccountId::generate();
    let mut doubles = Doubles::for_account(account, right());
    doubles.hasher = MockPasswordHasher::new();
    doubles.hasher.expect_verify().times(0);
    doubles
        .hasher
        .expect_verify_unknown()
        .withf(|password| password.expose().is_empty())
        .times(1)
        .returning(|_| Ok(()));

    let password = Password::new("x".repeat(10_000));
    let result = doubles
        .service()
        .login(attempt("ada", &password, None), ClientInfo::default())
        .await;

    assert!(matches!(result, Err(LoginError::InvalidCredentials)));
}

#[tokio::test]
async fn the_right_password_from_outside_the_whitelist_opens_nothing_and_keeps_its_claim() {
    let account = AccountId::generate();
    let mut doubles = Doubles::for_account(account, right());
    doubles.sessions = MockSessionRepository::new();
    doubles.sessions.expect_insert().times(0);
    doubles.events = MockSecurityEventRepository::new();
    doubles
        .events
        .expect_record()
        .withf(|e| e.kind == SecurityEventKind::AddressRefused)
        .times(1)
        .returning(|_| Ok(()));
    doubles.throttle = MockThrottleRepository::new();
    doubles.throttle.expect_claim().returning(|_, _| Ok(None));
    doubles.throttle.expect_clear().times(0);
    doubles.throttle.expect_forgive().times(0);
    doubles.whitelist = MockIpWhitelistRepository::new();
    doubles.whitelist.expect_list().returning(move |_| {
        Ok(vec![crate::whitelist::WhitelistEntry {
            id: portico_kernel::WhitelistEntryId::generate(),
            account,
            cidr: crate::whitelist::Cidr::parse("192.0.2.0/24").unwrap(),
            label: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            last_used_at: None,
        }])
    });

    let password = password();
    let result = doubles
        .service()
        .login(
            attempt("ada", &password, None),
            ClientInfo::new("198.51.100.9".parse().ok(), None),
        )
        .await;

    assert!(matches!(result, Err(LoginError::AddressNotAllowed)));
}
