//! Clicks on links and the referrals they lead to.

use std::sync::Arc;

use portico_kernel::{AccountId, ClientInfo, Clock, StorageError};
use time::OffsetDateTime;

use crate::link::{LandingHosts, LandingUrl, LinkCode};
use crate::model::{Click, ClickHasher, Referral};
use crate::ports::ProgramRepository;
use crate::settings::ProgramSettings;

/// A visit to `/r/{code}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// The code, when it names a link (the click was recorded).
    pub code: Option<LinkCode>,
    /// Where to send the visitor; `None` for the configured default.
    pub landing_url: Option<LandingUrl>,
}

impl Visit {
    /// A visit that names no link (an unknown or malformed code): nothing is recorded
    /// and the visitor lands on the configured default.
    pub fn nowhere() -> Self {
        Self {
            code: None,
            landing_url: None,
        }
    }
}

/// Records clicks and referrals.
#[derive(Clone)]
pub struct Tracking {
    program: Arc<dyn ProgramRepository>,
    hasher: ClickHasher,
    clock: Arc<dyn Clock>,
    settings: ProgramSettings,
    landing_hosts: LandingHosts,
}

impl Tracking {
    /// Wires the service; visitors are only ever sent to `landing_hosts`.
    pub fn new(
        program: Arc<dyn ProgramRepository>,
        hasher: ClickHasher,
        clock: Arc<dyn Clock>,
        settings: ProgramSettings,
        landing_hosts: LandingHosts,
    ) -> Self {
        Self {
            program,
            hasher,
            clock,
            settings,
            landing_hosts,
        }
    }

    /// Records a click on the link with `code` (client address and user agent only
    /// as keyed digests). An unknown code records nothing and lands on the default;
    /// so does a link whose stored landing URL is no longer on an allowed host (the
    /// list may have changed since it was made).
    #[tracing::instrument(name = "Tracking::visit", skip_all)]
    pub async fn visit(&self, code: &LinkCode, client: &ClientInfo) -> Result<Visit, StorageError> {
        let Some(link) = self.program.link_by_code(code).await? else {
            return Ok(Visit::nowhere());
        };
        self.program
            .record_click(&Click {
                link: link.id,
                at: self.clock.now(),
                address_digest: self.hasher.address(client.ip),
                user_agent_digest: self.hasher.user_agent(client.user_agent.as_deref()),
            })
            .await?;
        Ok(Visit {
            code: Some(link.code),
            landing_url: link
                .landing_url
                .filter(|url| self.landing_hosts.allows(url)),
        })
    }

