//! mockall doubles of every security port, with permissive defaults that each test
//! tightens, for the unit tests of the services built on [`SecurityPorts`].

use std::sync::Arc;

use portico_kernel::contact::MockAccountContacts;
use portico_kernel::mail::plain::PlainComposer;
use portico_kernel::{AccountContact, LanguageTag, Username};
use portico_kernel::{AccountId, Clock, EmailAddress, FixedClock, PasswordHash, SessionId};
use time::OffsetDateTime;

use crate::devices::MockDeviceRepository;
use crate::events::MockSecurityEventRepository;
use crate::hasher::{MockPasswordHasher, Verification};
use crate::ports::{
    MockCredentialRepository, MockPasswordResetRepository, MockSessionRepository,
    MockUsernameRepository, StoredCredential,
};
use crate::seed_vault::SeedVault;
use crate::services::reauth::{Caller, Reauthentication};
use crate::services::security_ports::SecurityPorts;
use crate::session::ClientInfo;
use crate::throttle::{MockThrottleRepository, ThrottlePolicies};
use crate::totp::{TotpCode, TotpSeed};
use crate::two_factor::{MockTwoFactorRepository, TwoFactorRecord};
use crate::whitelist::MockIpWhitelistRepository;

/// The fixed time of every test.
pub(crate) fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The seed key of every test.
pub(crate) fn vault() -> Arc<SeedVault> {
    Arc::new(SeedVault::new(&[9u8; 32]).unwrap())
}

/// A client at a documentation address.
pub(crate) fn client() -> ClientInfo {
    ClientInfo::new("192.0.2.5".parse().ok(), Some("test agent"))
}

/// The one account of the tests, with its seed and the session it acts from.
pub(crate) struct Fixture {
    pub account: AccountId,
    pub session: SessionId,
    pub seed: TotpSeed,
}

impl Fixture {
    pub fn new() -> Self {
        Self {
            account: AccountId::generate(),
            session: SessionId::generate(),
            seed: TotpSeed::generate().unwrap(),
        }
    }

    /// The account, acting from its session.
    pub fn caller(&self) -> Caller {
        Caller {
            account: self.account,
            session: self.session,
        }
    }

    /// The two-factor record, enabled or pending.
    pub fn record(&self, enabled: bool) -> TwoFactorRecord {
        TwoFactorRecord {
            account: self.account,
            sealed_seed: vault().seal(self.account, &self.seed).unwrap(),
            enabled_at: enabled.then(now),
            last_used_step: None,
        }
    }

    /// What the app shows now.
    pub fn code(&self) -> TotpCode {
        self.seed.code_at(now()).unwrap()
    }
}

/// Every port, as a double.
pub(crate) struct Doubles {
    pub credentials: MockCredentialRepository,
    pub sessions: MockSessionRepository,
    pub devices: MockDeviceRepository,
    pub two_factor: MockTwoFactorRepository,
    pub usernames: MockUsernameRepository,
    pub resets: MockPasswordResetRepository,
    pub directory: MockAccountContacts,
    pub events: MockSecurityEventRepository,
    pub hasher: MockPasswordHasher,
    pub throttle: MockThrottleRepository,
    pub whitelist: MockIpWhitelistRepository,
}

impl Doubles {
    /// Doubles where the password `verification` answers, two-factor is in `record`,
    /// nothing is throttled, and events are accepted.
    pub fn new(verification: Verification, record: Option<TwoFactorRecord>) -> Self {
        let mut credentials = MockCredentialRepository::new();
        credentials.expect_find_by_account().returning(|account| {
            Ok(Some(StoredCredential {
                account,
                password_hash: PasswordHash::from_phc("$argon2id$stored".into()),
            }))
        });
        let mut two_factor = MockTwoFactorRepository::new();
        two_factor
            .expect_find()
            .returning(move |_| Ok(record.clone()));
        let mut directory = MockAccountContacts::new();
        directory.expect_contact().returning(|_| {
            Ok(Some(AccountContact {
                username: Username::parse("ada").unwrap(),
                all_emails: vec![
                    EmailAddress::parse("ada@example.com").unwrap(),
                    EmailAddress::parse("ada@new.example").unwrap(),
                ],
                primary_email: EmailAddress::parse("ada@example.com").unwrap(),
                verified_emails: vec![EmailAddress::parse("ada@example.com").unwrap()],
                language: LanguageTag::english(),
            }))
        });
        let mut hasher = MockPasswordHasher::new();
        hasher
            .expect_verify()
            .returning(move |_, _| Ok(verification));
        hasher
            .expect_hash()
            .returning(|_| Ok(PasswordHash::from_phc("$argon2id$new".into())));
        let mut events = MockSecurityEventRepository::new();
        events.expect_record().returning(|_| Ok(()));
        Self {
            credentials,
            sessions: MockSessionRepository::new(),
            devices: permissive_devices(),
            two_factor,
            usernames: MockUsernameRepository::new(),
            resets: MockPasswordResetRepository::new(),
            directory,
            events,
            hasher,
            throttle: quiet_throttle(),
            whitelist: MockIpWhitelistRepository::new(),
        }
    }

    /// The bundle the services take.
    pub fn ports(self) -> SecurityPorts {
        let clock: Arc<dyn Clock> = Arc::new(FixedClock::at(now()));
        SecurityPorts {
            credentials: Arc::new(self.credentials),
            sessions: Arc::new(self.sessions),
            devices: Arc::new(self.devices),
            two_factor: Arc::new(self.two_factor),
            usernames: Arc::new(self.usernames),
            resets: Arc::new(self.resets),
            directory: Arc::new(self.directory),
            events: Arc::new(self.events),
            hasher: Arc::new(self.hasher),
            throttle: Arc::new(self.throttle),
            whitelist: Arc::new(self.whitelist),
            composer: Arc::new(PlainComposer),
            clock,
        }
    }
}

/// Known devices: none is stored, and any may be remembered.
pub(crate) fn permissive_devices() -> MockDeviceRepository {
    let mut devices = MockDeviceRepository::new();
    devices.expect_find().returning(|_| Ok(None));
    devices.expect_renew().returning(|_, _, _| Ok(false));
    devices.expect_issue().returning(|_| Ok(()));
    devices
}

/// A throttle that blocks nothing, grants every claim and counts each failure as the
/// first.
pub(crate) fn quiet_throttle() -> MockThrottleRepository {
    let mut throttle = MockThrottleRepository::new();
    throttle.expect_blocked_until().returning(|_, _| Ok(None));
    throttle.expect_claim().returning(|_, _| Ok(None));
    throttle.expect_forgive().returning(|_, _| Ok(()));
    throttle.expect_record_failure().returning(|_, _, _| Ok(1));
    throttle.expect_block().returning(|_, _| Ok(()));
    throttle.expect_clear().returning(|_| Ok(()));
    throttle
}

/// Re-authentication over the same ports.
pub(crate) fn reauth(ports: &SecurityPorts) -> Reauthentication {
    Reauthentication::new(ports.clone(), vault(), ThrottlePolicies::default())
}
