//! Resetting a forgotten password with a mailed link.

use std::sync::Arc;

use portico_kernel::{
    AccountContacts, AccountId, Clock, ComposeError, EmailAddress, NoticeComposer, OneTimeLink,
    Password, PasswordRejection, SecretToken, StorageError, TokenDigest,
};
use time::Duration;

use crate::events::{SecurityEvent, SecurityEventKind, SecurityEventRepository};
use crate::notice::{SecurityNotice, SettingChange};
use crate::password_policy::PasswordContext;
use crate::ports::{
    CredentialRepository, LoginKey, PasswordResetRepository, ResetCompletion, ResetIssue,
};
use crate::second_factor_code::SecondFactorCode;
use crate::seed_vault::SeedVault;
use crate::services::factor_check::proof_for;
use crate::services::notices::{NoticeError, security_notices};
use crate::services::passwords::{PasswordError, Passwords};
use crate::services::reauth::{ReauthError, Reauthentication};
use crate::session::ClientInfo;
use crate::throttle::{ThrottleKey, ThrottlePolicy, ThrottleRepository, claim_attempt};
use crate::two_factor::{GuardedWriteError, TwoFactorRepository};

/// How long a reset link works.
pub const RESET_LIFETIME: Duration = Duration::minutes(30);

/// Wrong second-factor codes one reset link may see before it is voided.
pub const RESET_GUESS_BUDGET: u32 = 5;

/// At most one reset mail per account in this interval, so that nobody can flood an
/// inbox by asking again and again.
pub const RESET_MAIL_INTERVAL: Duration = Duration::minutes(1);

/// Reset requests worked on at once in the background; beyond that, requests are
/// dropped (and logged) rather than queued without bound.
const BACKGROUND_REQUESTS: usize = 32;

