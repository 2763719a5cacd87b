//! Changing the username: password and, with two-factor on, a code in the same
//! request; all or nothing.

use portico_kernel::mail::compose_for_account;
use portico_kernel::{
    AccountContacts, Clock, ComposeError, NoticeComposer, Password, StorageError, Username,
};
use std::sync::Arc;

use crate::events::{SecurityEvent, SecurityEventKind};
use crate::notice::SecurityNotice;
use crate::ports::{UsernameChange, UsernameRepository, UsernameWriteError};
use crate::second_factor_code::SecondFactorCode;
use crate::services::reauth::{Caller, GuardedAction, ReauthError, Reauthentication};
use crate::session::ClientInfo;

/// Why the username was not changed; nothing changed in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum UsernameChangeError {
    /// It is exactly the current username (a change of case only is a change).
    #[error("this is already your username")]
    Unchanged,
    /// Another account uses it.
    #[error("the username is taken")]
    Taken,
    /// Password, code or throttling refused the request.
    #[error(transparent)]
    Reauth(#[from] ReauthError),
    /// The notice could not be rendered.
    #[error("the notice could not be composed")]
    Compose(#[from] ComposeError),
    /// Storage failed.
    #[error("the username change failed unexpectedly")]
    Unexpected(#[from] StorageError),
}

/// The ports [`UsernameChanges`] works with.
#[derive(Clone)]
pub struct UsernameChangePorts {
    /// Usernames.
    pub usernames: Arc<dyn UsernameRepository>,
    /// Account names and addresses.
    pub contacts: Arc<dyn AccountContacts>,
    /// The notices' composer.
    pub composer: Arc<dyn NoticeComposer>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

/// Changes usernames.
#[derive(Clone)]
pub struct UsernameChanges {
    ports: UsernameChangePorts,
    reauth: Reauthentication,
}

impl UsernameChanges {
    /// Wires the service.
    pub fn new(ports: UsernameChangePorts, reauth: Reauthentication) -> Self {
        Self { ports, reauth }
    }

    /// Changes the account's username to `username` (already a valid one: a typo is
    /// refused where the request comes in, before anything is counted). An unchanged
    /// name is refused next, then the password and code are checked; the new name,
    /// the used-up code, the event and the notices are written together.
    #[tracing::instrument(name = "UsernameChanges::change", skip_all, fields(account = %caller.account))]
    pub async fn change(
        &self,
        caller: Caller,
        username: Username,
        password: &Password,
        code: Option<&SecondFactorCode>,
        client: &ClientInfo,
    ) -> Result<Username, UsernameChangeError> {
        let account = caller.account;
        let context = self
            .ports
            .contacts
            .contact(account)
            .await?
            .ok_or(ReauthError::NotFound)?;
        if context.username.as_str() == username.as_str() {
            return Err(UsernameChangeError::Unchanged);
        }
        let action = GuardedAction::UsernameChange;
        let verified = self
            .reauth
            .verify(caller, password, code, client, action)
            .await?;
        let now = self.ports.clock.now();
        let change = UsernameChange {
            account,
            username: username.clone(),
            proof: verified.proof,
            event: SecurityEvent::new(
                account,
                SecurityEventKind::UsernameChanged,
                now,
                client,
                Some(format!(
                    "from {} to {}",
                    context.username,
                    username.as_str()
                )),
            ),
            notices: compose_for_account(
                self.ports.composer.as_ref(),
                account,
                &context,
                &SecurityNotice::UsernameChanged {
                    old_username: context.username.clone(),
                    new_username: username.clone(),
                    ip: client.ip,
                },
            )?,
        };
        match self.ports.usernames.change_username(&change).await {
            Ok(()) => {
                if change.proof.is_some() {
                    self.reauth.code_used(account).await;
                }
                tracing::info!(%account, "username changed");
                Ok(username)
            }
            Err(UsernameWriteError::Taken) => {
                // Not a wrong code: the code stays unused, and its claim goes back.
                if change.proof.is_some() {
                    self.reauth.code_not_judged(account).await?;
                }
                Err(UsernameChangeError::Taken)
            }
            Err(UsernameWriteError::FactorUsed) => {
                Err(self.reauth.fail(account, client, action).await?.into())
            }
            Err(UsernameWriteError::Storage(error)) => Err(error.into()),
        }
    }
}

#[cfg(test)]
#[path = "username_change_tests.rs"]
mod tests;
