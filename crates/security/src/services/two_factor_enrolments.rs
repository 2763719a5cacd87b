//! Turning TOTP two-factor authentication on and off, and renewing recovery codes.

use std::fmt;
use std::sync::Arc;

use portico_kernel::{
    AccountContacts, AccountId, Clock, ComposeError, NewMessage, NoticeComposer, Password,
    StorageError,
};

use crate::notice::SettingChange;
use crate::second_factor_code::SecondFactorCode;
use time::OffsetDateTime;

use crate::events::{SecurityEvent, SecurityEventKind};
use crate::qr;
use crate::recovery::RecoveryCode;
use crate::seed_vault::SeedVault;
use crate::services::notices::{NoticeError, security_notices};
use crate::services::reauth::{Caller, Failure, GuardedAction, ReauthError, Reauthentication};
use crate::session::ClientInfo;
use crate::totp::{DEFAULT_ISSUER, TotpSeed};
use crate::two_factor::{Enablement, FactorGuardedChange, GuardedWriteError, TwoFactorRepository};

/// Why a two-factor operation changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum TwoFactorError {
    /// Two-factor is already on (turn it off first to enrol a new device).
    #[error("two-factor authentication is already on")]
    AlreadyEnabled,
    /// Two-factor is off.
    #[error("two-factor authentication is off")]
    NotEnabled,
    /// No enrolment was started, or it was replaced by a newer one meanwhile.
    #[error("no enrolment is waiting for confirmation")]
    NoEnrolment,
    /// Password, code or throttling refused the request.
    #[error(transparent)]
    Reauth(#[from] ReauthError),
    /// The notice could not be rendered.
    #[error("the notice could not be composed")]
    Compose(#[from] ComposeError),
    /// Storage failed.
    #[error("the two-factor operation failed unexpectedly")]
    Unexpected(#[from] StorageError),
}

/// What the security page shows about two-factor authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwoFactorStatus {
    /// Whether it is on.
    pub enabled: bool,
    /// When it was turned on.
    pub enabled_at: Option<OffsetDateTime>,
    /// Whether an enrolment waits for its confirming code.
    pub enrolment_pending: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
}

/// A started enrolment: what the client needs to add the account to an app. No
/// `Debug` output of the secret.
pub struct Enrolment {
    /// The seed in base32, to type in by hand.
    pub secret: String,
    /// The `otpauth://` URI.
    pub otpauth_uri: String,
    /// The URI as a QR code, in SVG.
    pub qr_svg: String,
}

impl fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Enrolment(<redacted>)")
    }
}

/// The ports [`TwoFactorEnrolments`] works with.
#[derive(Clone)]
pub struct TwoFactorEnrolmentPorts {
    /// Two-factor state and recovery codes.
    pub two_factor: Arc<dyn TwoFactorRepository>,
    /// Account names and addresses.
    pub contacts: Arc<dyn AccountContacts>,
    /// The notices' composer.
    pub composer: Arc<dyn NoticeComposer>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

/// TOTP enrolment, confirmation, recovery codes and turning it off.
#[derive(Clone)]
pub struct TwoFactorEnrolments {
    ports: TwoFactorEnrolmentPorts,
    vault: Arc<SeedVault>,
    reauth: Reauthentication,
    issuer: Arc<str>,
}

impl TwoFactorEnrolments {
    /// Wires the service.
    pub fn new(
        ports: TwoFactorEnrolmentPorts,
        vault: Arc<SeedVault>,
        reauth: Reauthentication,
    ) -> Self {
        Self {
            ports,
            vault,
            reauth,
            issuer: Arc::from(DEFAULT_ISSUER),
        }
    }

    /// The service, naming `issuer` (the portal's brand) in the enrolment URI that
    /// authenticator apps show.
    pub fn with_issuer(mut self, issuer: &str) -> Self {
        self.issuer = Arc::from(issuer);
        self
    }

