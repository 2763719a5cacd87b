//! `/v1/me/affiliate...`: the affiliate program for its members.

use std::sync::Arc;

use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_affiliate::{
    Balance, Campaign, Commission, Destination, DestinationInput, LandingUrl, Link, Overview,
    Payout, Referral,
};
use portico_kernel::{Currency, DestinationId, LinkId, Money};

use crate::api::ApiTags;
use crate::http::auth::SessionAuth;
use crate::http::client::client_info;
use crate::http::pagination::{next_cursor, page_request};
use crate::http::problem::ApiError;
use crate::http::timestamps::rfc3339;
use crate::wiring::Services;

/// An amount of money.
#[derive(Debug, Object)]
pub struct MoneyBody {
    /// Minor units (cents); never a float.
    amount_minor: i64,
    /// ISO 4217 code.
    currency: String,
}

impl From<Money> for MoneyBody {
    fn from(money: Money) -> Self {
        Self {
            amount_minor: money.amount_minor,
            currency: money.currency.to_string(),
        }
    }
}

/// Totals of one currency by state, in minor units.
#[derive(Debug, Object)]
pub struct BalanceBody {
    /// ISO 4217 code.
    currency: String,
    /// In the hold period.
    pending: i64,
    /// Payable now (clawbacks netted).
    approved: i64,
    /// Paid out.
    paid: i64,
}

impl From<Balance> for BalanceBody {
    fn from(b: Balance) -> Self {
        Self {
            currency: b.currency.to_string(),
            pending: b.pending,
            approved: b.approved,
            paid: b.paid,
        }
    }
}

/// My place in the program.
#[derive(Debug, Object)]
pub struct OverviewBody {
    /// `active` once joined, `not_joined` before.
    status: String,
    /// When I joined.
    #[oai(skip_serializing_if_is_none)]
    joined_at: Option<String>,
    /// Clicks on my links.
    clicks: u64,
    /// Accounts I referred.
    referrals: u64,
    /// Balances by currency and state.
    balances: Vec<BalanceBody>,
}

impl From<Option<Overview>> for OverviewBody {
    fn from(overview: Option<Overview>) -> Self {
        match overview {
            Some(o) => Self {
                status: "active".into(),
                joined_at: Some(rfc3339(o.joined_at)),
                clicks: o.clicks,
                referrals: o.referrals,
                balances: o.balances.into_iter().map(BalanceBody::from).collect(),
            },
            None => Self {
                status: "not_joined".into(),
                joined_at: None,
                clicks: 0,
                referrals: 0,
                balances: Vec::new(),
            },
        }
    }
}

/// A new link.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewLink {
    /// Where the link leads (http or https); the portal when absent.
    landing_url: Option<String>,
    /// A campaign name.
    campaign: Option<String>,
}

/// One of my links.
#[derive(Debug, Object)]
pub struct LinkBody {
    /// Its id.
    id: String,
    /// Its code.
    code: String,
    /// The URL to share.
    url: String,
    /// Where it leads.
    #[oai(skip_serializing_if_is_none)]
    landing_url: Option<String>,
    /// Its campaign.
    #[oai(skip_serializing_if_is_none)]
    campaign: Option<String>,
    /// When it was made.
    created_at: String,
}

/// A list that fits one page.
#[derive(Debug, Object)]
pub struct LinkList {
    /// The links, newest first.
    items: Vec<LinkBody>,
    /// Always `null`.
    next_cursor: Option<String>,
}

/// One referral (the referred client's identity is not shown).
#[derive(Debug, Object)]
pub struct ReferralBody {
    /// When the referred client registered.
    created_at: String,
    /// The link that brought them.
    link_id: String,
}

impl From<Referral> for ReferralBody {
    fn from(r: Referral) -> Self {
        Self {
            created_at: rfc3339(r.at),
            link_id: r.link.to_string(),
        }
    }
}

/// A page of referrals.
#[derive(Debug, Object)]
pub struct ReferralList {
    /// The referrals, newest first.
    items: Vec<ReferralBody>,
    /// Pass as `cursor` to read the next page; `null` on the last page.
    next_cursor: Option<String>,
}

