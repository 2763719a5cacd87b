//! Unit tests of [`super::LoginService`], with mockall doubles and a fixed clock.

use super::*;
use crate::events::MockSecurityEventRepository;
use crate::hasher::MockPasswordHasher;
use crate::ports::{MockCredentialRepository, MockSessionRepository, StoredCredential};
use crate::throttle::MockThrottleRepository;
use crate::two_factor::{MockTwoFactorRepository, TwoFactorRecord};
use crate::whitelist::MockIpWhitelistRepository;
use portico_kernel::{AccountId, FixedClock, PasswordHash};
use time::OffsetDateTime;

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at(
        OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap(),
    ))
}

/// Credentials where every login names `account`.
fn known_login(account: AccountId) -> MockCredentialRepository {
    let mut credentials = MockCredentialRepository::new();
    credentials
        .expect_find_by_login()
        .returning(move |_| Ok(Some(stored(account))));
    credentials
}

/// A hasher for which every password is right.
fn right_password() -> MockPasswordHasher {
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().returning(|_, _| {
        Ok(Verification::Match {
            needs_rehash: false,
        })
    });
    hasher
}

fn stored(account: AccountId) -> StoredCredential {
    StoredCredential {
        account,
        password_hash: PasswordHash::from_phc("$argon2id$stored".into()),
    }
}

fn service(
    credentials: MockCredentialRepository,
    sessions: MockSessionRepository,
    hasher: MockPasswordHasher,
) -> LoginService {
    let mut events = MockSecurityEventRepository::new();
    events.expect_record().returning(|_| Ok(()));
    with_events(credentials, sessions, hasher, events)
}

fn with_events(
    credentials: MockCredentialRepository,
    sessions: MockSessionRepository,
    hasher: MockPasswordHasher,
    events: MockSecurityEventRepository,
) -> LoginService {
    let mut throttle = MockThrottleRepository::new();
    throttle.expect_claim().returning(|_, _, _| Ok(None));
    throttle.expect_forgive().returning(|_, _| Ok(()));
    throttle.expect_clear().returning(|_| Ok(()));
    with_throttle(credentials, sessions, hasher, events, throttle)
}

fn with_throttle(
    credentials: MockCredentialRepository,
    sessions: MockSessionRepository,
    hasher: MockPasswordHasher,
    events: MockSecurityEventRepository,
    throttle: MockThrottleRepository,
) -> LoginService {
    LoginService::new(
        LoginPorts {
            credentials: Arc::new(credentials),
            sessions: Arc::new(sessions),
            hasher: Arc::new(hasher),
            events: Arc::new(events),
            throttle: Arc::new(throttle),
            two_factor: Arc::new(two_factor(false)),
            whitelist: open_whitelist(),
            clock: clock(),
        },
        SessionPolicy::default(),
        ThrottlePolicy::default(),
    )
}

