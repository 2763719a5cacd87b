//! What the benchmarks share: settings close to the defaults, with a fresh seed key.

use portico::wiring::DomainSettings;
use portico_kernel::EmailAddress;
use portico_security::{
    PasswordPolicy, RateLimitPolicies, SeedVault, SessionPolicy, ThrottlePolicies,
};

/// Domain settings for a benchmark server.
pub fn settings() -> DomainSettings {
    DomainSettings {
        password_policy: PasswordPolicy::new(8),
        session_policy: SessionPolicy::default(),
        throttles: ThrottlePolicies::default(),
        step_up: time::Duration::minutes(10),
        rate_limits: RateLimitPolicies::default(),
        landing_hosts: portico_affiliate::LandingHosts::parse(["portal.example"]).unwrap(),
        public_base_url: "https://portal.example".into(),
        mail_from: EmailAddress::parse("portal@example.com").unwrap(),
        platform_token: None,
        seed_vault: SeedVault::new(&SeedVault::generate_key().unwrap()).unwrap(),
        trusted_proxies: vec![],
        affiliate: portico_affiliate::ProgramSettings::default(),
        delivery: portico_mail_log::RetryPolicy::default(),
        metrics: true,
        brand: portico::brand::Brand::default(),
    }
}
