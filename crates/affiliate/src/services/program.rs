//! Joining the program and managing links.

use std::sync::Arc;

use portico_kernel::{AccountId, Clock, LinkId, Page, PageRequest, StorageError};

use crate::link::{Campaign, LandingHosts, LandingUrl, LinkCode};
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
    /// The landing URL's host is not on the allow-list
    /// (`PORTICO_AFFILIATE_LANDING_HOSTS`).
    #[error("the landing URL's host is not one that links may point to")]
    LandingHostNotAllowed,
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
    landing_hosts: LandingHosts,
}

impl Program {
    /// Wires the service; links may only land on `landing_hosts`.
    pub fn new(
        program: Arc<dyn ProgramRepository>,
        clock: Arc<dyn Clock>,
        landing_hosts: LandingHosts,
    ) -> Self {
        Self {
            program,
            clock,
            landing_hosts,
        }
    }

    /// Joins the program (joining twice is harmless) and returns the overview.
    #[tracing::instrument(name = "Program::join", skip_all, fields(account = %account))]
    pub async fn join(&self, account: AccountId) -> Result<Overview, ProgramError> {
        self.program.join(account, self.clock.now()).await?;
        self.overview(account).await
    }

    /// The account's overview: clicks, referrals, balances by currency and status.
    #[tracing::instrument(name = "Program::overview", skip_all, fields(account = %account))]
    pub async fn overview(&self, account: AccountId) -> Result<Overview, ProgramError> {
        self.program
            .overview(account, self.clock.now())
            .await?
            .ok_or(ProgramError::NotAffiliate)
    }

    /// Makes a link with a fresh unguessable code.
    #[tracing::instrument(name = "Program::add_link", skip_all, fields(affiliate = %affiliate))]
    pub async fn add_link(
        &self,
        affiliate: AccountId,
        landing_url: Option<LandingUrl>,
        campaign: Option<Campaign>,
    ) -> Result<Link, ProgramError> {
        if landing_url
            .as_ref()
            .is_some_and(|url| !self.landing_hosts.allows(url))
        {
            return Err(ProgramError::LandingHostNotAllowed);
        }
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
    #[tracing::instrument(name = "Program::links", skip_all, fields(affiliate = %affiliate))]
    pub async fn links(&self, affiliate: AccountId) -> Result<Vec<Link>, ProgramError> {
        self.overview(affiliate).await?;
        Ok(self.program.links(affiliate).await?)
    }

    /// Removes a link; its code stops counting clicks.
    #[tracing::instrument(name = "Program::remove_link", skip_all, fields(affiliate = %affiliate, id = %id))]
    pub async fn remove_link(&self, affiliate: AccountId, id: LinkId) -> Result<(), ProgramError> {
        if self.program.remove_link(affiliate, id).await? {
            Ok(())
        } else {
            Err(ProgramError::NotFound)
        }
    }

    /// One page of the affiliate's referrals.
    #[tracing::instrument(name = "Program::referrals", skip_all, fields(affiliate = %affiliate))]
    pub async fn referrals(
        &self,
        affiliate: AccountId,
        page: &PageRequest,
    ) -> Result<Page<Referral>, ProgramError> {
        self.overview(affiliate).await?;
        Ok(self.program.referrals(affiliate, page).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MockProgramRepository;
    use portico_kernel::FixedClock;
    use time::OffsetDateTime;

    fn program(repository: MockProgramRepository) -> Program {
        Program::new(
            Arc::new(repository),
            Arc::new(FixedClock::at(OffsetDateTime::UNIX_EPOCH)),
            LandingHosts::parse(["portal.example"]).unwrap(),
        )
    }

    fn member() -> MockProgramRepository {
        let mut repository = MockProgramRepository::new();
        repository.expect_overview().returning(|_, _| {
            Ok(Some(Overview {
                joined_at: OffsetDateTime::UNIX_EPOCH,
                clicks: 0,
                referrals: 0,
                balances: vec![],
            }))
        });
        repository.expect_links().returning(|_| Ok(vec![]));
        repository
    }

    #[tokio::test]
    async fn a_link_may_land_only_on_an_allowed_host() {
        let mut repository = member();
        repository
            .expect_add_link()
            .withf(|link| {
                link.landing_url
                    .as_ref()
                    .is_some_and(|u| u.as_str().contains("portal.example"))
            })
            .times(1)
            .returning(|_| Ok(()));
        let program = program(repository);
        let account = AccountId::generate();

        let elsewhere = LandingUrl::parse("https://phish.test/login").unwrap();
        assert!(matches!(
            program.add_link(account, Some(elsewhere), None).await,
            Err(ProgramError::LandingHostNotAllowed)
        ));
        let own = LandingUrl::parse("https://portal.example/offer").unwrap();
        let link = program.add_link(account, Some(own), None).await.unwrap();
        assert_eq!(link.code.as_str().len(), 12);
    }

    #[tokio::test]
    async fn a_link_without_a_landing_url_needs_no_host_and_a_stranger_is_told_to_join() {
        let mut repository = MockProgramRepository::new();
        repository.expect_overview().returning(|_, _| Ok(None));
        let program = program(repository);
        assert!(matches!(
            program.add_link(AccountId::generate(), None, None).await,
            Err(ProgramError::NotAffiliate)
        ));
    }
}
