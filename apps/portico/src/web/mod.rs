//! The client area in the browser: server-rendered pages on the same domain services
//! the JSON API uses, with sessions in an HttpOnly cookie and a token in every form
//! (`docs/adr/0015-client-area-pages.md`).
//!
//! Layout: [`page`] renders the templates (`apps/portico/templates/web/`) in the
//! reader's language ([`text`]); [`browser_session`] and [`csrf`] are the cookie
//! session and the form tokens; [`guard`] answers browsers that may not see a page;
//! one module per page group ([`sign_in`], [`register`], [`password_reset`],
//! [`profile`]); [`assets`] is the stylesheet.

pub mod account;
pub mod addresses;
pub mod affiliate;
pub mod assets;
pub mod browser_session;
pub mod company;
pub mod csrf;
pub mod delegates;
pub mod display;
pub mod emails;
pub mod guard;
pub mod invitation;
pub mod ip_whitelist;
pub mod mailed_link;
pub mod messages;
pub mod page;
pub mod password_reset;
pub mod payouts;
pub mod phones;
pub mod profile;
pub mod register;
pub mod security;
pub mod sessions;
pub mod sign_in;
pub mod templates;
pub mod text;
pub mod texts;
pub mod two_factor;
pub mod verify_email;

use poem::http::HeaderValue;
use poem::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use std::sync::Arc;

use poem::{Endpoint, EndpointExt, IntoResponse, Request, Response, Route, get, handler, post};

use crate::web::page::PendingPage;
use crate::web::templates::{PageTemplates, STRICT_POLICY, Widening};
use crate::wiring::Services;

/// `page`, allowed to run `/assets/portico.js`.
pub fn allowing_script(page: Response) -> Response {
    widened(page, Widening::Script)
}

/// `page`, allowed to frame a mail body from this site.
pub fn allowing_mail_frame(page: Response) -> Response {
    widened(page, Widening::MailFrame)
}

fn widened(mut page: Response, widening: Widening) -> Response {
    page.extensions_mut().insert(widening);
    page
}

/// Adds the pages, and the stylesheet they share, to the application's routes.
pub fn mount(routes: Route) -> Route {
    routes
        .at("/", with_page_headers(get(home)))
        .at(
            "/login",
            with_page_headers(get(sign_in::login_page).post(sign_in::log_in)),
        )
        .at(
            "/login/second-factor",
            with_page_headers(
                get(sign_in::second_factor_page).post(sign_in::complete_second_factor),
            ),
        )
        .at("/logout", with_page_headers(post(sign_in::log_out)))
        .at(
            "/forgot-password",
            with_page_headers(get(password_reset::forgot_page).post(password_reset::request_reset)),
        )
        .at(
            "/reset-password",
            with_page_headers(get(password_reset::reset_page).post(password_reset::reset_password)),
        )
        .at(
            "/verify-email",
            with_page_headers(get(verify_email::verify_page).post(verify_email::verify)),
        )
        .at(
            "/accept-invitation",
            with_page_headers(get(invitation::invitation_page).post(invitation::accept)),
        )
        .at(
            "/register",
            with_page_headers(get(register::register_page).post(register::register)),
        )
        .at("/assets/portico.css", get(assets::stylesheet))
        .at("/assets/portico.js", get(assets::script))
        .at("/assets/brand.css", get(assets::brand_stylesheet))
        .nest("/account", account_routes())
}

/// The pages under `/account/`; each item's forms post to its own path.
fn account_routes() -> Route {
    Route::new()
        .at(
            "/profile",
            with_page_headers(get(profile::profile_page).post(profile::update_profile)),
        )
        .at(
            "/emails",
            with_page_headers(get(emails::emails_page).post(emails::add_email)),
        )
        .at("/emails/:id", with_page_headers(post(emails::edit_email)))
        .at(
            "/emails/:id/resend",
            with_page_headers(post(emails::resend_link)),
        )
        .at(
            "/emails/:id/primary",
            with_page_headers(post(emails::make_primary)),
        )
        .at(
            "/emails/:id/remove",
            with_page_headers(post(emails::remove_email)),
        )
        .at(
            "/phones",
            with_page_headers(get(phones::phones_page).post(phones::add)),
        )
        .at("/phones/:id", with_page_headers(post(phones::edit)))
        .at(
            "/phones/:id/remove",
            with_page_headers(post(phones::remove)),
        )
        .at(
            "/addresses",
            with_page_headers(get(addresses::addresses_page).post(addresses::add)),
        )
        .at("/addresses/:id", with_page_headers(post(addresses::edit)))
        .at(
            "/addresses/:id/remove",
            with_page_headers(post(addresses::remove)),
        )
        .at(
            "/company",
            with_page_headers(get(company::company_page).post(company::save)),
        )
        .at("/company/remove", with_page_headers(post(company::remove)))
        .nest("/security", security_routes())
        .at(
            "/delegates",
            with_page_headers(get(delegates::delegates_page).post(delegates::invite)),
        )
        .at(
            "/delegates/:id",
            with_page_headers(post(delegates::change_scope)),
        )
        .at(
            "/delegates/:id/revoke",
            with_page_headers(post(delegates::revoke)),
        )
        .nest("/affiliate", affiliate_routes())
        .at("/messages", with_page_headers(get(messages::messages_page)))
        .at(
            "/messages/:id",
            with_page_headers(get(messages::message_page)),
        )
        .at(
            "/messages/:id/html",
            with_page_headers(get(messages::message_html)),
        )
}

