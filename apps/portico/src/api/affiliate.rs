//! `/v1/me/affiliate...`: the affiliate program for its members.

use std::sync::Arc;

use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use portico_affiliate::{Campaign, Destination, LandingUrl, Link, Payout};
use portico_kernel::{AccountId, ClientInfo, Currency, DestinationId, LinkId};
use portico_security::Session;

use crate::api::ApiTags;
use crate::api::affiliate_answers::{
    AffiliateOverview, CommissionsFound, DestinationAdded, DestinationRemoved, DestinationsFound,
    LinkCreated, LinkRemoved, LinksFound, PayoutRequested, PayoutsFound, ProgramJoined,
    ReferralsFound,
};
use crate::api::affiliate_bodies::{
    CommissionBody, CommissionList, DestinationBody, DestinationList, LinkBody, LinkList,
    NewDestination, NewLink, PayoutBody, PayoutList, PayoutRequestBody, ReferralBody, ReferralList,
};
use crate::contract::operation_problems::OperationProblems;
use crate::http::auth::SessionAuth;
use crate::http::client::client_info;
use crate::http::pagination::{next_cursor, page_request};
use crate::http::problem::ApiError;
use crate::http::timestamps::rfc3339;
use crate::wiring::Services;

/// The problem types this module's operations answer beyond those their shape implies
/// (see `crate::contract`).
pub const PROBLEMS: &[OperationProblems] = &[
    OperationProblems {
        operation: "getAffiliateOverview",
        slugs: &["not-found"],
    },
    OperationProblems {
        operation: "joinAffiliateProgram",
        slugs: &["not-found"],
    },
    OperationProblems {
        operation: "listAffiliateLinks",
        slugs: &["not-found", "not-affiliate"],
    },
    OperationProblems {
        operation: "createAffiliateLink",
        slugs: &["not-found", "not-affiliate", "limit-reached"],
    },
    OperationProblems {
        operation: "removeAffiliateLink",
        slugs: &["not-found"],
    },
    OperationProblems {
        operation: "listReferrals",
        slugs: &["not-found", "not-affiliate"],
    },
    OperationProblems {
        operation: "listCommissions",
        slugs: &["not-found", "not-affiliate"],
    },
    OperationProblems {
        operation: "listPayoutDestinations",
        slugs: &["not-found", "not-affiliate"],
    },
    OperationProblems {
        operation: "addPayoutDestination",
        slugs: &["not-found", "reauthentication-required", "not-affiliate"],
    },
    OperationProblems {
        operation: "removePayoutDestination",
        slugs: &["not-found", "reauthentication-required"],
    },
    OperationProblems {
        operation: "listPayouts",
        slugs: &["not-found", "not-affiliate"],
    },
    OperationProblems {
        operation: "requestPayout",
        slugs: &[
            "not-found",
            "reauthentication-required",
            "not-affiliate",
            "payout-not-possible",
        ],
    },
];

/// With the program off, every affiliate endpoint (and `/r/{code}`) answers as if
/// it did not exist.
pub fn program_enabled(services: &Services) -> Result<(), ApiError> {
    if services.affiliate.enabled {
        Ok(())
    } else {
        Err(ApiError::not_found("resource"))
    }
}

/// The affiliate program.
pub struct AffiliateApi {
    services: Arc<Services>,
}

impl AffiliateApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }

    fn enabled(&self) -> Result<(), ApiError> {
        program_enabled(&self.services)
    }

    fn link_body(&self, link: Link) -> LinkBody {
        LinkBody {
            id: link.id.to_string(),
            url: link_url(&self.services, &link),
            code: link.code.to_string(),
            landing_url: link.landing_url.map(|u| u.as_str().to_owned()),
            campaign: link.campaign.map(|c| c.as_str().to_owned()),
            created_at: rfc3339(link.created_at),
        }
    }
}

impl NewLink {
    /// The landing URL and campaign, each optional.
    pub(crate) fn try_into_domain(
        &self,
    ) -> Result<(Option<LandingUrl>, Option<Campaign>), ApiError> {
        let landing_url = self
            .landing_url
            .as_deref()
            .map(LandingUrl::parse)
            .transpose()
            .map_err(|e| ApiError::invalid_field("landing_url", e))?;
        let campaign = self
            .campaign
            .as_deref()
            .map(Campaign::parse)
            .transpose()
            .map_err(|e| ApiError::invalid_field("campaign", e))?;
        Ok((landing_url, campaign))
    }
}

impl PayoutRequestBody {
    /// The destination and, when named, the currency.
    pub(crate) fn try_into_domain(&self) -> Result<(DestinationId, Option<Currency>), ApiError> {
        let destination = DestinationId::parse(&self.destination_id)
            .map_err(|_| ApiError::invalid_field("destination_id", "no such destination"))?;
        let currency = self
            .currency
            .as_deref()
            .map(Currency::parse)
            .transpose()
            .map_err(|e| ApiError::invalid_field("currency", e))?;
        Ok((destination, currency))
    }
}