    /// The account's two-factor status.
    #[tracing::instrument(name = "TwoFactorEnrolments::status", skip_all, fields(account = %account))]
    pub async fn status(&self, account: AccountId) -> Result<TwoFactorStatus, TwoFactorError> {
        let record = self.ports.two_factor.find(account).await?;
        let enabled_at = record.as_ref().and_then(|r| r.enabled_at);
        Ok(TwoFactorStatus {
            enabled: enabled_at.is_some(),
            enabled_at,
            enrolment_pending: record.is_some() && enabled_at.is_none(),
            recovery_codes_left: match enabled_at {
                Some(_) => self.ports.two_factor.recovery_codes_left(account).await?,
                None => 0,
            },
        })
    }

    /// Starts (or restarts) enrolment with a fresh seed. Nothing changes for logins
    /// until a code from the app confirms it.
    #[tracing::instrument(name = "TwoFactorEnrolments::start_enrolment", skip_all, fields(account = %account))]
    pub async fn start_enrolment(&self, account: AccountId) -> Result<Enrolment, TwoFactorError> {
        let context = self
            .ports
            .contacts
            .contact(account)
            .await?
            .ok_or(ReauthError::NotFound)?;
        let seed = TotpSeed::generate()?;
        let sealed = self.vault.seal(account, &seed)?;
        if !self
            .ports
            .two_factor
            .start_enrolment(account, &sealed, self.ports.clock.now())
            .await?
        {
            return Err(TwoFactorError::AlreadyEnabled);
        }
        let otpauth_uri = seed.otpauth_uri(&self.issuer, context.username.as_str())?;
        let qr_svg = qr::svg(&otpauth_uri).map_err(StorageError::new)?;
        Ok(Enrolment {
            secret: seed.to_base32(),
            otpauth_uri,
            qr_svg,
        })
    }

    /// Confirms enrolment with a current code from the app: two-factor is on from now
    /// and the first recovery codes are returned, the only time they are shown.
    #[tracing::instrument(name = "TwoFactorEnrolments::confirm", skip_all, fields(account = %account))]
    pub async fn confirm(
        &self,
        account: AccountId,
        code: &SecondFactorCode,
        client: &ClientInfo,
    ) -> Result<Vec<RecoveryCode>, TwoFactorError> {
        let budget = self.reauth.second_factor_claims(account);
        self.reauth.claim(account, client, &budget).await?;
        let record = self
            .ports
            .two_factor
            .find(account)
            .await?
            .ok_or(TwoFactorError::NoEnrolment)?;
        if record.is_enabled() {
            return Err(TwoFactorError::AlreadyEnabled);
        }
        let now = self.ports.clock.now();
        let seed = self
            .vault
            .open(account, &record.sealed_seed)
            .map_err(StorageError::new)?;
        let step = code.totp().and_then(|code| seed.matching_step(code, now));
        let Some(step) = step else {
            return Err(self
                .reauth
                .refused(
                    account,
                    client,
                    GuardedAction::TwoFactorConfirmation,
                    Failure::Code,
                )
                .await?
                .into());
        };
        self.reauth.succeeded(&budget).await?;
        let codes = RecoveryCode::generate_set()?;
        let enablement = Enablement {
            account,
            sealed_seed: record.sealed_seed,
            step,
            recovery_codes: codes.iter().map(RecoveryCode::digest).collect(),
            event: SecurityEvent::new(
                account,
                SecurityEventKind::TwoFactorEnabled,
                now,
                client,
                Some("factor: totp".into()),
            ),
            notices: self
                .notices(account, SettingChange::TwoFactorEnabled, client)
                .await?,
        };
        match self.ports.two_factor.enable(&enablement).await {
            Ok(()) => {
                tracing::info!(%account, "two-factor authentication enabled");
                Ok(codes)
            }
            Err(GuardedWriteError::Stale | GuardedWriteError::FactorUsed) => {
                Err(TwoFactorError::NoEnrolment)
            }
            Err(GuardedWriteError::Storage(error)) => Err(error.into()),
        }
    }