/// One ledger entry.
#[derive(Debug, Object)]
pub struct CommissionBody {
    /// Its id.
    id: String,
    /// The amount; negative for a clawback or the reversed share of a refund.
    amount: MoneyBody,
    /// `pending`, `approved`, `paid` or `reversed`.
    status: String,
    /// When it was recorded.
    created_at: String,
    /// When it leaves the hold period.
    approve_after: String,
}

impl From<Commission> for CommissionBody {
    fn from(c: Commission) -> Self {
        Self {
            id: c.id.to_string(),
            amount: c.amount.into(),
            status: c.status.to_string(),
            created_at: rfc3339(c.created_at),
            approve_after: rfc3339(c.approve_after),
        }
    }
}

/// A page of the ledger.
#[derive(Debug, Object)]
pub struct CommissionList {
    /// The entries, newest first.
    items: Vec<CommissionBody>,
    /// Pass as `cursor` to read the next page; `null` on the last page.
    next_cursor: Option<String>,
}

/// A new payout destination.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewDestination {
    /// `paypal`, `bank_transfer` or `account_credit`.
    kind: String,
    /// PayPal: the account's email address.
    email: Option<String>,
    /// Bank transfer: the account holder.
    account_holder: Option<String>,
    /// Bank transfer: the IBAN (checked).
    iban: Option<String>,
    /// Bank transfer: the BIC.
    bic: Option<String>,
}

/// A payout destination.
#[derive(Debug, Object)]
pub struct DestinationBody {
    /// Its id.
    id: String,
    /// `paypal`, `bank_transfer` or `account_credit`.
    kind: String,
    /// A description that never shows a whole IBAN.
    description: String,
    /// When it was added.
    created_at: String,
}

impl From<Destination> for DestinationBody {
    fn from(d: Destination) -> Self {
        Self {
            id: d.id.to_string(),
            kind: d.kind.kind().into(),
            description: d.kind.describe(),
            created_at: rfc3339(d.created_at),
        }
    }
}

/// My destinations.
#[derive(Debug, Object)]
pub struct DestinationList {
    /// The destinations.
    items: Vec<DestinationBody>,
    /// Always `null`.
    next_cursor: Option<String>,
}

/// A payout request.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct PayoutRequestBody {
    /// Where to pay.
    destination_id: String,
    /// Which currency's balance; needed only when several have one.
    currency: Option<String>,
}

/// A payout.
#[derive(Debug, Object)]
pub struct PayoutBody {
    /// Its id.
    id: String,
    /// How much.
    amount: MoneyBody,
    /// `requested` or `paid`.
    status: String,
    /// Where to.
    destination_id: String,
    /// When it was asked for.
    requested_at: String,
    /// When it was paid.
    #[oai(skip_serializing_if_is_none)]
    paid_at: Option<String>,
}

impl From<Payout> for PayoutBody {
    fn from(p: Payout) -> Self {
        Self {
            id: p.id.to_string(),
            amount: p.amount.into(),
            status: p.status.as_str().into(),
            destination_id: p.destination.to_string(),
            requested_at: rfc3339(p.requested_at),
            paid_at: p.paid_at.map(rfc3339),
        }
    }
}

/// My payouts.
#[derive(Debug, Object)]
pub struct PayoutList {
    /// Newest first.
    items: Vec<PayoutBody>,
    /// Always `null`.
    next_cursor: Option<String>,
}

/// Answers with an overview.
#[derive(ApiResponse)]
pub enum OverviewResponse {
    /// The overview.
    #[oai(status = 200)]
    Ok(Json<OverviewBody>),
}

/// Answers of operations that create something.
#[derive(ApiResponse)]
pub enum Created<T: poem_openapi::types::ToJSON> {
    /// Created.
    #[oai(status = 201)]
    Created(Json<T>),
}

/// Answers of operations that read something.
#[derive(ApiResponse)]
pub enum Found<T: poem_openapi::types::ToJSON> {
    /// Found.
    #[oai(status = 200)]
    Ok(Json<T>),
}

/// Answers of deletions.
#[derive(ApiResponse)]
pub enum Removed {
    /// Removed.
    #[oai(status = 204)]
    Removed,
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

