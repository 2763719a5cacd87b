//! What several domains' services share: the clock, the password hasher and
//! policy, the seed vault, the composer that turns every domain's notices into mail,
//! and the bridge that names other domains' events for security's audit trail.

use std::sync::Arc;

use portico_kernel::{Clock, NoticeComposer};
use portico_mail_log::{Mailer, Templates};
use portico_security::{Argon2Hasher, PasswordHasher, Passwords, SeedVault};

use super::{DomainSettings, WiringError};
use crate::mail_notices::MailNotices;
use crate::mail_notices::sources::MAIL_TEMPLATES;
use crate::security_log_bridge::SecurityLogEntries;

/// The collaborators more than one domain's services take.
pub(super) struct Shared {
    pub clock: Arc<dyn Clock>,
    pub argon2: Argon2Hasher,
    pub hasher: Arc<dyn PasswordHasher>,
    pub passwords: Passwords,
    pub vault: Arc<SeedVault>,
    pub notices: Arc<dyn NoticeComposer>,
    /// Delegation's and the affiliate program's events, named for security's log.
    pub audit: Arc<SecurityLogEntries>,
}

impl Shared {
    /// Starts the hasher and compiles the mail templates (the operator's checked).
    pub fn new(settings: &DomainSettings, clock: Arc<dyn Clock>) -> Result<Self, WiringError> {
        let argon2 = Argon2Hasher::new()?;
        let hasher: Arc<dyn PasswordHasher> = Arc::new(argon2.clone());
        let policy = settings
            .password_policy
            .clone()
            .with_service_name(&settings.brand.name);
        let templates = Templates::branded(
            MAIL_TEMPLATES,
            &settings.brand.name,
            &settings.brand.mail_templates,
        )?;
        let mailer = Mailer::new(Arc::new(templates), clock.clone(), mail_domain(settings));
        Ok(Self {
            passwords: Passwords::new(policy, hasher.clone()),
            vault: Arc::new(settings.seed_vault.clone()),
            notices: Arc::new(MailNotices::new(Arc::new(mailer))),
            audit: Arc::new(SecurityLogEntries),
            argon2,
            hasher,
            clock,
        })
    }
}

/// The right-hand side of every `Message-ID`: the sender address's domain.
fn mail_domain(settings: &DomainSettings) -> &str {
    settings
        .mail_from
        .as_str()
        .rsplit_once('@')
        .map_or("localhost", |(_, domain)| domain)
}
