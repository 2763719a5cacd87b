//! `My account > Affiliate program` (only while the program is on): join, the
//! overview with balances by state, links (create, copy, delete), referrals and the
//! commission ledger. Payouts are in [`crate::web::payouts`]. The same services and
//! checks as `/v1/me/affiliate`.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query};
use poem::{Request, Response, handler};
use portico_affiliate::ProgramError;
use portico_kernel::PageRequest;
use serde::Deserialize;

use crate::api::affiliate::{add_link, link_url, remove_link};
use crate::api::affiliate_bodies::NewLink;
use crate::http::pagination::{next_cursor, page_request};
use crate::http::problem::ApiError;
use crate::web::account::{AccountPage, ActionForm, Posted};
use crate::web::allowing_script;
use crate::web::display::{money, when};
use crate::web::guard::problem_page;
use crate::web::page::FormErrors;
use crate::wiring::Services;

/// A new link as posted; empty fields are none.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    landing_url: String,
    campaign: String,
    #[serde(flatten)]
    posted: Posted,
}

/// Which page of the commission ledger to show.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LedgerQuery {
    cursor: Option<String>,
}

/// An affiliate page, or the 404 the API gives while the program is off.
macro_rules! open_affiliate_page {
    ($services:expr, $req:expr) => {{
        let page = $crate::web::account::open_account_page!($services, $req);
        if let Err(error) = $crate::api::affiliate::program_enabled(&page.services) {
            return $crate::web::guard::problem_page(error, page.lang);
        }
        page
    }};
}
pub(crate) use open_affiliate_page;

/// `GET /account/affiliate`.
#[handler]
pub async fn affiliate_page(
    req: &Request,
    services: Data<&Arc<Services>>,
    Query(query): Query<LedgerQuery>,
) -> Response {
    let page = open_affiliate_page!(services, req);
    let notice = page.done_notice(req);
    show(
        &page,
        query.cursor.as_deref(),
        StatusCode::OK,
        FormErrors::none(),
        None,
        notice,
    )
    .await
}

/// `POST /account/affiliate/join`.
#[handler]
pub async fn join(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<ActionForm>,
) -> Response {
    let page = open_affiliate_page!(services, req);
    let change = async |_: &_| Ok::<_, ApiError>(page.services.program.join(page.account()).await?);
    page.answer(
        &form.posted,
        "join",
        change,
        "/account/affiliate?done=affiliate_joined",
        |refused| show(&page, None, refused.status, refused.errors, None, None),
    )
    .await
}

/// `POST /account/affiliate/links`.
#[handler]
pub async fn create_link(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<LinkForm>,
) -> Response {
    let page = open_affiliate_page!(services, req);
    let body = NewLink {
        landing_url: Some(form.landing_url.trim().to_owned()).filter(|url| !url.is_empty()),
        campaign: Some(form.campaign.trim().to_owned()).filter(|name| !name.is_empty()),
    };
    let change = async |_: &_| add_link(&page.services, page.account(), &body).await;
    let typed = minijinja::context! {
        landing_url => form.landing_url.clone(),
        campaign => form.campaign.clone(),
    };
    page.answer(
        &form.posted,
        "link",
        change,
        "/account/affiliate?done=link_created",
        |refused| {
            show(
                &page,
                None,
                refused.status,
                refused.errors,
                Some(typed),
                None,
            )
        },
    )
    .await
}

/// `POST /account/affiliate/links/{id}/remove`.
#[handler]
pub async fn delete_link(
    req: &Request,
    services: Data<&Arc<Services>>,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    let page = open_affiliate_page!(services, req);
    let change = async |_: &_| remove_link(&page.services, page.account(), &id).await;
    page.answer(
        &form.posted,
        &format!("remove-{id}"),
        change,
        "/account/affiliate?done=link_removed",
        |refused| show(&page, None, refused.status, refused.errors, None, None),
    )
    .await
}

/// The overview, or only the invitation to join before joining.
async fn show(
    page: &AccountPage,
    cursor: Option<&str>,
    status: StatusCode,
    errors: FormErrors,
    typed: Option<minijinja::Value>,
    notice: Option<String>,
) -> Response {
    let typed = typed.unwrap_or_else(|| minijinja::context! { landing_url => "", campaign => "" });
    let context = match read(page, cursor).await {
        Ok(context) => context,
        Err(error) => return problem_page(error, page.lang),
    };
    allowing_script(page.render(
        status,
        "affiliate.html",
        "affiliate",
        errors,
        minijinja::context! { typed, notice, section => "overview", ..context },
    ))
}

async fn read(page: &AccountPage, cursor: Option<&str>) -> Result<minijinja::Value, ApiError> {
    let services = &page.services;
    let account = page.account();
    let overview = match services.program.overview(account).await {
        Ok(overview) => overview,
        Err(ProgramError::NotAffiliate) => return Ok(minijinja::context! { joined => false }),
        Err(error) => return Err(error.into()),
    };
    let balances = overview
        .balances
        .iter()
        .map(|balance| {
            let currency = balance.currency.as_str();
            minijinja::context! {
                currency,
                pending => money(balance.pending, currency),
                approved => money(balance.approved, currency),
                paid => money(balance.paid, currency),
            }
        })
        .collect::<Vec<_>>();
    let links = services
        .program
        .links(account)
        .await?
        .into_iter()
        .map(|link| {
            minijinja::context! {
                id => link.id.to_string(),
                url => link_url(services, &link),
                landing_url => link.landing_url.as_ref().map(|url| url.as_str().to_owned()),
                campaign => link.campaign.as_ref().map(|name| name.as_str().to_owned()),
                created => when(link.created_at),
            }
        })
        .collect::<Vec<_>>();
    let referrals = services
        .program
        .referrals(account, &PageRequest::first())
        .await?
        .items
        .into_iter()
        .map(|referral| {
            minijinja::context! {
                at => when(referral.at),
                link => referral.link.to_string(),
            }
        })
        .collect::<Vec<_>>();
    let ledger = services
        .ledger
        .commissions(account, &page_request(Some(25), cursor)?)
        .await?;
    let commissions = ledger
        .items
        .into_iter()
        .map(|commission| {
            minijinja::context! {
                amount => money(commission.amount.amount_minor, commission.amount.currency.as_str()),
                status => commission.status.to_string(),
                at => when(commission.created_at),
                approve_after => when(commission.approve_after),
            }
        })
        .collect::<Vec<_>>();
    Ok(minijinja::context! {
        joined => true,
        joined_at => when(overview.joined_at),
        clicks => overview.clicks,
        referral_count => overview.referrals,
        balances,
        links,
        referrals,
        commissions,
        next => next_cursor(ledger.next_cursor),
        first_page => cursor.is_none(),
    })
}