    /// Records who referred a newly registered account: the link's affiliate, if the
    /// code names a link, the click (when known) is within the attribution window,
    /// and the affiliate is not the account itself. The first referrer stays.
    /// `true` when a referral was recorded.
    #[tracing::instrument(name = "Tracking::refer", skip_all, fields(referred = %referred))]
    pub async fn refer(
        &self,
        referred: AccountId,
        code: &LinkCode,
        clicked_at: Option<OffsetDateTime>,
    ) -> Result<bool, StorageError> {
        let now = self.clock.now();
        if clicked_at.is_some_and(|at| now - at > self.settings.attribution_window || at > now) {
            return Ok(false);
        }
        let Some(link) = self.program.link_by_code(code).await? else {
            return Ok(false);
        };
        if link.affiliate == referred {
            return Ok(false);
        }
        self.program
            .add_referral(&Referral {
                referred,
                affiliate: link.affiliate,
                link: link.id,
                at: now,
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Link;
    use crate::ports::MockProgramRepository;
    use portico_kernel::{FixedClock, LinkId};
    use time::Duration;

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap()
    }

    fn tracking(program: MockProgramRepository) -> Tracking {
        Tracking::new(
            Arc::new(program),
            ClickHasher::new([4; 32]),
            Arc::new(FixedClock::at(now())),
            ProgramSettings::default(),
            LandingHosts::parse(["portal.example"]).unwrap(),
        )
    }

    fn code(text: &str) -> LinkCode {
        LinkCode::parse(text).unwrap()
    }

    fn link(affiliate: AccountId) -> Link {
        Link {
            id: LinkId::generate(),
            affiliate,
            code: LinkCode::parse("abcdefghjkmn").unwrap(),
            landing_url: None,
            campaign: None,
            created_at: now(),
        }
    }

    #[tokio::test]
    async fn a_click_keeps_only_digests_and_an_unknown_code_records_nothing() {
        let affiliate = AccountId::generate();
        let mut program = MockProgramRepository::new();
        program
            .expect_link_by_code()
            .returning(move |code| Ok((code.as_str() == "abcdefghjkmn").then(|| link(affiliate))));
        program
            .expect_record_click()
            .withf(|click| {
                click
                    .address_digest
                    .as_ref()
                    .is_some_and(|d| d.len() == 64 && !d.contains("192"))
                    && click.user_agent_digest.is_some()
            })
            .times(1)
            .returning(|_| Ok(()));
        let client = ClientInfo::new("192.0.2.1".parse().ok(), Some("browser"));
        let tracking = tracking(program);

        let known = tracking
            .visit(&code("abcdefghjkmn"), &client)
            .await
            .unwrap();
        let unknown = tracking
            .visit(&code("zzzzzzzzzzzz"), &client)
            .await
            .unwrap();

        assert!(known.code.is_some());
        assert_eq!(unknown.code, None);
        assert!(
            LinkCode::parse("<script>").is_err(),
            "junk never reaches the lookup"
        );
    }

    #[tokio::test]
    async fn a_stored_landing_url_off_the_allowed_hosts_lands_on_the_default() {
        let affiliate = AccountId::generate();
        let mut program = MockProgramRepository::new();
        program.expect_link_by_code().returning(move |code| {
            let landing = match code.as_str() {
                "abcdefghjkmn" => "https://portal.example/offer",
                _ => "https://elsewhere.test/login",
            };
            Ok(Some(Link {
                code: code.clone(),
                landing_url: Some(LandingUrl::parse(landing).unwrap()),
                ..link(affiliate)
            }))
        });
        program.expect_record_click().returning(|_| Ok(()));
        let tracking = tracking(program);
        let client = ClientInfo::default();

        let allowed = tracking
            .visit(&code("abcdefghjkmn"), &client)
            .await
            .unwrap();
        let elsewhere = tracking
            .visit(&code("pqrstvwxyz23"), &client)
            .await
            .unwrap();

        assert_eq!(
            allowed.landing_url.map(|u| u.as_str().to_owned()),
            Some("https://portal.example/offer".to_owned())
        );
        assert!(elsewhere.code.is_some(), "the click still counts");
        assert_eq!(elsewhere.landing_url, None);
    }

    #[tokio::test]
    async fn nobody_refers_themselves_or_after_the_window() {
        let affiliate = AccountId::generate();
        let mut program = MockProgramRepository::new();
        program
            .expect_link_by_code()
            .returning(move |_| Ok(Some(link(affiliate))));
        program
            .expect_add_referral()
            .withf(move |r| r.affiliate == affiliate)
            .times(1)
            .returning(|_| Ok(true));
        let tracking = tracking(program);

        assert!(
            !tracking
                .refer(affiliate, &code("abcdefghjkmn"), None)
                .await
                .unwrap()
        );
        let stale = Some(now() - Duration::days(31));
        assert!(
            !tracking
                .refer(AccountId::generate(), &code("abcdefghjkmn"), stale)
                .await
                .unwrap()
        );
        let fresh = Some(now() - Duration::days(2));
        assert!(
            tracking
                .refer(AccountId::generate(), &code("abcdefghjkmn"), fresh)
                .await
                .unwrap()
        );
    }
}
