//! `My account > Affiliate program > Payouts`: payout destinations (PayPal, bank
//! transfer with IBAN, account credit), a payout of the approved balance, and the
//! payout history; the same changes as `/v1/me/affiliate/payout-destinations` and
//! `/v1/me/affiliate/payouts`.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Request, Response, handler};
use portico_affiliate::ProgramError;
use serde::Deserialize;

use crate::api::affiliate::{add_destination, remove_destination, request_payout};
use crate::api::affiliate_bodies::{NewDestination, PayoutRequestBody, kind_uses};
use crate::http::problem::ApiError;
use crate::web::account::{AccountPage, ActionForm, Posted};
use crate::web::affiliate::open_affiliate_page;
use crate::web::display::{money, when};
use crate::web::guard::problem_page;
use crate::web::page::FormErrors;
use crate::wiring::Services;

/// A destination as posted: the fields of its kind (the others are ignored).
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct DestinationForm {
    kind: String,
    email: String,
    account_holder: String,
    iban: String,
    bic: String,
    #[serde(flatten)]
    posted: Posted,
}

impl DestinationForm {
    /// The body, with the fields of the chosen kind only: the form shows every
    /// kind's fields, and what was typed into another kind's is not meant.
    fn body(&self) -> NewDestination {
        let given = |field: &str, text: &str| {
            Some(text.trim().to_owned())
                .filter(|text| !text.is_empty() && kind_uses(&self.kind, field))
        };
        NewDestination {
            kind: self.kind.clone(),
            email: given("email", &self.email),
            account_holder: given("account_holder", &self.account_holder),
            iban: given("iban", &self.iban),
            bic: given("bic", &self.bic),
        }
    }

    fn typed(&self) -> minijinja::Value {
        minijinja::context! {
            kind => self.kind.clone(),
            email => self.email.clone(),
            account_holder => self.account_holder.clone(),
            iban => self.iban.clone(),
            bic => self.bic.clone(),
        }
    }
}

/// A payout request as posted.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct PayoutForm {
    destination_id: String,
    currency: String,
    #[serde(flatten)]
    posted: Posted,
}

/// `GET /account/affiliate/payouts`.
#[handler]
pub async fn payouts_page(req: &Request, services: Data<&Arc<Services>>) -> Response {
    let page = open_affiliate_page!(services, req);
    let notice = page.done_notice(req);
    show(&page, StatusCode::OK, FormErrors::none(), None, notice).await
}

/// `POST /account/affiliate/payouts/destinations`.
#[handler]
pub async fn add(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<DestinationForm>,
) -> Response {
    let page = open_affiliate_page!(services, req);
    let body = form.body();
    let change =
        async |session: &_| add_destination(&page.services, session, &page.client, body).await;
    page.answer(
        &form.posted,
        "destination",
        change,
        "/account/affiliate/payouts?done=destination_added",
        |refused| {
            show(
                &page,
                refused.status,
                refused.errors,
                Some(form.typed()),
                None,
            )
        },
    )
    .await
}

/// `POST /account/affiliate/payouts/destinations/{id}/remove`.
#[handler]
pub async fn remove(
    req: &Request,
    services: Data<&Arc<Services>>,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    let page = open_affiliate_page!(services, req);
    let change =
        async |session: &_| remove_destination(&page.services, session, &page.client, &id).await;
    page.answer(
        &form.posted,
        &format!("remove-{id}"),
        change,
        "/account/affiliate/payouts?done=destination_removed",
        |refused| show(&page, refused.status, refused.errors, None, None),
    )
    .await
}

/// `POST /account/affiliate/payouts`: pay out the approved balance.
#[handler]
pub async fn request(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(form): Form<PayoutForm>,
) -> Response {
    let page = open_affiliate_page!(services, req);
    let body = PayoutRequestBody {
        destination_id: form.destination_id.clone(),
        currency: Some(form.currency.trim().to_owned()).filter(|code| !code.is_empty()),
    };
    let change =
        async |session: &_| request_payout(&page.services, session, &page.client, &body).await;
    page.answer(
        &form.posted,
        "payout",
        change,
        "/account/affiliate/payouts?done=payout_requested",
        |refused| show(&page, refused.status, refused.errors, None, None),
    )
    .await
}

async fn show(
    page: &AccountPage,
    status: StatusCode,
    errors: FormErrors,
    typed: Option<minijinja::Value>,
    notice: Option<String>,
) -> Response {
    let typed = typed.unwrap_or_else(|| {
        minijinja::context! {
            kind => "paypal", email => "", account_holder => "", iban => "", bic => "",
        }
    });
    match read(page).await {
        Ok(context) => page.render(
            status,
            "payouts.html",
            "affiliate",
            errors,
            minijinja::context! { typed, notice, section => "payouts", ..context },
        ),
        Err(error) => problem_page(error, page.lang),
    }
}

async fn read(page: &AccountPage) -> Result<minijinja::Value, ApiError> {
    // Before joining there is nothing to pay out: the page says where to join.
    match page.services.program.overview(page.account()).await {
        Ok(_) => {}
        Err(ProgramError::NotAffiliate) => return Ok(minijinja::context! { joined => false }),
        Err(error) => return Err(error.into()),
    }
    let payouts = &page.services.payouts;
    let destinations = payouts.destinations(page.account()).await?;
    let described = destinations
        .iter()
        .map(|destination| (destination.id.to_string(), destination.kind.describe()))
        .collect::<std::collections::BTreeMap<_, _>>();
    let history = payouts
        .payouts(page.account())
        .await?
        .into_iter()
        .map(|payout| {
            let destination = payout.destination.to_string();
            minijinja::context! {
                amount => money(payout.amount.amount_minor, payout.amount.currency.as_str()),
                status => payout.status.as_str(),
                to => described.get(&destination).cloned().unwrap_or(destination),
                requested => when(payout.requested_at),
                paid => payout.paid_at.map(when),
            }
        })
        .collect::<Vec<_>>();
    let destinations = destinations
        .into_iter()
        .map(|destination| {
            minijinja::context! {
                id => destination.id.to_string(),
                kind => destination.kind.kind(),
                description => destination.kind.describe(),
                added => when(destination.created_at),
            }
        })
        .collect::<Vec<_>>();
    Ok(minijinja::context! { joined => true, destinations, history })
}