/// The pages under `/account/affiliate/` (404 while the program is off).
fn affiliate_routes() -> Route {
    Route::new()
        .at("/", with_page_headers(get(affiliate::affiliate_page)))
        .at("/join", with_page_headers(post(affiliate::join)))
        .at("/links", with_page_headers(post(affiliate::create_link)))
        .at(
            "/links/:id/remove",
            with_page_headers(post(affiliate::delete_link)),
        )
        .at(
            "/payouts",
            with_page_headers(get(payouts::payouts_page).post(payouts::request)),
        )
        .at(
            "/payouts/destinations",
            with_page_headers(post(payouts::add)),
        )
        .at(
            "/payouts/destinations/:id/remove",
            with_page_headers(post(payouts::remove)),
        )
}

/// The pages under `/account/security/`.
fn security_routes() -> Route {
    Route::new()
        .at("/", with_page_headers(get(security::security_page)))
        .at(
            "/username",
            with_page_headers(post(security::change_username)),
        )
        .at(
            "/password",
            with_page_headers(post(security::change_password)),
        )
        .at(
            "/two-factor",
            with_page_headers(get(two_factor::two_factor_page)),
        )
        .at(
            "/two-factor/enrol",
            with_page_headers(post(two_factor::enrol)),
        )
        .at(
            "/two-factor/confirm",
            with_page_headers(post(two_factor::confirm)),
        )
        .at(
            "/two-factor/recovery-codes",
            with_page_headers(post(two_factor::renew_codes)),
        )
        .at(
            "/two-factor/disable",
            with_page_headers(post(two_factor::disable)),
        )
        .at(
            "/ip-whitelist",
            with_page_headers(get(ip_whitelist::whitelist_page).post(ip_whitelist::add)),
        )
        .at(
            "/ip-whitelist/:id/remove",
            with_page_headers(post(ip_whitelist::remove)),
        )
        .at("/sessions", with_page_headers(get(sessions::sessions_page)))
        .at(
            "/sessions/:id/revoke",
            with_page_headers(post(sessions::revoke)),
        )
        .at(
            "/sessions/revoke-others",
            with_page_headers(post(sessions::revoke_others)),
        )
        .at("/log", with_page_headers(get(sessions::log_page)))
}

/// `GET /`: the account, which sends a browser without a session to the login page.
#[handler]
fn home() -> Response {
    page::see_other("/account/profile")
}

/// Wraps the pages: renders the page a handler describes with the portal's templates
/// and brand, and adds the headers every page carries.
pub fn with_page_headers<E: Endpoint + 'static>(pages: E) -> impl Endpoint<Output = Response> {
    pages.around(|next, req: Request| async move {
        let lang = text::visitor_lang(&req);
        let services = req.data::<Arc<Services>>().cloned();
        // A request the page cannot even read (a wrong content type, a malformed
        // form, a method the path does not take) gets a page too, not the API's
        // problem document.
        let mut response = match next.call(req).await {
            Ok(response) => response.into_response(),
            Err(error) => guard::unreadable(error.status(), lang),
        };
        let pending = response.extensions_mut().remove::<PendingPage>();
        let policy = match (&services, pending) {
            (Some(services), pending) => {
                if let Some(pending) = pending {
                    finish(&mut response, &services.pages, pending);
                }
                let widening = response.extensions().get::<Widening>().copied();
                services.pages.policy(widening).clone()
            }
            // A router without the services cannot render a page: it fails closed.
            (None, Some(_)) => {
                cannot_show(&mut response);
                HeaderValue::from_static(STRICT_POLICY)
            }
            (None, None) => HeaderValue::from_static(STRICT_POLICY),
        };
        let headers = response.headers_mut();
        headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        // The mail body shown in its frame sets a policy of its own.
        if !headers.contains_key(CONTENT_SECURITY_POLICY) {
            headers.insert(CONTENT_SECURITY_POLICY, policy);
        }
        if !headers.contains_key(X_FRAME_OPTIONS) {
            headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        }
        // A page opened from a mailed link sets `no-referrer` itself.
        if !headers.contains_key(REFERRER_POLICY) {
            headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
        }
        if !headers.contains_key(CACHE_CONTROL) {
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        Ok(response)
    })
}

/// Gives `response` the body of the page it describes. A template that fails to
/// render is logged and answered 500, with the handler's headers (cookies,
/// `Retry-After`, its referrer policy) kept.
fn finish(response: &mut Response, templates: &PageTemplates, pending: PendingPage) {
    match templates.render(&pending.template, pending.context) {
        Ok(html) => response.set_body(html),
        Err(error) => {
            tracing::error!(%error, template = pending.template, "a page could not be rendered");
            cannot_show(response);
        }
    }
}

/// Turns `response` into a plain 500 page, keeping its headers.
fn cannot_show(response: &mut Response) {
    response.set_status(poem::http::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        poem::http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response.set_body("<!doctype html><title>Error</title><p>The page could not be shown.</p>");
}
