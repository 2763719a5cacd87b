//! What a page answers a browser that may not see it.

use poem::Response;
use poem::http::StatusCode;

use crate::http::auth::address_not_allowed;
use crate::http::problem::ApiError;
use crate::web::browser_session::NotSignedIn;
use crate::web::page::{FormErrors, render, see_other, status_of};
use crate::web::text::{Lang, text};

/// The answer for a page request without a usable session: the login page, the
/// second-factor step, or the same refusal the API gives.
pub fn refused(why: NotSignedIn, lang: Lang) -> Response {
    match why {
        NotSignedIn::LogIn => see_other("/login"),
        NotSignedIn::SecondFactor => see_other("/login/second-factor"),
        NotSignedIn::AddressNotAllowed => render(
            StatusCode::FORBIDDEN,
            "error.html",
            lang,
            minijinja::context! { errors => FormErrors::from_api(address_not_allowed()) },
        ),
        NotSignedIn::Failed => render(
            StatusCode::INTERNAL_SERVER_ERROR,
            "error.html",
            lang,
            minijinja::context! {
                errors => FormErrors::notice(text(lang, "error.failed").unwrap_or_default())
            },
        ),
    }
}

/// The page for a request poem could not hand to the page's handler.
pub fn unreadable(status: StatusCode, lang: Lang) -> Response {
    render(
        status,
        "error.html",
        lang,
        minijinja::context! {
            errors => FormErrors::notice(text(lang, "error.unreadable").unwrap_or_default())
        },
    )
}

/// The page for an error the API would have answered with `error`'s problem document
/// (a 404 for what is not there, a logged 500 for a fault).
pub fn problem_page(error: ApiError, lang: Lang) -> Response {
    let status = status_of(&error);
    render(
        status,
        "error.html",
        lang,
        minijinja::context! { errors => FormErrors::from_api(error) },
    )
}
