//! The invitee's side: accepting an invitation.

use crate::notice::DelegationNotice;
use portico_kernel::{AccountId, ClientInfo, SecretToken};

use crate::delegate::{Delegate, DelegateStatus};
use crate::ports::{Acceptance, DelegateEventKind};
use crate::services::delegates::{DelegateError, DelegatePorts};

/// Accepts delegate invitations.
#[derive(Clone)]
pub struct Invitations {
    ports: DelegatePorts,
}

impl Invitations {
    /// Wires the service.
    pub fn new(ports: DelegatePorts) -> Self {
        Self { ports }
    }

    /// Accepts the invitation a token belongs to, for the account `acceptor`, which
    /// must hold the invited address verified. The token works once and expires
    /// after 7 days; the owner is told by mail.
    #[tracing::instrument(name = "Invitations::accept", skip_all, fields(acceptor = %acceptor))]
    pub async fn accept(
        &self,
        acceptor: AccountId,
        token: &SecretToken,
        client: &ClientInfo,
    ) -> Result<Delegate, DelegateError> {
        let digest = token.digest();
        let now = self.ports.clock.now();
        let invitation = self
            .ports
            .delegates
            .find_invitation(&digest)
            .await?
            .filter(|d| d.status == DelegateStatus::Pending && d.expires_at > now)
            .ok_or(DelegateError::InvalidToken)?;
        if invitation.owner == acceptor {
            return Err(DelegateError::OwnInvitation);
        }
        let acceptor_contact = self.ports.contact(acceptor).await?;
        let holds_address = acceptor_contact.verified_emails.iter().any(|address| {
            address
                .as_str()
                .eq_ignore_ascii_case(invitation.email.as_str())
        });
        if !holds_address {
            return Err(DelegateError::WrongAccount);
        }
        let owner = self.ports.contact(invitation.owner).await?;
        let notice = self.ports.composer.compose(
            Some(invitation.owner),
            &owner.primary_email,
            owner.language.as_str(),
            &DelegationNotice::Accepted {
                owner: owner.username.clone(),
                delegate_email: invitation.email.clone(),
            },
        )?;
        let acceptance = Acceptance {
            id: invitation.id,
            digest,
            delegate: acceptor,
            at: now,
            event: self.ports.event(
                invitation.owner,
                DelegateEventKind::Accepted,
                client,
                &invitation.email,
                &invitation.scope,
            ),
            notices: vec![notice],
        };
        match self.ports.delegates.accept(&acceptance).await {
            Ok(()) => {}
            Err(crate::ports::DelegateWriteError::NotFound) => {
                return Err(DelegateError::InvalidToken);
            }
            Err(error) => return Err(error.into()),
        }
        tracing::info!(owner = %invitation.owner, delegate = %acceptor, "delegate invitation accepted");
        Ok(Delegate {
            status: DelegateStatus::Active,
            delegate: Some(acceptor),
            accepted_at: Some(now),
            ..invitation
        })
    }
}
