//! What a page answers a browser that may not see it.

use poem::Response;
use poem::http::StatusCode;

use crate::http::auth::address_not_allowed;
use crate::web::browser_session::NotSignedIn;
use crate::web::page::{FormErrors, render, see_other};
use crate::web::text::Lang;

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
            minijinja::context! { errors => FormErrors::notice("The page could not be shown.") },
        ),
    }
}