/// Why a reset was not carried out; nothing changed in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    /// The link's token is unknown, used, replaced by a newer one, voided or expired.
    #[error("the reset link is invalid or expired")]
    InvalidToken,
    /// Two-factor is on and no code was given.
    #[error("a code from the authenticator app or a recovery code is required")]
    CodeRequired,
    /// The code is wrong or was already used.
    #[error("the code is wrong or was already used")]
    WrongCode,
    /// The new password breaks the policy.
    #[error(transparent)]
    Rejected(PasswordRejection),
    /// Too many wrong second-factor codes lately for this account.
    #[error("too many failed attempts; try again later")]
    Throttled {
        /// How long until the next attempt is accepted.
        retry_after: time::Duration,
    },
    /// The mail could not be rendered.
    #[error("the mail could not be composed")]
    Compose(#[from] ComposeError),
    /// Storage or hashing failed.
    #[error("the password reset failed unexpectedly")]
    Unexpected(#[from] StorageError),
}

impl From<NoticeError> for ResetError {
    fn from(error: NoticeError) -> Self {
        match error {
            NoticeError::NotFound => Self::InvalidToken,
            NoticeError::Compose(source) => source.into(),
            NoticeError::Storage(source) => source.into(),
        }
    }
}

impl From<ReauthError> for ResetError {
    fn from(error: ReauthError) -> Self {
        match error {
            ReauthError::Throttled { retry_after } => Self::Throttled { retry_after },
            ReauthError::Unexpected(source) => Self::Unexpected(source),
            ReauthError::CodeRequired => Self::CodeRequired,
            ReauthError::WrongPassword | ReauthError::WrongCode => Self::WrongCode,
            ReauthError::NotFound => Self::InvalidToken,
        }
    }
}

/// The ports [`PasswordResets`] works with.
#[derive(Clone)]
pub struct PasswordResetPorts {
    /// Password credentials.
    pub credentials: Arc<dyn CredentialRepository>,
    /// Reset tokens.
    pub resets: Arc<dyn PasswordResetRepository>,
    /// Two-factor state.
    pub two_factor: Arc<dyn TwoFactorRepository>,
    /// The failure counters.
    pub throttle: Arc<dyn ThrottleRepository>,
    /// The audit trail.
    pub events: Arc<dyn SecurityEventRepository>,
    /// Account names and addresses.
    pub contacts: Arc<dyn AccountContacts>,
    /// The notices' composer.
    pub composer: Arc<dyn NoticeComposer>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

/// Password resets by mailed link.
#[derive(Clone)]
pub struct PasswordResets {
    ports: PasswordResetPorts,
    vault: Arc<SeedVault>,
    reauth: Reauthentication,
    passwords: Passwords,
    public_base_url: String,
    background: Arc<tokio::sync::Semaphore>,
}

impl PasswordResets {
    /// Wires the service; links point to `{public_base_url}/reset-password`.
    pub fn new(
        ports: PasswordResetPorts,
        vault: Arc<SeedVault>,
        reauth: Reauthentication,
        passwords: Passwords,
        public_base_url: &str,
    ) -> Self {
        Self {
            ports,
            vault,
            reauth,
            passwords,
            public_base_url: public_base_url.trim_end_matches('/').to_owned(),
            background: Arc::new(tokio::sync::Semaphore::new(BACKGROUND_REQUESTS)),
        }
    }

    /// Takes a reset request and returns at once, the same way whether or not the
    /// login names an account: the lookup and the queueing of the mail happen in a
    /// background task, so neither the answer nor its timing tells them apart.
    /// Failures of that task are logged. While [`BACKGROUND_REQUESTS`] requests are
    /// already being worked on, further ones are dropped: the answer stays the same,
    /// and a flood cannot pile up unbounded work.
    pub fn request(&self, login: &str, client: ClientInfo) {
        let Ok(permit) = self.background.clone().try_acquire_owned() else {
            tracing::warn!("too many password reset requests at once; one was dropped");
            return;
        };
        let resets = self.clone();
        let login = login.to_owned();
        // The task stays in the request's span, so its lines carry the request id.
        // (The span then lasts until the lookup ends: a layer timing spans would
        // have to leave it out, since its length tells known logins from unknown.)
        let task = async move {
            if let Err(error) = resets.request_now(&login, &client).await {
                tracing::error!(error = %error, "a password reset request failed");
            }
            drop(permit);
        };
        tokio::spawn(tracing::Instrument::in_current_span(task));
    }

    /// Does the work of [`Self::request`] and waits for it: when the login names an
    /// account, a fresh link (voiding any earlier one) is stored and its mail queued,
    /// unless the account was sent one less than [`RESET_MAIL_INTERVAL`] ago (if the
    /// mail then cannot be queued, the next request waits out the interval).
    #[tracing::instrument(name = "PasswordResets::request_now", skip_all)]
    pub async fn request_now(&self, login: &str, client: &ClientInfo) -> Result<(), ResetError> {
        let credential = match LoginKey::from_login(login) {
            Some(key) => self.ports.credentials.find_by_login(&key).await?,
            None => None,
        };
        let Some(credential) = credential else {
            return Ok(());
        };
        let account = credential.account;
        let now = self.ports.clock.now();
        // Claimed before the mail is built: of simultaneous requests, one gets it.
        let pacing = ThrottleKey::reset_mail(account);
        if claim_attempt(
            self.ports.throttle.as_ref(),
            &ThrottlePolicy::pace(RESET_MAIL_INTERVAL),
            std::slice::from_ref(&pacing),
            now,
        )
        .await?
        .is_err()
        {
            tracing::info!(%account, "password reset asked again within a minute; no new mail");
            return Ok(());
        }
        let Some(context) = self.ports.contacts.contact(account).await? else {
            return Ok(());
        };
        let two_factor = self
            .ports
            .two_factor
            .find(account)
            .await?
            .is_some_and(|record| record.is_enabled());
        let token = SecretToken::generate()?;
        let mail = self.ports.composer.compose(
            Some(account),
            &context.primary_email,
            context.language.as_str(),
            &SecurityNotice::PasswordReset {
                username: context.username,
                link: OneTimeLink::new(
                    &self.public_base_url,
                    "/reset-password",
                    &[],
                    token.expose(),
                ),
                two_factor,
            },
        )?;
        self.ports
            .resets
            .issue(&ResetIssue {
                account,
                digest: token.digest(),
                created_at: now,
                expires_at: now + RESET_LIFETIME,
                event: SecurityEvent::new(
                    account,
                    SecurityEventKind::PasswordResetRequested,
                    now,
                    client,
                    None,
                ),
                mail,
            })
            .await?;
        tracing::info!(%account, "password reset link queued");
        Ok(())
    }

    /// Sets a new password with a reset link's token and, when two-factor is on, a
    /// TOTP or recovery code. Success ends every session and logs nobody in.
    #[tracing::instrument(name = "PasswordResets::confirm", skip_all)]
    pub async fn confirm(
        &self,
        token: &SecretToken,
        new_password: &Password,
        code: Option<&SecondFactorCode>,
        client: &ClientInfo,
    ) -> Result<(), ResetError> {
        let now = self.ports.clock.now();
        // Judged by the link's own budget and the account's one second-factor budget,
        // never by the address's counters: a client who holds the mailbox is not
        // refused because of password typos made from the same office.
        let digest = token.digest();
        let pending = self
            .ports
            .resets
            .find(&digest)
            .await?
            .filter(|pending| pending.expires_at > now);
        let Some(pending) = pending else {
            return Err(ResetError::InvalidToken);
        };
        let account = pending.account;
        let record = self
            .ports
            .two_factor
            .find(account)
            .await?
            .filter(|record| record.is_enabled());
        let budget = self.reauth.second_factor_claims(account);
        let mut attempt = None;
        let proof = match (&record, code) {
            (None, _) => None,
            // Not a guess: the link is valid and no code was tried.
            (Some(_), None) => return Err(ResetError::CodeRequired),
            (Some(record), Some(code)) => {
                self.reauth.claim(account, client, &budget).await?;
                // Counted before it is judged, so parallel guesses cannot overdraw
                // the link's budget.
                let guesses = self
                    .ports
                    .throttle
                    .record_failure(&ThrottleKey::reset_link(&digest), now, now - RESET_LIFETIME)
                    .await?;
                if guesses > RESET_GUESS_BUDGET {
                    self.reauth.succeeded_without_clearing(&budget).await?;
                    self.ports.resets.void(&digest).await?;
                    return Err(ResetError::InvalidToken);
                }
                attempt = Some(guesses);
                match proof_for(&self.vault, record, code, now)? {
                    Some(proof) => Some(proof),
                    None => return Err(self.wrong_code(account, &digest, client, guesses).await?),
                }
            }
        };
        let hash = match self.new_hash(account, new_password).await {
            Err(ResetError::Rejected(rule)) => {
                // The code was right and stays unused: its claims on the budget and
                // on the link's guesses are given back.
                if proof.is_some() {
                    self.reauth.succeeded_without_clearing(&budget).await?;
                    self.ports
                        .throttle
                        .forgive(
                            &ThrottleKey::reset_link(&digest),
                            &ThrottlePolicy::pace(RESET_LIFETIME),
                        )
                        .await?;
                }
                return Err(ResetError::Rejected(rule));
            }
            other => other?,
        };
        let notices = security_notices(
            self.ports.contacts.as_ref(),
            self.ports.composer.as_ref(),
            account,
            SettingChange::PasswordResetDone,
            client,
        )
        .await?;
        let completion = ResetCompletion {
            account,
            digest: digest.clone(),
            hash,
            event: SecurityEvent::new(
                account,
                SecurityEventKind::PasswordReset,
                self.ports.clock.now(),
                client,
                proof.as_ref().map(|p| format!("factor: {}", p.factor())),
            ),
            proof,
            notices,
        };
        match self.ports.resets.complete(&completion).await {
            Ok(()) => {
                tracing::info!(%account, "password reset");
                self.tidy_after_reset(account, &digest, client).await;
                Ok(())
            }
            Err(GuardedWriteError::Stale) => Err(ResetError::InvalidToken),
            Err(GuardedWriteError::FactorUsed) => Err(self
                .wrong_code(account, &digest, client, attempt.unwrap_or_default())
                .await?),
            Err(GuardedWriteError::Storage(error)) => Err(error.into()),
        }
    }

    /// The new password's hash, if it passes the policy.
    async fn new_hash(
        &self,
        account: AccountId,
        new_password: &Password,
    ) -> Result<portico_kernel::PasswordHash, ResetError> {
        let context = self
            .ports
            .contacts
            .contact(account)
            .await?
            .ok_or(ResetError::InvalidToken)?;
        let emails: Vec<&str> = context
            .all_emails
            .iter()
            .map(EmailAddress::as_str)
            .collect();
        self.passwords
            .check_and_hash(
                new_password,
                &PasswordContext {
                    username: context.username.as_str(),
                    emails: &emails,
                },
            )
            .await
            .map_err(|error| match error {
                PasswordError::Rejected(rule) => ResetError::Rejected(rule),
                PasswordError::Unexpected(source) => ResetError::Unexpected(source),
            })
    }

    /// After a reset the owner starts afresh: the link's guesses, the account's
    /// password counters and second-factor budget, and the account's pair with the
    /// completing address are forgotten. The reset is done whatever happens here, so
    /// failures are logged, not reported.
    async fn tidy_after_reset(
        &self,
        account: AccountId,
        digest: &TokenDigest,
        client: &ClientInfo,
    ) {
        let mut cleared = vec![
            ThrottleKey::reset_link(digest),
            ThrottleKey::second_factor(account),
            ThrottleKey::account(account),
        ];
        cleared.extend(client.ip.map(|ip| ThrottleKey::pair(account, ip)));
        for key in &cleared {
            if let Err(error) = self.ports.throttle.clear(key).await {
                tracing::warn!(%account, error = %error, "could not reset the throttles after a password reset");
                return;
            }
        }
    }

    /// Records a wrong code sent with a valid link (already counted); the link is
    /// voided when it was the last guess of its budget.
    async fn wrong_code(
        &self,
        account: AccountId,
        digest: &TokenDigest,
        client: &ClientInfo,
        guesses: u32,
    ) -> Result<ResetError, StorageError> {
        let event = SecurityEvent::new(
            account,
            SecurityEventKind::PasswordResetFailed,
            self.ports.clock.now(),
            client,
            Some("wrong code".into()),
        );
        self.ports.events.record(&event).await?;
        if guesses >= RESET_GUESS_BUDGET {
            self.ports.resets.void(digest).await?;
            tracing::info!(%account, "password reset link voided after too many wrong codes");
        }
        Ok(ResetError::WrongCode)
    }
}

#[cfg(test)]
#[path = "password_reset_tests.rs"]
mod tests;
