//! The settings of `portico serve`: the HTTP server, the domain's policies, the
//! brand, and what the worker reads too (the database and the mail).

use std::net::SocketAddr;

use clap::Args;
use portico_security::{
    Cidr, PasswordPolicy, RateLimitPolicies, SeedVault, SessionPolicy, ThrottlePolicies,
};
use time::Duration;

use super::{InvalidSetting, MailArgs, SchemaArgs, Secret, StorageArgs};
use crate::brand::BrandArgs;
use crate::seed_key::{SeedKeyError, check_seed_key, seed_vault};
use crate::wiring::DomainSettings;
use portico_affiliate::{LandingHosts, LandingUrl, ProgramSettings};

/// The shortest platform token accepted: anything shorter can be guessed.
pub const MIN_PLATFORM_TOKEN_LEN: usize = 32;

/// What the HTTP server (and the worker inside it) reads.
#[derive(Debug, Clone, Args)]
pub struct ServeSettings {
    /// Address the HTTP server listens on.
    #[arg(long, env = "PORTICO_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Minimum password length in characters (8 to 128; NIST SP 800-63B asks for 15
    /// where the password is the only factor). A lower value is refused at start-up
    /// rather than silently raised.
    #[arg(long, env = "PORTICO_PASSWORD_MIN_LENGTH", default_value_t = 8,
          value_parser = clap::value_parser!(u16).range(8..=128))]
    pub password_min_length: u16,

    /// Minutes of inactivity after which a session ends (5 to 10080; activity is
    /// recorded once a minute, so shorter would end busy sessions).
    #[arg(long, env = "PORTICO_SESSION_IDLE_MINUTES", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(5..=10_080))]
    pub session_idle_minutes: u32,

    /// Hours after login at which a session ends, however active.
    #[arg(long, env = "PORTICO_SESSION_ABSOLUTE_HOURS", default_value_t = 12,
          value_parser = clap::value_parser!(u32).range(1..=2_160))]
    pub session_absolute_hours: u32,

    /// Failed passwords allowed for one account from one client address (IPv6: one
    /// /64), and from one known device, before delays start. A device that sends
    /// twice as many is voided.
    #[arg(long, env = "PORTICO_THROTTLE_FREE_FAILURES", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub throttle_free_failures: u32,

    /// Failed passwords allowed for one account from all unknown devices together
    /// before delays start (its known devices are never held back by them).
    #[arg(long, env = "PORTICO_THROTTLE_ACCOUNT_FREE_FAILURES", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=1_000))]
    pub throttle_account_free_failures: u32,

    /// Failures allowed from one client address (IPv6: one /64) over all accounts,
    /// with less than an hour between them, before delays start: high enough for an
    /// office or a carrier behind one address.
    #[arg(long, env = "PORTICO_THROTTLE_ADDRESS_FREE_FAILURES", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub throttle_address_free_failures: u32,

    /// Wrong second-factor codes allowed per account before delays start, shared by
    /// logins, password resets and re-authentication; a right code restores it.
    #[arg(long, env = "PORTICO_SECOND_FACTOR_BUDGET", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub second_factor_budget: u32,

    /// The longest delay, in seconds, between failed attempts (it doubles from 1 s).
    #[arg(long, env = "PORTICO_THROTTLE_MAX_DELAY_SECONDS", default_value_t = 900,
          value_parser = clap::value_parser!(u32).range(1..=86_400))]
    pub throttle_max_delay_seconds: u32,

    /// Minutes a proof of the password (and second factor) counts as recent for
    /// sensitive changes (emails, two-factor, whitelist, delegates, payouts, revoking
    /// other sessions); renew it with `POST /v1/sessions/current/reauthenticate`.
    #[arg(long, env = "PORTICO_STEP_UP_MINUTES", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=1_440))]
    pub step_up_minutes: u32,

    /// Accounts that may be opened from one client address an hour.
    #[arg(long, env = "PORTICO_REGISTRATIONS_PER_HOUR", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub registrations_per_hour: u32,

    /// Delegate invitations one account may send an hour.
    #[arg(long, env = "PORTICO_INVITATIONS_PER_HOUR", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub invitations_per_hour: u32,

    /// Verification mails one account may have sent to one address an hour (every
    /// account together: four times as many).
    #[arg(long, env = "PORTICO_VERIFICATION_MAILS_PER_HOUR", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=1_000))]
    pub verification_mails_per_hour: u32,

    /// Public base URL of the client area; links in mails start with it (never with
    /// a request's Host header).
    #[arg(
        long,
        env = "PORTICO_PUBLIC_BASE_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_base_url: String,

    /// Bearer token of the platform (service-to-service) API, at least 32
    /// characters; the platform API is disabled when unset.
    #[arg(long, env = "PORTICO_PLATFORM_TOKEN", hide_env_values = true)]
    pub platform_token: Option<Secret>,

    /// Proxies whose `X-Forwarded-For` is believed: addresses or CIDR ranges,
    /// comma-separated. None by default: the socket peer is the client.
    #[arg(long, env = "PORTICO_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,

    /// Whether the affiliate program is on; when off, every affiliate endpoint
    /// answers 404 and `/r/` records nothing.
    #[arg(long, env = "PORTICO_AFFILIATE_ENABLED", default_value_t = true,
          action = clap::ArgAction::Set)]
    pub affiliate_enabled: bool,

    /// Commission in percent of each referred payment.
    #[arg(long, env = "PORTICO_AFFILIATE_RATE_PERCENT", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(0..=100))]
    pub affiliate_rate_percent: u32,

    /// Days a commission stays pending before it can be paid out.
    #[arg(long, env = "PORTICO_AFFILIATE_HOLD_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(0..=3650))]
    pub affiliate_hold_days: u32,

    /// The least a payout may pay, in minor units of its currency.
    #[arg(long, env = "PORTICO_AFFILIATE_MIN_PAYOUT_MINOR", default_value_t = 5_000,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub affiliate_min_payout_minor: u32,

    /// Hosts affiliate landing URLs may point to, comma-separated (`example.com`, or
    /// `*.example.com` for its subdomains too). Defaults to the host of the public
    /// base URL. `/r/{code}` never redirects anywhere else.
    #[arg(long, env = "PORTICO_AFFILIATE_LANDING_HOSTS", value_delimiter = ',')]
    pub affiliate_landing_hosts: Vec<String>,

    /// Days after a click in which a registration still counts as referred (the
    /// referral cookie lives as long).
    #[arg(long, env = "PORTICO_AFFILIATE_ATTRIBUTION_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=365))]
    pub affiliate_attribution_days: u32,

    /// Key that seals TOTP seeds at rest: 32 bytes in base64. Without it, a key file
    /// in the data folder is used, and created on first start.
    #[arg(long, env = "PORTICO_TOTP_KEY", hide_env_values = true)]
    pub totp_key: Option<Secret>,

    /// Do not run the mail outbox worker inside `serve` (run `portico worker` instead).
    #[arg(long, env = "PORTICO_NO_WORKER", default_value_t = false)]
    pub no_worker: bool,

    /// Serve no `GET /metrics` and count no requests (it is on by default, for the
    /// platform token only).
    #[arg(long, env = "PORTICO_NO_METRICS", default_value_t = false)]
    pub no_metrics: bool,

    /// Also serve `GET /metrics` without a token on this address (bind it to an
    /// internal interface); unset, only the main listener serves it, for the platform
    /// token.
    #[arg(long, env = "PORTICO_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    // The groups last: each sets the help heading of what follows it.
    /// The database and the data folder.
    #[command(flatten)]
    pub storage: StorageArgs,

    /// Migrations at start-up.
    #[command(flatten)]
    pub schema: SchemaArgs,

    /// The mail server and the sender.
    #[command(flatten)]
    pub mail: MailArgs,

    /// The hosting company's brand and wording.
    #[command(flatten)]
    pub brand: BrandArgs,
}