#[OpenApi(prefix_path = "/v1/me/affiliate", tag = "ApiTags::Affiliate")]
impl AffiliateApi {
    /// Read my affiliate overview.
    ///
    /// My place in the affiliate program: status, clicks, referrals and balances by
    /// state.
    #[oai(path = "/", method = "get", operation_id = "getAffiliateOverview")]
    async fn overview(&self, auth: SessionAuth) -> Result<AffiliateOverview, ApiError> {
        self.enabled()?;
        let overview = match self.services.program.overview(auth.0.account).await {
            Ok(overview) => Some(overview),
            Err(portico_affiliate::ProgramError::NotAffiliate) => None,
            Err(error) => return Err(error.into()),
        };
        Ok(AffiliateOverview::Answer(Json(overview.into())))
    }

    /// Join the affiliate program.
    ///
    /// Joining again changes nothing.
    #[oai(path = "/", method = "post", operation_id = "joinAffiliateProgram")]
    async fn join(&self, auth: SessionAuth) -> Result<ProgramJoined, ApiError> {
        self.enabled()?;
        let overview = self.services.program.join(auth.0.account).await?;
        Ok(ProgramJoined::Answer(Json(Some(overview).into())))
    }

    /// List my affiliate links.
    ///
    /// Each link with its code, the URL to share, its landing page and its clicks.
    #[oai(path = "/links", method = "get", operation_id = "listAffiliateLinks")]
    async fn links(&self, auth: SessionAuth) -> Result<LinksFound, ApiError> {
        self.enabled()?;
        let links = self.services.program.links(auth.0.account).await?;
        Ok(LinksFound::Answer(Json(LinkList {
            items: links.into_iter().map(|l| self.link_body(l)).collect(),
            next_cursor: None,
        })))
    }

    /// Create an affiliate link.
    ///
    /// The link gets a fresh, unguessable code. A landing URL, when given, must be on
    /// one of the portal's own hosts. An account holds at most 100 links.
    #[oai(path = "/links", method = "post", operation_id = "createAffiliateLink")]
    async fn add_link(
        &self,
        auth: SessionAuth,
        body: Json<NewLink>,
    ) -> Result<LinkCreated, ApiError> {
        self.enabled()?;
        let link = add_link(&self.services, auth.0.account, &body.0).await?;
        Ok(LinkCreated::Answer(Json(self.link_body(link))))
    }

    /// Remove an affiliate link.
    ///
    /// Its code leads to the portal from now on; referrals it brought stay.
    #[oai(
        path = "/links/:id",
        method = "delete",
        operation_id = "removeAffiliateLink"
    )]
    async fn remove_link(
        &self,
        auth: SessionAuth,
        id: Path<String>,
    ) -> Result<LinkRemoved, ApiError> {
        self.enabled()?;
        remove_link(&self.services, auth.0.account, &id.0).await?;
        Ok(LinkRemoved::Answer)
    }

    /// List my referrals.
    ///
    /// The accounts my links brought, newest first.
    #[oai(path = "/referrals", method = "get", operation_id = "listReferrals")]
    async fn referrals(
        &self,
        auth: SessionAuth,
        /// Items per page (default 50, at most 200).
        limit: Query<Option<u64>>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<ReferralsFound, ApiError> {
        self.enabled()?;
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let found = self
            .services
            .program
            .referrals(auth.0.account, &page)
            .await?;
        Ok(ReferralsFound::Answer(Json(ReferralList {
            items: found.items.into_iter().map(ReferralBody::from).collect(),
            next_cursor: next_cursor(found.next_cursor),
        })))
    }

    /// List my commissions.
    ///
    /// My commission ledger, newest first. A commission is `pending` while its payment
    /// may still be refunded (the hold period), then `approved` and payable.
    #[oai(
        path = "/commissions",
        method = "get",
        operation_id = "listCommissions"
    )]
    async fn commissions(
        &self,
        auth: SessionAuth,
        /// Items per page (default 50, at most 200).
        limit: Query<Option<u64>>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<CommissionsFound, ApiError> {
        self.enabled()?;
        let page = page_request(limit.0, cursor.0.as_deref())?;
        self.services.program.overview(auth.0.account).await?;
        let found = self
            .services
            .ledger
            .commissions(auth.0.account, &page)
            .await?;
        Ok(CommissionsFound::Answer(Json(CommissionList {
            items: found.items.into_iter().map(CommissionBody::from).collect(),
            next_cursor: next_cursor(found.next_cursor),
        })))
    }

    /// List my payout destinations.
    ///
    /// Where my payouts can be sent.
    #[oai(
        path = "/payout-destinations",
        method = "get",
        operation_id = "listPayoutDestinations"
    )]
    async fn destinations(&self, auth: SessionAuth) -> Result<DestinationsFound, ApiError> {
        self.enabled()?;
        let found = self.services.payouts.destinations(auth.0.account).await?;
        Ok(DestinationsFound::Answer(Json(DestinationList {
            items: found.into_iter().map(DestinationBody::from).collect(),
            next_cursor: None,
        })))
    }

    /// Add a payout destination.
    ///
    /// A PayPal address, a bank account (IBAN) or a credit on my account. The change is
    /// recorded and a notice is mailed to my primary address. Needs a recent proof of
    /// the password.
    #[oai(
        path = "/payout-destinations",
        method = "post",
        operation_id = "addPayoutDestination"
    )]
    async fn add_destination(
        &self,
        req: &Request,
        auth: SessionAuth,
        body: Json<NewDestination>,
    ) -> Result<DestinationAdded, ApiError> {
        self.enabled()?;
        let destination =
            add_destination(&self.services, &auth.0, &client_info(req), body.0).await?;
        Ok(DestinationAdded::Answer(Json(destination.into())))
    }

    /// Remove a payout destination.
    ///
    /// The change is recorded and a notice is mailed to my primary address. Needs a
    /// recent proof of the password.
    #[oai(
        path = "/payout-destinations/:id",
        method = "delete",
        operation_id = "removePayoutDestination"
    )]
    async fn remove_destination(
        &self,
        req: &Request,
        auth: SessionAuth,
        id: Path<String>,
    ) -> Result<DestinationRemoved, ApiError> {
        self.enabled()?;
        remove_destination(&self.services, &auth.0, &client_info(req), &id.0).await?;
        Ok(DestinationRemoved::Answer)
    }

    /// List my payouts.
    ///
    /// My payouts, newest first, with their state.
    #[oai(path = "/payouts", method = "get", operation_id = "listPayouts")]
    async fn payouts(&self, auth: SessionAuth) -> Result<PayoutsFound, ApiError> {
        self.enabled()?;
        let found = self.services.payouts.payouts(auth.0.account).await?;
        Ok(PayoutsFound::Answer(Json(PayoutList {
            items: found.into_iter().map(PayoutBody::from).collect(),
            next_cursor: None,
        })))
    }

    /// Request a payout.
    ///
    /// Pays out the whole approved balance of one currency to one of my destinations,
    /// when it reaches the program's minimum. Needs a recent proof of the password.
    #[oai(path = "/payouts", method = "post", operation_id = "requestPayout")]
    async fn request_payout(
        &self,
        req: &Request,
        auth: SessionAuth,
        body: Json<PayoutRequestBody>,
    ) -> Result<PayoutRequested, ApiError> {
        self.enabled()?;
        let payout = request_payout(&self.services, &auth.0, &client_info(req), &body.0).await?;
        Ok(PayoutRequested::Answer(Json(payout.into())))
    }
}

