//! `My account > Account delegates`: invite by email with access to every product or
//! a chosen few, see pending and active delegates, change their access, revoke them;
//! and the accounts that delegated to me, with the products I may act on. The same
//! changes as `/v1/me/delegates`.

use std::collections::BTreeMap;
use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Request, Response, handler};
use portico_delegation::{DelegateStatus, Scope};
use portico_kernel::PageRequest;

use crate::api::delegates::{
    InviteRequest, ScopeBody, change_delegate_scope, invite_delegate, revoke_delegate,
};
use crate::http::problem::ApiError;
use crate::web::account::{AccountPage, ActionForm, Posted, open_account_page};
use crate::web::display::when;
use crate::web::guard::problem_page;
use crate::web::page::FormErrors;
use crate::wiring::Services;

/// An invitation or a scope change as posted: `scope` is `all` or `products`, and
/// each ticked product comes as one `product` field.
struct ScopeForm {
    email: String,
    all: bool,
    products: Vec<String>,
    posted: Posted,
}

impl ScopeForm {
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
                .unwrap_or_default()
        };
        Self {
            email: value("email"),
            all: value("scope") == "all",
            products: pairs
                .iter()
                .filter(|(key, _)| key == "product")
                .map(|(_, value)| value.clone())
                .collect(),
            posted: Posted::from_pairs(pairs),
        }
    }

    fn scope(&self) -> ScopeBody {
        if self.all {
            ScopeBody {
                all: Some(true),
                products: None,
            }
        } else {
            ScopeBody {
                all: None,
                products: Some(self.products.clone()),
            }
        }
    }

    fn typed(&self) -> minijinja::Value {
        minijinja::context! {
            email => self.email.clone(),
            all => self.all,
            products => self.products.clone(),
        }
    }
}

/// `GET /account/delegates`.
#[handler]
pub async fn delegates_page(req: &Request, services: Data<&Arc<Services>>) -> Response {
    let page = open_account_page!(services, req);
    let notice = page.done_notice(req);
    show(&page, StatusCode::OK, FormErrors::none(), None, notice).await
}

/// `POST /account/delegates`: invite.
#[handler]
pub async fn invite(
    req: &Request,
    services: Data<&Arc<Services>>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = open_account_page!(services, req);
    let form = ScopeForm::from_pairs(&pairs);
    let body = InviteRequest {
        email: form.email.clone(),
        scope: form.scope(),
    };
    let change =
        async |session: &_| invite_delegate(&page.services, session, &page.client, body).await;
    page.answer(
        &form.posted,
        "invite",
        change,
        "/account/delegates?done=delegate_invited",
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

/// `POST /account/delegates/{id}`: a new scope.
#[handler]
pub async fn change_scope(
    req: &Request,
    services: Data<&Arc<Services>>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = open_account_page!(services, req);
    let form = ScopeForm::from_pairs(&pairs);
    let scope = form.scope();
    let change = async |session: &_| {
        change_delegate_scope(&page.services, session, &page.client, &id, scope).await
    };
    page.answer(
        &form.posted,
        &format!("scope-{id}"),
        change,
        "/account/delegates?done=delegate_changed",
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

/// `POST /account/delegates/{id}/revoke`: revoke, or withdraw the invitation.
#[handler]
pub async fn revoke(
    req: &Request,
    services: Data<&Arc<Services>>,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    let page = open_account_page!(services, req);
    let change =
        async |session: &_| revoke_delegate(&page.services, session, &page.client, &id).await;
    page.answer(
        &form.posted,
        &format!("revoke-{id}"),
        change,
        "/account/delegates?done=delegate_revoked",
        |refused| show(&page, refused.status, refused.errors, None, None),
    )
    .await
}

/// The invite form, my delegates, and the accounts I may act for.
async fn show(
    page: &AccountPage,
    status: StatusCode,
    errors: FormErrors,
    typed: Option<minijinja::Value>,
    notice: Option<String>,
) -> Response {
    match read(page).await {
        Ok(context) => page.render(
            status,
            "delegates.html",
            "delegates",
            errors,
            minijinja::context! {
                typed => typed.unwrap_or_else(|| minijinja::context! {
                    email => "", all => true, products => Vec::<String>::new(),
                }),
                notice,
                ..context
            },
        ),
        Err(error) => problem_page(error, page.lang),
    }
}

async fn read(page: &AccountPage) -> Result<minijinja::Value, ApiError> {
    let services = &page.services;
    let products = services.products.list(page.account()).await?;
    let names = products
        .iter()
        .map(|product| {
            let id = product.id.to_string();
            let name = product
                .name
                .as_ref()
                .map_or_else(|| id.clone(), |name| name.as_str().to_owned());
            (id, name)
        })
        .collect::<BTreeMap<_, _>>();
    let delegates = services
        .delegates
        .list(page.account(), &PageRequest::first())
        .await?
        .items
        .into_iter()
        .map(|delegate| {
            let pending = delegate.status == DelegateStatus::Pending;
            minijinja::context! {
                id => delegate.id.to_string(),
                email => delegate.email.to_string(),
                pending,
                all => delegate.scope == Scope::All,
                products => scope_products(&delegate.scope),
                invited => when(delegate.invited_at),
                expires => pending.then(|| when(delegate.expires_at)),
                accepted => delegate.accepted_at.map(when),
            }
        })
        .collect::<Vec<_>>();
    let accounts = services
        .access
        .delegated_accounts(page.account())
        .await
        .map_err(|error| ApiError::internal(&error))?;
    let mut delegated = Vec::with_capacity(accounts.len());
    for account in accounts {
        let owner = services.profiles.profile(account.owner).await?;
        delegated.push(minijinja::context! {
            username => owner.username.to_string(),
            name => format!("{} {}", owner.first_name, owner.last_name),
            all => account.scope == Scope::All,
            products => account.products.iter().map(|product| {
                product.name.as_ref().map_or_else(
                    || product.id.to_string(),
                    |name| name.as_str().to_owned(),
                )
            }).collect::<Vec<_>>(),
        });
    }
    Ok(minijinja::context! {
        products => names,
        delegates,
        delegated,
    })
}

fn scope_products(scope: &Scope) -> Vec<String> {
    match scope {
        Scope::All => Vec::new(),
        Scope::Products(ids) => ids.iter().map(ToString::to_string).collect(),
    }
}