impl ServeSettings {
    /// Every setting checked, without writing anything: start-up runs this before it
    /// reaches the database, so that a bad value is named first, and calls
    /// [`Self::domain`] (which may create the TOTP key file) only once the database
    /// answered.
    pub fn check(&self) -> Result<(), InvalidSetting> {
        check_seed_key(self.totp_key.as_ref(), &self.storage.data_dir).map_err(invalid_totp_key)?;
        // A throwaway key: only the other settings are judged here.
        let unused = SeedVault::new(&[0u8; 32]).map_err(|_| InvalidSetting {
            name: "PORTICO_TOTP_KEY",
            reason: "no key could be made".into(),
        })?;
        let domain = self.domain_with(unused)?;
        self.transport(&domain.mail_from).map(|_| ())
    }

    /// The settings of the domain services, checked, with the TOTP seed key from
    /// `PORTICO_TOTP_KEY` or the data folder's key file (created when missing).
    pub fn domain(&self) -> Result<DomainSettings, InvalidSetting> {
        let vault =
            seed_vault(self.totp_key.as_ref(), &self.storage.data_dir).map_err(invalid_totp_key)?;
        self.domain_with(vault)
    }

    fn domain_with(&self, seed_vault: SeedVault) -> Result<DomainSettings, InvalidSetting> {
        let mail_from = self.mail.sender()?;
        let base = public_base(&self.public_base_url)?;
        let base = base.as_str();
        let trusted_proxies = self
            .trusted_proxies
            .iter()
            .filter(|entry| !entry.trim().is_empty())
            .map(|entry| {
                Cidr::parse(entry).map_err(|e| InvalidSetting {
                    name: "PORTICO_TRUSTED_PROXIES",
                    reason: format!("{entry:?}: {e}"),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(token) = &self.platform_token
            && token.expose().chars().count() < MIN_PLATFORM_TOKEN_LEN
        {
            return Err(InvalidSetting {
                name: "PORTICO_PLATFORM_TOKEN",
                reason: format!(
                    "the token must have at least {MIN_PLATFORM_TOKEN_LEN} characters \
                     (for example `openssl rand -base64 32`)"
                ),
            });
        }
        let landing_hosts = self.landing_hosts(base)?;
        let brand = self.brand.brand()?;
        Ok(DomainSettings {
            brand,
            landing_hosts,
            step_up: Duration::minutes(i64::from(self.step_up_minutes)),
            rate_limits: RateLimitPolicies::per_hour(
                self.registrations_per_hour,
                self.invitations_per_hour,
                self.verification_mails_per_hour,
            ),
            delivery: self.mail.delivery(),
            metrics: !self.no_metrics,
            affiliate: ProgramSettings {
                enabled: self.affiliate_enabled,
                rate_percent: self.affiliate_rate_percent,
                hold: Duration::days(i64::from(self.affiliate_hold_days)),
                min_payout_minor: i64::from(self.affiliate_min_payout_minor),
                attribution_window: Duration::days(i64::from(self.affiliate_attribution_days)),
            },
            trusted_proxies,
            password_policy: PasswordPolicy::new(usize::from(self.password_min_length)),
            session_policy: SessionPolicy {
                idle_timeout: Duration::minutes(i64::from(self.session_idle_minutes)),
                absolute_lifetime: Duration::hours(i64::from(self.session_absolute_hours)),
            },
            throttles: ThrottlePolicies::new(
                self.throttle_account_free_failures,
                self.throttle_free_failures,
                self.throttle_address_free_failures,
                self.second_factor_budget,
                Duration::seconds(i64::from(self.throttle_max_delay_seconds)),
            ),
            public_base_url: base.to_owned(),
            mail_from,
            platform_token: self.platform_token.clone(),
            seed_vault,
        })
    }

    /// The hosts affiliate links may land on: the setting, or the public base URL's
    /// host.
    fn landing_hosts(&self, base: &str) -> Result<LandingHosts, InvalidSetting> {
        let listed: Vec<&str> = self
            .affiliate_landing_hosts
            .iter()
            .map(|host| host.trim())
            .filter(|host| !host.is_empty())
            .collect();
        let invalid = |reason: String| InvalidSetting {
            name: "PORTICO_AFFILIATE_LANDING_HOSTS",
            reason,
        };
        if !listed.is_empty() {
            return LandingHosts::parse(listed).map_err(|e| invalid(e.to_string()));
        }
        let host = LandingUrl::parse(base)
            .ok()
            .and_then(|url| url.host())
            .ok_or_else(|| invalid("the public base URL has no host to default to".into()))?;
        LandingHosts::parse([host.as_str()]).map_err(|e| invalid(e.to_string()))
    }

    /// Where mail goes: the SMTP server, or the data folder's `mail` folder. Building
    /// it writes nothing; it judges the SMTP settings.
    pub fn transport(
        &self,
        sender: &portico_kernel::EmailAddress,
    ) -> Result<std::sync::Arc<dyn portico_mail_log::MailTransport>, InvalidSetting> {
        self.mail.transport(sender, &self.storage.data_dir)
    }
}

/// The public base URL as every link will spell it, without a trailing slash: an
/// http(s) URL without credentials, query or fragment, normalised as landing URLs
/// are (an international host in its ASCII form, escapes as RFC 3986 wants), so that
/// the links built on it are URIs too.
fn public_base(typed: &str) -> Result<String, InvalidSetting> {
    let invalid = || {
        InvalidSetting::new(
            "PORTICO_PUBLIC_BASE_URL",
            "an http:// or https:// URL with a host (and a port up to 65535), without \
             credentials, query or fragment, at most 2048 bytes once normalised, is required",
        )
    };
    let typed = typed.trim_end_matches('/');
    if !(typed.starts_with("http://") || typed.starts_with("https://"))
        || typed.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(invalid());
    }
    let url = LandingUrl::parse(typed).map_err(|_| invalid())?;
    if url.as_str().contains(['?', '#']) {
        return Err(invalid());
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A TOTP key that cannot be used, as a setting refused.
fn invalid_totp_key(error: SeedKeyError) -> InvalidSetting {
    InvalidSetting {
        name: "PORTICO_TOTP_KEY",
        reason: crate::http::problem::cause_chain(&error),
    }
}

#[cfg(test)]
mod tests {
    use super::public_base;

    #[test]
    fn the_public_base_url_is_spelled_as_links_will_spell_it() {
        let base = |typed: &str| public_base(typed).unwrap();
        assert_eq!(base("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(base("https://Portal.Example/"), "https://portal.example");
        assert_eq!(
            base("https://bücher.example/my{account}/"),
            "https://xn--bcher-kva.example/my%7Baccount%7D"
        );
        for refused in [
            "portal.example",
            "ftp://portal.example",
            "https://user:pw@portal.example",
            "https://portal.example/?x=1",
            "https://portal.example/#top",
            "https://portal.example/a b",
        ] {
            assert!(public_base(refused).is_err(), "{refused}");
        }
    }
}