    /// With the program off, every affiliate endpoint answers as if it did not exist.
    fn enabled(&self) -> Result<(), ApiError> {
        if self.services.affiliate.enabled {
            Ok(())
        } else {
            Err(ApiError::not_found("resource"))
        }
    }

    fn link_body(&self, link: Link) -> LinkBody {
        LinkBody {
            id: link.id.to_string(),
            url: format!(
                "{}/r/{}",
                self.services.default_landing_url.trim_end_matches('/'),
                link.code
            ),
            code: link.code.to_string(),
            landing_url: link.landing_url.map(|u| u.as_str().to_owned()),
            campaign: link.campaign.map(|c| c.as_str().to_owned()),
            created_at: rfc3339(link.created_at),
        }
    }
}

fn destination_input(body: NewDestination) -> Result<DestinationInput, ApiError> {
    let missing = |field: &str| ApiError::invalid_field(field, "required for this kind");
    Ok(match body.kind.as_str() {
        "paypal" => DestinationInput::PayPal {
            email: body.email.ok_or_else(|| missing("email"))?,
        },
        "bank_transfer" => DestinationInput::BankTransfer {
            account_holder: body
                .account_holder
                .ok_or_else(|| missing("account_holder"))?,
            iban: body.iban.ok_or_else(|| missing("iban"))?,
            bic: body.bic,
        },
        "account_credit" => DestinationInput::AccountCredit,
        _ => {
            return Err(ApiError::invalid_field(
                "kind",
                "one of paypal, bank_transfer, account_credit",
            ));
        }
    })
}

#[OpenApi(prefix_path = "/v1/me/affiliate", tag = "ApiTags::Affiliate")]
impl AffiliateApi {
    /// My place in the program: status, clicks, referrals, balances by state.
    #[oai(path = "/", method = "get")]
    async fn overview(&self, auth: SessionAuth) -> Result<OverviewResponse, ApiError> {
        self.enabled()?;
        let overview = match self.services.program.overview(auth.0.account).await {
            Ok(overview) => Some(overview),
            Err(portico_affiliate::ProgramError::NotAffiliate) => None,
            Err(error) => return Err(error.into()),
        };
        Ok(OverviewResponse::Ok(Json(overview.into())))
    }

    /// Join the program (joining again is harmless).
    #[oai(path = "/", method = "post")]
    async fn join(&self, auth: SessionAuth) -> Result<OverviewResponse, ApiError> {
        self.enabled()?;
        let overview = self.services.program.join(auth.0.account).await?;
        Ok(OverviewResponse::Ok(Json(Some(overview).into())))
    }

    /// My links.
    #[oai(path = "/links", method = "get")]
    async fn links(&self, auth: SessionAuth) -> Result<Found<LinkList>, ApiError> {
        self.enabled()?;
        let links = self.services.program.links(auth.0.account).await?;
        Ok(Found::Ok(Json(LinkList {
            items: links.into_iter().map(|l| self.link_body(l)).collect(),
            next_cursor: None,
        })))
    }

    /// Make a link with a fresh unguessable code.
    #[oai(path = "/links", method = "post")]
    async fn add_link(
        &self,
        auth: SessionAuth,
        body: Json<NewLink>,
    ) -> Result<Created<LinkBody>, ApiError> {
        self.enabled()?;
        let landing_url = body
            .0
            .landing_url
            .as_deref()
            .map(LandingUrl::parse)
            .transpose()
            .map_err(|e| ApiError::invalid_field("landing_url", e))?;
        let campaign = body
            .0
            .campaign
            .as_deref()
            .map(Campaign::parse)
            .transpose()
            .map_err(|e| ApiError::invalid_field("campaign", e))?;
        let link = self
            .services
            .program
            .add_link(auth.0.account, landing_url, campaign)
            .await?;
        Ok(Created::Created(Json(self.link_body(link))))
    }

    /// Remove a link.
    #[oai(path = "/links/:id", method = "delete")]
    async fn remove_link(&self, auth: SessionAuth, id: Path<String>) -> Result<Removed, ApiError> {
        self.enabled()?;
        let id = LinkId::parse(&id.0).map_err(|_| ApiError::not_found("link"))?;
        self.services
            .program
            .remove_link(auth.0.account, id)
            .await?;
        Ok(Removed::Removed)
    }