/// A whitelist with no entries: every address may log in.
fn open_whitelist() -> Arc<MockIpWhitelistRepository> {
    let mut whitelist = MockIpWhitelistRepository::new();
    whitelist.expect_list().returning(|_| Ok(vec![]));
    Arc::new(whitelist)
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

#[tokio::test]
async fn with_two_factor_on_the_password_opens_only_a_short_pending_session() {
    let account = AccountId::generate();
    let credentials = known_login(account);
    let hasher = right_password();
    let mut sessions = MockSessionRepository::new();
    sessions
        .expect_insert()
        .withf(|s| {
            s.second_factor_pending
                && s.absolute_expires_at == clock().now() + SessionPolicy::SECOND_FACTOR_WINDOW
        })
        .times(1)
        .returning(|_| Ok(()));
    let mut events = MockSecurityEventRepository::new();
    events
        .expect_record()
        .withf(|e| e.kind == SecurityEventKind::SecondFactorRequested)
        .times(1)
        .returning(|_| Ok(()));
    let mut throttle = MockThrottleRepository::new();
    throttle.expect_claim().returning(|_, _, _| Ok(None));
    throttle.expect_forgive().returning(|_, _| Ok(()));
    throttle.expect_clear().returning(|_| Ok(()));
    let service = LoginService::new(
        LoginPorts {
            credentials: Arc::new(credentials),
            sessions: Arc::new(sessions),
            hasher: Arc::new(hasher),
            events: Arc::new(events),
            throttle: Arc::new(throttle),
            two_factor: Arc::new(two_factor(true)),
            whitelist: open_whitelist(),
            clock: clock(),
        },
        SessionPolicy::default(),
        ThrottlePolicy::default(),
    );

    let opened = service
        .login(
            "ada",
            &Password::new("secret words".into()),
            ClientInfo::default(),
        )
        .await
        .unwrap();

    assert!(opened.session.second_factor_pending);
}

#[tokio::test]
async fn a_blocked_login_is_refused_before_any_lookup_or_hashing() {
    let mut credentials = MockCredentialRepository::new();
    credentials.expect_find_by_login().times(0);
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().times(0);
    hasher.expect_verify_unknown().times(0);
    let mut throttle = MockThrottleRepository::new();
    let until = clock().now() + time::Duration::seconds(8);
    throttle
        .expect_claim()
        .withf(|keys, _, _| keys.len() == 2 && keys[0] == ThrottleKey::login("ADA"))
        .returning(move |_, _, _| Ok(Some(until)));

    let client = ClientInfo::new(Some("192.0.2.9".parse().unwrap()), None);
    let result = with_throttle(
        credentials,
        MockSessionRepository::new(),
        hasher,
        MockSecurityEventRepository::new(),
        throttle,
    )
    .login("ada", &Password::new("secret words".into()), client)
    .await;

    assert!(matches!(
        result,
        Err(LoginError::Throttled { retry_after }) if retry_after == time::Duration::seconds(8)
    ));
}

#[tokio::test]
async fn a_failed_attempt_keeps_its_claim_and_a_success_gives_it_back() {
    let account = AccountId::generate();
    let client = ClientInfo::new(Some("192.0.2.9".parse().unwrap()), None);
    let address = ThrottleKey::address("192.0.2.9".parse().unwrap());
    for (verification, succeeds) in [
        (Verification::Mismatch, false),
        (
            Verification::Match {
                needs_rehash: false,
            },
            true,
        ),
    ] {
        let mut credentials = MockCredentialRepository::new();
        credentials
            .expect_find_by_login()
            .returning(move |_| Ok(Some(stored(account))));
        let mut hasher = MockPasswordHasher::new();
        hasher
            .expect_verify()
            .returning(move |_, _| Ok(verification));
        let mut sessions = MockSessionRepository::new();
        sessions.expect_insert().returning(|_| Ok(()));
        let mut throttle = MockThrottleRepository::new();
        let claimed = address.clone();
        throttle
            .expect_claim()
            .withf(move |keys, _, _| keys == [ThrottleKey::login("ada"), claimed.clone()])
            .times(1)
            .returning(|_, _, _| Ok(None));
        throttle
            .expect_clear()
            .withf(|key| *key == ThrottleKey::login("ada"))
            .times(usize::from(succeeds))
            .returning(|_| Ok(()));
        let forgiven = address.clone();
        throttle
            .expect_forgive()
            .withf(move |key, _| *key == forgiven)
            .times(usize::from(succeeds))
            .returning(|_, _| Ok(()));
        let mut events = MockSecurityEventRepository::new();
        events.expect_record().returning(|_| Ok(()));

        let result = with_throttle(credentials, sessions, hasher, events, throttle)
            .login("ada", &Password::new("secret words".into()), client.clone())
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
    let hasher = right_password();
    let mut sessions = MockSessionRepository::new();
    sessions
        .expect_insert()
        .withf(move |s| {
            s.account == account
                && s.absolute_expires_at == s.created_at + time::Duration::hours(12)
        })
        .times(1)
        .returning(|_| Ok(()));

    let opened = service(credentials, sessions, hasher)
        .login(
            " ADA ",
            &Password::new("secret words".into()),
            ClientInfo::default(),
        )
        .await
        .unwrap();

    assert_eq!(opened.session.token_digest, opened.token.digest());
    assert_ne!(opened.session.token_digest.as_str(), opened.token.expose());
}

#[tokio::test]
async fn an_unknown_login_spends_a_dummy_verification_and_fails_like_a_wrong_password() {
    let mut credentials = MockCredentialRepository::new();
    credentials.expect_find_by_login().returning(|_| Ok(None));
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_verify_unknown()
        .times(1)
        .returning(|_| Ok(()));
    let mut sessions = MockSessionRepository::new();
    sessions.expect_insert().times(0);

    let result = service(credentials, sessions, hasher)
        .login(
            "nobody@example.com",
            &Password::new("secret words".into()),
            ClientInfo::default(),
        )
        .await;

    assert!(matches!(result, Err(LoginError::InvalidCredentials)));
}

#[tokio::test]
async fn a_wrong_password_opens_nothing() {
    let account = AccountId::generate();
    let credentials = known_login(account);
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_verify()
        .returning(|_, _| Ok(Verification::Mismatch));
    let mut sessions = MockSessionRepository::new();
    sessions.expect_insert().times(0);
    let mut events = MockSecurityEventRepository::new();
    events
        .expect_record()
        .withf(move |e| e.account == account && e.kind == SecurityEventKind::LoginFailed)
        .times(1)
        .returning(|_| Ok(()));

    let result = with_events(credentials, sessions, hasher, events)
        .login(
            "ada",
            &Password::new("wrong words".into()),
            ClientInfo::default(),
        )
        .await;

    assert!(matches!(result, Err(LoginError::InvalidCredentials)));
}

#[tokio::test]
async fn a_weak_stored_hash_is_replaced_after_a_successful_login() {
    let account = AccountId::generate();
    let mut credentials = known_login(account);
    credentials
        .expect_replace_hash()
        .withf(move |id, hash, _| *id == account && hash.as_phc() == "$argon2id$fresh")
        .times(1)
        .returning(|_, _, _| Ok(()));
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_verify()
        .returning(|_, _| Ok(Verification::Match { needs_rehash: true }));
    hasher
        .expect_hash()
        .returning(|_| Ok(PasswordHash::from_phc("$argon2id$fresh".into())));
    let mut sessions = MockSessionRepository::new();
    sessions.expect_insert().returning(|_| Ok(()));

    let result = service(credentials, sessions, hasher)
        .login(
            "ada",
            &Password::new("secret words".into()),
            ClientInfo::default(),
        )
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

    let result = service(credentials, MockSessionRepository::new(), hasher)
        .login(
            "ada\u{0}",
            &Password::new("secret words".into()),
            ClientInfo::default(),
        )
        .await;

    assert!(matches!(result, Err(LoginError::InvalidCredentials)));
}

#[tokio::test]
async fn an_overlong_password_is_refused_without_a_lookup() {
    let mut credentials = MockCredentialRepository::new();
    credentials.expect_find_by_login().times(0);
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_verify_unknown()
        .times(1)
        .returning(|_| Ok(()));

    let result = service(credentials, MockSessionRepository::new(), hasher)
        .login(
            "ada",
            &Password::new("x".repeat(10_000)),
            ClientInfo::default(),
        )
        .await;

    assert!(matches!(result, Err(LoginError::InvalidCredentials)));
}

#[tokio::test]
async fn the_right_password_from_outside_the_whitelist_opens_nothing_and_keeps_its_claim() {
    let account = AccountId::generate();
    let credentials = known_login(account);
    let hasher = right_password();
    let mut sessions = MockSessionRepository::new();
    sessions.expect_insert().times(0);
    let mut events = MockSecurityEventRepository::new();
    events
        .expect_record()
        .withf(|e| e.kind == SecurityEventKind::AddressRefused)
        .times(1)
        .returning(|_| Ok(()));
    let mut throttle = MockThrottleRepository::new();
    throttle.expect_claim().returning(|_, _, _| Ok(None));
    throttle.expect_clear().times(0);
    throttle.expect_forgive().times(0);
    let mut whitelist = MockIpWhitelistRepository::new();
    whitelist.expect_list().returning(move |_| {
        Ok(vec![crate::whitelist::WhitelistEntry {
            id: portico_kernel::WhitelistEntryId::generate(),
            account,
            cidr: crate::whitelist::Cidr::parse("192.0.2.0/24").unwrap(),
            label: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            last_used_at: None,
        }])
    });
    let service = LoginService::new(
        LoginPorts {
            credentials: Arc::new(credentials),
            sessions: Arc::new(sessions),
            hasher: Arc::new(hasher),
            events: Arc::new(events),
            throttle: Arc::new(throttle),
            two_factor: Arc::new(two_factor(false)),
            whitelist: Arc::new(whitelist),
            clock: clock(),
        },
        SessionPolicy::default(),
        ThrottlePolicy::default(),
    );

    let result = service
        .login(
            "ada",
            &Password::new("secret words".into()),
            ClientInfo::new("198.51.100.9".parse().ok(), None),
        )
        .await;

    assert!(matches!(result, Err(LoginError::AddressNotAllowed)));
}