// The changes themselves, shared by the API and the client-area pages (which check
// that the program is on before any of them).

/// The URL a link shares.
pub(crate) fn link_url(services: &Services, link: &Link) -> String {
    format!(
        "{}/r/{}",
        services.public_base_url.trim_end_matches('/'),
        link.code
    )
}

/// Makes a link with a fresh code.
pub(crate) async fn add_link(
    services: &Services,
    account: AccountId,
    body: &NewLink,
) -> Result<Link, ApiError> {
    let (landing_url, campaign) = body.try_into_domain()?;
    Ok(services
        .program
        .add_link(account, landing_url, campaign)
        .await?)
}

/// Removes the link `id`.
pub(crate) async fn remove_link(
    services: &Services,
    account: AccountId,
    id: &str,
) -> Result<(), ApiError> {
    let id = LinkId::parse(id).map_err(|_| ApiError::not_found("link"))?;
    Ok(services.program.remove_link(account, id).await?)
}

/// Adds a payout destination, after the step-up.
pub(crate) async fn add_destination(
    services: &Services,
    session: &Session,
    client: &ClientInfo,
    body: NewDestination,
) -> Result<Destination, ApiError> {
    services.step_up.require(session, client).await?;
    let input = body.try_into_domain()?;
    // Membership before the values, so a non-member hears "join first" whatever it
    // typed; the service checks it again for embedders that call it directly.
    services.payouts.require_affiliate(session.account).await?;
    let kind = input.try_into_kind()?;
    Ok(services
        .payouts
        .add_destination(session.account, kind, client)
        .await?)
}

/// Removes the payout destination `id`, after the step-up.
pub(crate) async fn remove_destination(
    services: &Services,
    session: &Session,
    client: &ClientInfo,
    id: &str,
) -> Result<(), ApiError> {
    services.step_up.require(session, client).await?;
    let id = DestinationId::parse(id).map_err(|_| ApiError::not_found("destination"))?;
    Ok(services
        .payouts
        .remove_destination(session.account, id, client)
        .await?)
}

/// Pays out the approved balance to a destination, after the step-up.
pub(crate) async fn request_payout(
    services: &Services,
    session: &Session,
    client: &ClientInfo,
    body: &PayoutRequestBody,
) -> Result<Payout, ApiError> {
    services.step_up.require(session, client).await?;
    let (destination, currency) = body.try_into_domain()?;
    Ok(services
        .payouts
        .request(session.account, destination, currency)
        .await?)
}