    /// Replaces every recovery code with a new set (password and code required).
    #[tracing::instrument(name = "TwoFactorEnrolments::renew_recovery_codes", skip_all, fields(account = %caller.account))]
    pub async fn renew_recovery_codes(
        &self,
        caller: Caller,
        password: &Password,
        code: &SecondFactorCode,
        client: &ClientInfo,
    ) -> Result<Vec<RecoveryCode>, TwoFactorError> {
        let action = GuardedAction::RecoveryCodeRenewal;
        let change = self
            .guarded_change(
                caller,
                password,
                code,
                client,
                action,
                (
                    SecurityEventKind::RecoveryCodesRenewed,
                    SettingChange::RecoveryCodesRenewed,
                ),
            )
            .await?;
        let codes = RecoveryCode::generate_set()?;
        let digests: Vec<_> = codes.iter().map(RecoveryCode::digest).collect();
        let written = self
            .ports
            .two_factor
            .renew_recovery_codes(&change, &digests)
            .await;
        self.settle(caller.account, client, action, written).await?;
        Ok(codes)
    }

    /// Turns two-factor off (password and code required).
    #[tracing::instrument(name = "TwoFactorEnrolments::disable", skip_all, fields(account = %caller.account))]
    pub async fn disable(
        &self,
        caller: Caller,
        password: &Password,
        code: &SecondFactorCode,
        client: &ClientInfo,
    ) -> Result<(), TwoFactorError> {
        let action = GuardedAction::TwoFactorRemoval;
        let change = self
            .guarded_change(
                caller,
                password,
                code,
                client,
                action,
                (
                    SecurityEventKind::TwoFactorDisabled,
                    SettingChange::TwoFactorDisabled,
                ),
            )
            .await?;
        let written = self.ports.two_factor.disable(&change).await;
        self.settle(caller.account, client, action, written).await?;
        tracing::info!(account = %caller.account, "two-factor authentication disabled");
        Ok(())
    }

    async fn guarded_change(
        &self,
        caller: Caller,
        password: &Password,
        code: &SecondFactorCode,
        client: &ClientInfo,
        action: GuardedAction,
        (kind, notice): (SecurityEventKind, SettingChange),
    ) -> Result<FactorGuardedChange, TwoFactorError> {
        let account = caller.account;
        let verified = self
            .reauth
            .verify(caller, password, Some(code), client, action)
            .await?;
        let Some(proof) = verified.proof else {
            return Err(TwoFactorError::NotEnabled);
        };
        Ok(FactorGuardedChange {
            account,
            event: SecurityEvent::new(
                account,
                kind,
                self.ports.clock.now(),
                client,
                Some(format!("factor: {}", proof.factor())),
            ),
            proof,
            notices: self.notices(account, notice, client).await?,
        })
    }

    /// Maps the outcome of a guarded write; a proof lost to a concurrent request
    /// counts as a wrong code.
    async fn settle(
        &self,
        account: AccountId,
        client: &ClientInfo,
        action: GuardedAction,
        written: Result<(), GuardedWriteError>,
    ) -> Result<(), TwoFactorError> {
        match written {
            Ok(()) => {
                self.reauth.code_used(account).await;
                Ok(())
            }
            Err(GuardedWriteError::FactorUsed) => {
                Err(self.reauth.fail(account, client, action).await?.into())
            }
            Err(GuardedWriteError::Stale) => Err(TwoFactorError::NotEnabled),
            Err(GuardedWriteError::Storage(error)) => Err(error.into()),
        }
    }

    async fn notices(
        &self,
        account: AccountId,
        notice: SettingChange,
        client: &ClientInfo,
    ) -> Result<Vec<NewMessage>, TwoFactorError> {
        security_notices(
            self.ports.contacts.as_ref(),
            self.ports.composer.as_ref(),
            account,
            notice,
            client,
        )
        .await
        .map_err(|error| match error {
            NoticeError::NotFound => ReauthError::NotFound.into(),
            NoticeError::Compose(source) => source.into(),
            NoticeError::Storage(source) => source.into(),
        })
    }
}

#[cfg(test)]
#[path = "two_factor_enrolments_tests.rs"]
mod tests;
