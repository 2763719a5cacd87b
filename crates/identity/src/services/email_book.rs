//! An account's email addresses: adding, verifying, choosing the primary one,
//! editing and removing.

use std::sync::Arc;

use portico_kernel::{
    AccountId, ClientInfo, Clock, EmailAddress, EmailId, Page, PageRequest, SecretToken,
    StorageError,
};
use portico_kernel::{ComposeError, NewMessage, NoticeComposer};

use crate::notices::IdentityNotice;

use crate::account::{AccountEmail, Profile};
use crate::email_rules::RemovalRefused;
use crate::email_verification::{EmailVerification, Links};
use crate::ports::{
    AccountRepository, EmailAuditTrail, EmailChange, EmailRepository, EmailWriteError,
    RemoveEmailError, VerifyOutcome,
};

/// Why an email operation failed; nothing changed in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    /// The account has no address with this id (including another account's).
    #[error("no such email address")]
    NotFound,
    /// The address is already in use (by this or another account).
    #[error("this email address is already in use")]
    Taken,
    /// The account already has [`EmailBook::MAX_EMAILS`] addresses.
    #[error("an account has at most {max} email addresses")]
    LimitReached {
        /// The limit.
        max: u64,
    },
    /// Only a verified address can become primary.
    #[error("only a verified address can become the primary one")]
    NotVerified,
    /// The token is wrong, used up or expired.
    #[error("the verification link is not valid or has expired")]
    InvalidToken,
    /// The primary address cannot be edited or removed.
    #[error("the primary address cannot be changed this way; make another address primary first")]
    Primary,
    /// Another request changed the addresses at the same time; try again.
    #[error("the addresses changed meanwhile; try again")]
    Changed,
    /// The only verified address cannot be removed.
    #[error("the last verified address cannot be removed")]
    LastVerified,
    /// A notification could not be rendered.
    #[error("the notification could not be composed")]
    Compose(#[from] ComposeError),
    /// Storage failed.
    #[error("email storage failed")]
    Unexpected(#[from] StorageError),
}

impl From<EmailWriteError> for EmailError {
    fn from(error: EmailWriteError) -> Self {
        match error {
            EmailWriteError::NotFound => Self::NotFound,
            EmailWriteError::Taken => Self::Taken,
            EmailWriteError::Primary => Self::Primary,
            EmailWriteError::NotVerified => Self::NotVerified,
            EmailWriteError::LimitReached => Self::LimitReached {
                max: EmailBook::MAX_EMAILS,
            },
            EmailWriteError::Changed => Self::Changed,
            EmailWriteError::Unexpected(source) => Self::Unexpected(source),
        }
    }
}

impl From<RemoveEmailError> for EmailError {
    fn from(error: RemoveEmailError) -> Self {
        match error {
            RemoveEmailError::Refused(RemovalRefused::NotFound) => Self::NotFound,
            RemoveEmailError::Refused(RemovalRefused::Primary) => Self::Primary,
            RemoveEmailError::Refused(RemovalRefused::LastVerified) => Self::LastVerified,
            RemoveEmailError::Unexpected(source) => Self::Unexpected(source),
        }
    }
}

/// The email addresses of an account. Every change that needs the client to prove
/// ownership writes its verification mail in the same transaction.
#[derive(Clone)]
pub struct EmailBook {
    accounts: Arc<dyn AccountRepository>,
    emails: Arc<dyn EmailRepository>,
    composer: Arc<dyn NoticeComposer>,
    links: Links,
    clock: Arc<dyn Clock>,
    audit: Option<Arc<dyn EmailAuditTrail>>,
}

impl EmailBook {
    /// How many addresses one account may have.
    pub const MAX_EMAILS: u64 = 10;

    /// Wires the service.
    pub fn new(
        accounts: Arc<dyn AccountRepository>,
        emails: Arc<dyn EmailRepository>,
        composer: Arc<dyn NoticeComposer>,
        links: Links,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            accounts,
            emails,
            composer,
            links,
            clock,
            audit: None,
        }
    }

    /// Records every change in the account's security audit trail, right after the
    /// change itself (a failure to record is logged; the change stands).
    pub fn with_audit_trail(mut self, audit: Arc<dyn EmailAuditTrail>) -> Self {
        self.audit = Some(audit);
        self
    }

    async fn note(
        &self,
        account: AccountId,
        change: EmailChange,
        detail: String,
        client: &ClientInfo,
    ) {
        let Some(audit) = &self.audit else {
            return;
        };
        if let Err(error) = audit
            .record(account, change, detail, self.clock.now(), client)
            .await
        {
            tracing::warn!(%account, error = %error, "could not record an email change");
        }
    }

    /// One page of the account's addresses, oldest first.
    #[tracing::instrument(name = "EmailBook::list", skip_all, fields(account = %account))]
    pub async fn list(
        &self,
        account: AccountId,
        page: &PageRequest,
    ) -> Result<Page<AccountEmail>, EmailError> {
        Ok(self.emails.list(account, page).await?)
    }

    async fn profile(&self, account: AccountId) -> Result<Profile, EmailError> {
        self.accounts
            .profile(account)
            .await?
            .ok_or(EmailError::NotFound)
    }

    /// The verification mail for `address`, and the pending verification to store.
    fn verification_mail(
        &self,
        profile: &Profile,
        email_id: EmailId,
        address: &EmailAddress,
    ) -> Result<(EmailVerification, NewMessage), EmailError> {
        let (token, verification) = EmailVerification::issue(email_id, self.clock.now())?;
        let message = self.composer.compose(
            Some(profile.id),
            address,
            profile.language.as_str(),
            &IdentityNotice::VerifyEmail {
                username: profile.username.clone(),
                link: self.links.verify_email(email_id, &token),
            },
        )?;
        Ok((verification, message))
    }

    /// Adds an unverified address and mails it a verification link.
    #[tracing::instrument(name = "EmailBook::add", skip_all, fields(account = %account))]
    pub async fn add(
        &self,
        account: AccountId,
        address: EmailAddress,
        client: &ClientInfo,
    ) -> Result<AccountEmail, EmailError> {
        let profile = self.profile(account).await?;
        let email = AccountEmail {
            id: EmailId::generate(),
            address,
            verified: false,
            primary: false,
            created_at: self.clock.now(),
        };
        let (verification, message) = self.verification_mail(&profile, email.id, &email.address)?;
        self.emails
            .add(account, &email, &verification, &message, Self::MAX_EMAILS)
            .await?;
        self.note(
            account,
            EmailChange::Added,
            email.address.to_string(),
            client,
        )
        .await;
        Ok(email)
    }

    /// Replaces a non-primary address; the new one must be verified again.
    #[tracing::instrument(name = "EmailBook::change", skip_all, fields(account = %account, id = %id))]
    pub async fn change(
        &self,
        account: AccountId,
        id: EmailId,
        address: EmailAddress,
        client: &ClientInfo,
    ) -> Result<(), EmailError> {
        let profile = self.profile(account).await?;
        let (verification, message) = self.verification_mail(&profile, id, &address)?;
        self.emails
            .change_address(account, id, &address, &verification, &message)
            .await?;
        self.note(account, EmailChange::Changed, address.to_string(), client)
            .await;
        Ok(())
    }

    /// Confirms an address with the token from its verification link.
    #[tracing::instrument(name = "EmailBook::verify", skip_all, fields(account = %account, id = %id))]
    pub async fn verify(
        &self,
        account: AccountId,
        id: EmailId,
        token: &SecretToken,
        client: &ClientInfo,
    ) -> Result<(), EmailError> {
        match self
            .emails
            .verify(account, id, &token.digest(), self.clock.now())
            .await?
        {
            VerifyOutcome::Verified => {
                self.note(
                    account,
                    EmailChange::Verified,
                    format!("email {id}"),
                    client,
                )
                .await;
                Ok(())
            }
            VerifyOutcome::AlreadyVerified => Ok(()),
            VerifyOutcome::InvalidToken => Err(EmailError::InvalidToken),
            VerifyOutcome::NotFound => Err(EmailError::NotFound),
        }
    }

    /// Makes a verified address primary and tells the former primary address, if that
    /// one was verified (an unverified address may be a typo that belongs to someone
    /// else, who must not learn the new address).
    #[tracing::instrument(name = "EmailBook::make_primary", skip_all, fields(account = %account, id = %id))]
    pub async fn make_primary(
        &self,
        account: AccountId,
        id: EmailId,
        client: &ClientInfo,
    ) -> Result<(), EmailError> {
        let profile = self.profile(account).await?;
        let emails = self
            .emails
            .list(account, &PageRequest::first())
            .await?
            .items;
        let target = emails
            .iter()
            .find(|e| e.id == id)
            .ok_or(EmailError::NotFound)?;
        if target.primary {
            return Ok(());
        }
        if !target.verified {
            return Err(EmailError::NotVerified);
        }
        let Some(former) = emails.iter().find(|e| e.primary) else {
            return Err(EmailError::NotFound);
        };
        let notice = if former.verified {
            Some(self.composer.compose(
                Some(account),
                &former.address,
                profile.language.as_str(),
                &IdentityNotice::PrimaryEmailChanged {
                    username: profile.username.clone(),
                    new_address: target.address.clone(),
                },
            )?)
        } else {
            None
        };
        self.emails
            .make_primary(account, id, former.id, notice)
            .await?;
        self.note(
            account,
            EmailChange::MadePrimary,
            target.address.to_string(),
            client,
        )
        .await;
        Ok(())
    }

    /// Removes an address, never the primary or the last verified one.
    #[tracing::instrument(name = "EmailBook::remove", skip_all, fields(account = %account, id = %id))]
    pub async fn remove(
        &self,
        account: AccountId,
        id: EmailId,
        client: &ClientInfo,
    ) -> Result<(), EmailError> {
        self.emails.remove(account, id).await?;
        self.note(account, EmailChange::Removed, format!("email {id}"), client)
            .await;
        Ok(())
    }
}

#[cfg(test)]
#[path = "email_book_tests.rs"]
mod tests;
