//! Joining the program and managing links.

use std::sync::Arc;

use portico_kernel::{AccountId, Clock, LinkId, Page, PageRequest, StorageError};

use crate::link::{Campaign, LandingUrl, LinkCode};
use crate::model::{Link, Overview, Referral};
use crate::ports::ProgramRepository;

/// Why a program operation changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum ProgramError {
    /// The account has not joined the program.
    #[error("join the affiliate program first")]
    NotAffiliate,
    /// The account has no such link.
    #[error("no such link")]
    NotFound,
    /// The affiliate already has [`MAX_LINKS`] links.
    #[error("an affiliate has at most {MAX_LINKS} links")]
    TooManyLinks,
    /// Storage failed.
    #[error("the affiliate operation failed unexpectedly")]
    Unexpected(#[from] StorageError),
}

/// Most links one affiliate may have.
pub const MAX_LINKS: usize = 100;

/// Membership and links.
#[derive(Clone)]
pub struct Program {
    program: Arc<dyn ProgramRepository>,
    clock: Arc<dyn Clock>,
}

impl Program {
    /// Wires the service.
    pub fn new(program: Arc<dyn ProgramRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { program, clock }
    }

    /// Joins the program (joining twice is harmless) and returns the overview.
    pub async fn join(&self, account: AccountId) -> Result<Overview, ProgramError> {
        self.program.join(account, self.clock.now()).await?;
        self.overview(account).await
    }

    /// The account's overview: clicks, referrals, balances by currency and status.
    pub async fn overview(&self, account: AccountId) -> Result<Overview, ProgramError> {
        self.program
            .overview(account, self.clock.now())
            .await?
            .ok_or(ProgramError::NotAffiliate)
    }

    /// Makes a link with a fresh unguessable code.
    pub async fn add_link(
        &self,
        affiliate: AccountId,
        landing_url: Option<LandingUrl>,
        campaign: Option<Campaign>,
    ) -> Result<Link, ProgramError> {
        self.overview(affiliate).await?;
        if self.program.links(affiliate).await?.len() >= MAX_LINKS {
            return Err(ProgramError::TooManyLinks);
        }
        let link = Link {
            id: LinkId::generate(),
            affiliate,
            code: LinkCode::generate()?,
            landing_url,
            campaign,
            created_at: self.clock.now(),
        };
        self.program.add_link(&link).await?;
        Ok(link)
    }

    /// The affiliate's links.
    pub async fn links(&self, affiliate: AccountId) -> Result<Vec<Link>, ProgramError> {
        self.overview(affiliate).await?;
        Ok(self.program.links(affiliate).await?)
    }

    /// Removes a link; its code stops counting clicks.
    pub async fn remove_link(&self, affiliate: AccountId, id: LinkId) -> Result<(), ProgramError> {
        if self.program.remove_link(affiliate, id).await? {
            Ok(())
        } else {
            Err(ProgramError::NotFound)
        }
    }

    /// One page of the affiliate's referrals.
    pub async fn referrals(
        &self,
        affiliate: AccountId,
        page: &PageRequest,
    ) -> Result<Page<Referral>, ProgramError> {
        self.overview(affiliate).await?;
        Ok(self.program.referrals(affiliate, page).await?)
    }
}