    /// My referrals, newest first.
    #[oai(path = "/referrals", method = "get")]
    async fn referrals(
        &self,
        auth: SessionAuth,
        /// Items per page (default 50, at most 200).
        limit: Query<Option<u64>>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<Found<ReferralList>, ApiError> {
        self.enabled()?;
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let found = self
            .services
            .program
            .referrals(auth.0.account, &page)
            .await?;
        Ok(Found::Ok(Json(ReferralList {
            items: found.items.into_iter().map(ReferralBody::from).collect(),
            next_cursor: next_cursor(found.next_cursor),
        })))
    }

    /// My commission ledger, newest first.
    #[oai(path = "/commissions", method = "get")]
    async fn commissions(
        &self,
        auth: SessionAuth,
        /// Items per page (default 50, at most 200).
        limit: Query<Option<u64>>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<Found<CommissionList>, ApiError> {
        self.enabled()?;
        let page = page_request(limit.0, cursor.0.as_deref())?;
        self.services.program.overview(auth.0.account).await?;
        let found = self
            .services
            .ledger
            .commissions(auth.0.account, &page)
            .await?;
        Ok(Found::Ok(Json(CommissionList {
            items: found.items.into_iter().map(CommissionBody::from).collect(),
            next_cursor: next_cursor(found.next_cursor),
        })))
    }

    /// My payout destinations.
    #[oai(path = "/payout-destinations", method = "get")]
    async fn destinations(&self, auth: SessionAuth) -> Result<Found<DestinationList>, ApiError> {
        self.enabled()?;
        let found = self.services.payouts.destinations(auth.0.account).await?;
        Ok(Found::Ok(Json(DestinationList {
            items: found.into_iter().map(DestinationBody::from).collect(),
            next_cursor: None,
        })))
    }

    /// Add a payout destination (recorded and notified by mail).
    #[oai(path = "/payout-destinations", method = "post")]
    async fn add_destination(
        &self,
        req: &Request,
        auth: SessionAuth,
        body: Json<NewDestination>,
    ) -> Result<Created<DestinationBody>, ApiError> {
        self.enabled()?;
        let input = destination_input(body.0)?;
        let destination = self
            .services
            .payouts
            .add_destination(auth.0.account, input, &client_info(req))
            .await?;
        Ok(Created::Created(Json(destination.into())))
    }

    /// Remove a payout destination (recorded and notified by mail).
    #[oai(path = "/payout-destinations/:id", method = "delete")]
    async fn remove_destination(
        &self,
        req: &Request,
        auth: SessionAuth,
        id: Path<String>,
    ) -> Result<Removed, ApiError> {
        self.enabled()?;
        let id = DestinationId::parse(&id.0).map_err(|_| ApiError::not_found("destination"))?;
        self.services
            .payouts
            .remove_destination(auth.0.account, id, &client_info(req))
            .await?;
        Ok(Removed::Removed)
    }

    /// My payouts, newest first.
    #[oai(path = "/payouts", method = "get")]
    async fn payouts(&self, auth: SessionAuth) -> Result<Found<PayoutList>, ApiError> {
        self.enabled()?;
        let found = self.services.payouts.payouts(auth.0.account).await?;
        Ok(Found::Ok(Json(PayoutList {
            items: found.into_iter().map(PayoutBody::from).collect(),
            next_cursor: None,
        })))
    }

    /// Pay out the whole approved balance of one currency to a destination, if it
    /// reaches the minimum.
    #[oai(path = "/payouts", method = "post")]
    async fn request_payout(
        &self,
        auth: SessionAuth,
        body: Json<PayoutRequestBody>,
    ) -> Result<Created<PayoutBody>, ApiError> {
        self.enabled()?;
        let destination = DestinationId::parse(&body.0.destination_id)
            .map_err(|_| ApiError::invalid_field("destination_id", "no such destination"))?;
        let currency = body
            .0
            .currency
            .as_deref()
            .map(Currency::parse)
            .transpose()
            .map_err(|e| ApiError::invalid_field("currency", e))?;
        let payout = self
            .services
            .payouts
            .request(auth.0.account, destination, currency)
            .await?;
        Ok(Created::Created(Json(payout.into())))
    }
}
