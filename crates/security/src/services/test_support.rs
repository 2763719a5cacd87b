//! mockall doubles of every security port, with permissive defaults that each test
//! tightens, and the ports each service takes built from them.

use std::sync::Arc;

use portico_kernel::contact::MockAccountContacts;
use portico_kernel::mail::plain::PlainComposer;
use portico_kernel::{
    AccountContact, AccountContacts, AccountId, Clock, EmailAddress, FixedClock, LanguageTag,
    NoticeComposer, PasswordHash, SessionId, Username,
};
use time::OffsetDateTime;

use crate::devices::{DeviceRepository, MockDeviceRepository};
use crate::events::{MockSecurityEventRepository, SecurityEventRepository};
use crate::hasher::{MockPasswordHasher, PasswordHasher, Verification};
use crate::ports::{
    CredentialRepository, MockCredentialRepository, MockPasswordResetRepository,
    MockSessionRepository, MockUsernameRepository, PasswordResetRepository, SessionRepository,
    StoredCredential, UsernameRepository,
};
use crate::second_factor_code::SecondFactorCode;
use crate::seed_vault::SeedVault;
use crate::services::reauth::{Caller, Reauthentication};
use crate::services::{
    IpWhitelistPorts, PasswordResetPorts, ReauthPorts, SecondFactorLoginPorts,
    TwoFactorEnrolmentPorts, UsernameChangePorts,
};
use crate::session::ClientInfo;
use crate::throttle::{MockThrottleRepository, ThrottlePolicies, ThrottleRepository};
use crate::totp::{TotpCode, TotpSeed};
use crate::two_factor::{MockTwoFactorRepository, TwoFactorRecord, TwoFactorRepository};
use crate::whitelist::{IpWhitelistRepository, MockIpWhitelistRepository};

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

    /// What the app shows now, as a request brings it in.
    pub fn typed_code(&self) -> SecondFactorCode {
        SecondFactorCode::Totp(self.code())
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
    pub contacts: MockAccountContacts,
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
        let mut contacts = MockAccountContacts::new();
        contacts.expect_contact().returning(|_| {
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
            contacts,
            events,
            hasher,
            throttle: quiet_throttle(),
            whitelist: MockIpWhitelistRepository::new(),
        }
    }

    /// Every double behind its port, for building each service's ports.
    pub fn ports(self) -> Ports {
        Ports {
            credentials: Arc::new(self.credentials),
            sessions: Arc::new(self.sessions),
            devices: Arc::new(self.devices),
            two_factor: Arc::new(self.two_factor),
            usernames: Arc::new(self.usernames),
            resets: Arc::new(self.resets),
            contacts: Arc::new(self.contacts),
            events: Arc::new(self.events),
            hasher: Arc::new(self.hasher),
            throttle: Arc::new(self.throttle),
            whitelist: Arc::new(self.whitelist),
            composer: Arc::new(PlainComposer),
            clock: Arc::new(FixedClock::at(now())),
        }
    }
}

/// Every port of the tests, from which each service takes the ones it uses.
#[derive(Clone)]
pub(crate) struct Ports {
    pub credentials: Arc<dyn CredentialRepository>,
    pub sessions: Arc<dyn SessionRepository>,
    pub devices: Arc<dyn DeviceRepository>,
    pub two_factor: Arc<dyn TwoFactorRepository>,
    pub usernames: Arc<dyn UsernameRepository>,
    pub resets: Arc<dyn PasswordResetRepository>,
    pub contacts: Arc<dyn AccountContacts>,
    pub events: Arc<dyn SecurityEventRepository>,
    pub hasher: Arc<dyn PasswordHasher>,
    pub throttle: Arc<dyn ThrottleRepository>,
    pub whitelist: Arc<dyn IpWhitelistRepository>,
    pub composer: Arc<dyn NoticeComposer>,
    pub clock: Arc<dyn Clock>,
}

impl Ports {
    pub fn reauth(&self) -> ReauthPorts {
        ReauthPorts {
            credentials: self.credentials.clone(),
            two_factor: self.two_factor.clone(),
            hasher: self.hasher.clone(),
            throttle: self.throttle.clone(),
            events: self.events.clone(),
            clock: self.clock.clone(),
        }
    }

    pub fn second_factor_login(&self) -> SecondFactorLoginPorts {
        SecondFactorLoginPorts {
            sessions: self.sessions.clone(),
            devices: self.devices.clone(),
            two_factor: self.two_factor.clone(),
            throttle: self.throttle.clone(),
            events: self.events.clone(),
            clock: self.clock.clone(),
        }
    }

    pub fn password_reset(&self) -> PasswordResetPorts {
        PasswordResetPorts {
            credentials: self.credentials.clone(),
            resets: self.resets.clone(),
            two_factor: self.two_factor.clone(),
            throttle: self.throttle.clone(),
            events: self.events.clone(),
            contacts: self.contacts.clone(),
            composer: self.composer.clone(),
            clock: self.clock.clone(),
        }
    }

    pub fn two_factor_enrolment(&self) -> TwoFactorEnrolmentPorts {
        TwoFactorEnrolmentPorts {
            two_factor: self.two_factor.clone(),
            contacts: self.contacts.clone(),
            composer: self.composer.clone(),
            clock: self.clock.clone(),
        }
    }

    pub fn username_change(&self) -> UsernameChangePorts {
        UsernameChangePorts {
            usernames: self.usernames.clone(),
            contacts: self.contacts.clone(),
            composer: self.composer.clone(),
            clock: self.clock.clone(),
        }
    }

    pub fn ip_whitelist(&self) -> IpWhitelistPorts {
        IpWhitelistPorts {
            whitelist: self.whitelist.clone(),
            contacts: self.contacts.clone(),
            composer: self.composer.clone(),
            clock: self.clock.clone(),
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
pub(crate) fn reauth(ports: &Ports) -> Reauthentication {
    Reauthentication::new(ports.reauth(), vault(), ThrottlePolicies::default())
}
