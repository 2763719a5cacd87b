//! Security's services: logins, sessions, step-up, passwords, two-factor,
//! usernames, resets, IP whitelists and the security log. Each takes only the ports
//! it uses.

use portico_security::{
    AddressGate, IpWhitelistPorts, IpWhitelists, LoginPorts, Logins, PasswordChangePorts,
    PasswordChanges, PasswordResetPorts, PasswordResets, RateLimits, ReauthPorts, Reauthentication,
    SecondFactorLogin, SecondFactorLoginPorts, SecurityLog, Sessions, StepUp, StepUpPorts,
    TwoFactorEnrolmentPorts, TwoFactorEnrolments, UsernameChangePorts, UsernameChanges,
};

use super::DomainSettings;
use super::shared::Shared;
use super::stores::Stores;

pub(super) struct SecurityServices {
    pub login: Logins,
    pub sessions: Sessions,
    pub security_log: SecurityLog,
    pub step_up: StepUp,
    pub rate_limits: RateLimits,
    pub password_changes: PasswordChanges,
    pub second_factor: SecondFactorLogin,
    pub two_factor: TwoFactorEnrolments,
    pub usernames: UsernameChanges,
    pub resets: PasswordResets,
    pub whitelists: IpWhitelists,
}

pub(super) fn wire(
    stores: &Stores,
    shared: &Shared,
    settings: &DomainSettings,
) -> SecurityServices {
    let clock = &shared.clock;
    let reauth = Reauthentication::new(
        ReauthPorts {
            credentials: stores.credentials.clone(),
            two_factor: stores.two_factor.clone(),
            hasher: shared.hasher.clone(),
            throttle: stores.throttles.clone(),
            events: stores.events.clone(),
            clock: clock.clone(),
        },
        shared.vault.clone(),
        settings.throttles,
    );
    SecurityServices {
        login: Logins::new(
            LoginPorts {
                credentials: stores.credentials.clone(),
                sessions: stores.sessions.clone(),
                devices: stores.devices.clone(),
                hasher: shared.hasher.clone(),
                events: stores.events.clone(),
                throttle: stores.throttles.clone(),
                two_factor: stores.two_factor.clone(),
                whitelist: stores.whitelist.clone(),
                clock: clock.clone(),
            },
            settings.session_policy,
            settings.throttles,
        ),
        sessions: Sessions::new(
            stores.sessions.clone(),
            stores.events.clone(),
            AddressGate::new(
                stores.whitelist.clone(),
                stores.events.clone(),
                stores.throttles.clone(),
                clock.clone(),
            ),
            clock.clone(),
            settings.session_policy,
        ),
        security_log: SecurityLog::new(stores.events.clone()),
        step_up: StepUp::new(
            reauth.clone(),
            StepUpPorts {
                sessions: stores.sessions.clone(),
                events: stores.events.clone(),
                throttle: stores.throttles.clone(),
                clock: clock.clone(),
            },
            settings.step_up,
        ),
        rate_limits: RateLimits::new(
            stores.throttles.clone(),
            stores.events.clone(),
            clock.clone(),
            settings.rate_limits,
        ),
        password_changes: PasswordChanges::new(
            PasswordChangePorts {
                credentials: stores.credentials.clone(),
                contacts: stores.contacts.clone(),
                events: stores.events.clone(),
                hasher: shared.hasher.clone(),
                composer: shared.notices.clone(),
                throttle: stores.throttles.clone(),
                clock: clock.clone(),
            },
            shared.passwords.clone(),
            settings.throttles,
        ),
        second_factor: SecondFactorLogin::new(
            SecondFactorLoginPorts {
                sessions: stores.sessions.clone(),
                devices: stores.devices.clone(),
                two_factor: stores.two_factor.clone(),
                throttle: stores.throttles.clone(),
                events: stores.events.clone(),
                clock: clock.clone(),
            },
            shared.vault.clone(),
            reauth.clone(),
            settings.session_policy,
        ),
        two_factor: TwoFactorEnrolments::new(
            TwoFactorEnrolmentPorts {
                two_factor: stores.two_factor.clone(),
                contacts: stores.contacts.clone(),
                composer: shared.notices.clone(),
                clock: clock.clone(),
            },
            shared.vault.clone(),
            reauth.clone(),
        )
        .with_issuer(&settings.brand.name),
        usernames: UsernameChanges::new(
            UsernameChangePorts {
                usernames: stores.usernames.clone(),
                contacts: stores.contacts.clone(),
                composer: shared.notices.clone(),
                clock: clock.clone(),
            },
            reauth.clone(),
        ),
        resets: PasswordResets::new(
            PasswordResetPorts {
                credentials: stores.credentials.clone(),
                resets: stores.resets.clone(),
                two_factor: stores.two_factor.clone(),
                throttle: stores.throttles.clone(),
                events: stores.events.clone(),
                contacts: stores.contacts.clone(),
                composer: shared.notices.clone(),
                clock: clock.clone(),
            },
            shared.vault.clone(),
            reauth,
            shared.passwords.clone(),
            &settings.public_base_url,
        ),
        whitelists: IpWhitelists::new(IpWhitelistPorts {
            whitelist: stores.whitelist.clone(),
            contacts: stores.contacts.clone(),
            composer: shared.notices.clone(),
            clock: clock.clone(),
        }),
    }
}
