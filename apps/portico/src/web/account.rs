//! What every page under `/account/` shares: the signed-in reader in their own
//! language, the menu, and the way a posted form is checked and carried out, so that
//! each page module only says what its forms change.

use std::future::Future;
use std::sync::Arc;

use poem::http::StatusCode;
use poem::{Request, Response};
use portico_identity::Profile;
use portico_kernel::{AccountId, ClientInfo, Password};
use portico_security::{SecondFactorCode, SecretToken, Session};
use serde::Deserialize;

use crate::http::auth::auth_error;
use crate::http::client::client_info;
use crate::http::problem::ApiError;
use crate::web::browser_session::{NotSignedIn, SignedIn, signed_in};
use crate::web::csrf;
use crate::web::guard::{problem_page, refused};
use crate::web::page::{FormErrors, render, see_other, status_of, with_retry_after};
use crate::web::text::{Lang, text, visitor_lang};
use crate::wiring::Services;

/// The page of a signed-in browser, or the answer for one that may not see it.
macro_rules! open_account_page {
    ($services:expr, $req:expr) => {
        match $crate::web::account::AccountPage::open($services.0, $req).await {
            Ok(page) => page,
            Err(answer) => return answer,
        }
    };
}
pub(crate) use open_account_page;

/// The problem type of a change refused for want of a recent password proof.
const REAUTHENTICATION_REQUIRED: &str = "urn:portico:problem:reauthentication-required";

/// A signed-in request for an account page.
pub struct AccountPage {
    /// The services the page reads and changes through.
    pub services: Arc<Services>,
    /// Where the request came from, for the security log and the throttles.
    pub client: ClientInfo,
    /// The session, checked as the API checks it.
    pub current: SignedIn,
    /// The profile's language.
    pub lang: Lang,
    /// The account's profile as it was when the request came (its username is shown
    /// in the header).
    pub profile: Profile,
    /// Whether the affiliate program is on (its menu entry shows only then).
    affiliate_program: bool,
}

impl std::fmt::Debug for AccountPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountPage")
            .field("current", &self.current)
            .field("lang", &self.lang)
            .finish_non_exhaustive()
    }
}

impl AccountPage {
    /// The reader of an account page, or the answer for a browser that may not see it
    /// (the login page, the second-factor step, the IP whitelist's refusal).
    pub async fn open(services: &Arc<Services>, req: &Request) -> Result<Self, Response> {
        Self::open_or_log_in(services, req, "/login").await
    }

    /// [`Self::open`], sending a browser without a session to `login` (the login
    /// page with a note of why, for a page a mailed link opened).
    pub async fn open_or_log_in(
        services: &Arc<Services>,
        req: &Request,
        login: &str,
    ) -> Result<Self, Response> {
        let current = signed_in(services, req).await.map_err(|why| match why {
            NotSignedIn::LogIn => see_other(login),
            why => refused(why, visitor_lang(req)),
        })?;
        let profile = services
            .profiles
            .profile(current.session.account)
            .await
            .map_err(|error| problem_page(ApiError::from(error), visitor_lang(req)))?;
        Ok(Self {
            services: services.clone(),
            client: client_info(req),
            current,
            lang: Lang::of_tag(profile.language.as_str()),
            profile,
            affiliate_program: services.affiliate.enabled,
        })
    }

    /// The account the session belongs to.
    pub fn account(&self) -> AccountId {
        self.current.session.account
    }

    /// Renders one of the account's pages with the `errors` of its last form (and the
    /// `Retry-After` of a throttled one): `active` names its menu entry; the form
    /// token, the header and the menu are added to `context`.
    pub fn render(
        &self,
        status: StatusCode,
        template: &str,
        active: &str,
        errors: FormErrors,
        context: minijinja::Value,
    ) -> Response {
        let retry_after = errors.retry_after;
        let page = render(
            status,
            template,
            self.lang,
            minijinja::context! {
                csrf => csrf::token_for(&self.current.secret),
                username => self.profile.username.to_string(),
                signed_in => true,
                affiliate_program => self.affiliate_program,
                active,
                errors,
                ..context
            },
        );
        with_retry_after(page, retry_after)
    }

    /// The text for `key` in the reader's language.
    pub fn text(&self, key: &str) -> String {
        text(self.lang, key).unwrap_or_default().to_owned()
    }

    /// The confirmation a page shows after a change: `?done=<key>` names one of the
    /// `done.` texts; anything else shows nothing.
    pub fn done_notice(&self, req: &Request) -> Option<String> {
        let key = req.uri().query()?.strip_prefix("done=")?;
        let key = key.split('&').next()?;
        key.bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte == b'_')
            .then(|| text(self.lang, &format!("done.{key}")))
            .flatten()
            .map(str::to_owned)
    }

    /// Carries out a posted form: checks its token, renews the password proof when the
    /// form carried one, then runs `change` for the session (read again after a
    /// renewal, so the change sees the new proof). A refusal says what to show,
    /// beside which form (`form`); nothing changed in any refusal.
    pub async fn submit<T>(
        &self,
        posted: &Posted,
        form: &str,
        change: impl AsyncFnOnce(&Session) -> Result<T, ApiError>,
    ) -> Result<T, Refusal> {
        if !csrf::is_valid(&self.current.secret, &posted.csrf) {
            return Err(Refusal {
                status: StatusCode::FORBIDDEN,
                errors: FormErrors::expired(self.lang).for_form(form),
            });
        }
        if posted.reauth_password.is_empty() {
            return change(&self.current.session)
                .await
                .map_err(|error| self.refusal(error, form, false));
        }
        let renewed = self
            .renew_proof(posted)
            .await
            .map_err(|error| self.refusal(error, form, true))?;
        change(&renewed)
            .await
            .map_err(|error| self.refusal(error, form, false))
    }

    /// Renews the session's proof with the password (and code) the form carried, and
    /// reads the session again.
    async fn renew_proof(&self, posted: &Posted) -> Result<Session, ApiError> {
        let code = Some(posted.reauth_code.trim())
            .filter(|code| !code.is_empty())
            .map(SecondFactorCode::read);
        let password = Password::new(posted.reauth_password.clone());
        self.services
            .step_up
            .renew(
                &self.current.session,
                &password,
                code.as_ref(),
                &self.client,
            )
            .await?;
        self.services
            .sessions
            .authenticate(
                &SecretToken::from_client(&self.current.secret),
                &self.client,
            )
            .await
            .map_err(auth_error)
    }

    /// Answers a posted form: `303` to `done` when `change` went through, else its
    /// page shown again by `show_again` with the refusal.
    pub async fn answer<T, Shown>(
        &self,
        posted: &Posted,
        form: &str,
        change: impl AsyncFnOnce(&Session) -> Result<T, ApiError>,
        done: &str,
        show_again: impl FnOnce(Refusal) -> Shown,
    ) -> Response
    where
        Shown: Future<Output = Response>,
    {
        match self.submit(posted, form, change).await {
            Ok(_) => see_other(done),
            Err(refused) => show_again(refused).await,
        }
    }

    /// What to show for an API error met by `form`. A change that wants a recent
    /// password proof shows the form again with the password (and code) fields; so
    /// does a failed proof (`proving`).
    fn refusal(&self, error: ApiError, form: &str, proving: bool) -> Refusal {
        let status = status_of(&error);
        let wants_proof = problem_kind(&error) == Some(REAUTHENTICATION_REQUIRED);
        let mut errors = if proving {
            proof_refused(FormErrors::from_api(error), self.text("reauth.failed"))
        } else if wants_proof {
            FormErrors::notice(self.text("reauth.needed"))
        } else {
            FormErrors::from_api(error)
        };
        errors.reauth = proving || wants_proof;
        Refusal {
            status,
            errors: errors.for_form(form),
        }
    }
}

/// A refused proof's errors, tied to the password and code fields the page showed
/// (the API names them `password` and `totp_code`); a throttled proof keeps the
/// API's notice, which says how long to wait.
fn proof_refused(mut errors: FormErrors, notice: String) -> FormErrors {
    for (api_field, page_field) in [
        ("password", "reauth_password"),
        ("totp_code", "reauth_code"),
    ] {
        if let Some(message) = errors.fields.remove(api_field) {
            errors.fields.insert(page_field.to_owned(), message);
        }
    }
    if !errors.fields.is_empty() {
        errors.notice = Some(notice);
        errors.from_api = false;
    }
    errors
}

fn problem_kind(error: &ApiError) -> Option<&str> {
    match error {
        ApiError::Forbidden(problem) => Some(problem.0.kind.as_str()),
        _ => None,
    }
}

/// Why a posted form was not carried out, and what its page shows.
#[derive(Debug)]
pub struct Refusal {
    /// The status of the page shown again.
    pub status: StatusCode,
    /// The messages, tied to the form that was posted.
    pub errors: FormErrors,
}

/// The fields every account form carries besides its own: the form token, and the
/// password (and code) the page asks for again before a sensitive change. No `Debug`:
/// it holds the password.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct Posted {
    /// The form token.
    pub csrf: String,
    /// The password, when the page asked for it again.
    pub reauth_password: String,
    /// The authenticator or recovery code, when two-factor is on.
    pub reauth_code: String,
}

impl Posted {
    /// The common fields out of a form read as name/value pairs (a form with a
    /// repeated field, such as a list of ticked boxes).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let field = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
                .unwrap_or_default()
        };
        Self {
            csrf: field("csrf"),
            reauth_password: field("reauth_password"),
            reauth_code: field("reauth_code"),
        }
    }
}

/// A form with no field of its own (make primary, remove, revoke).
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    /// The token, and the password when asked again.
    #[serde(flatten)]
    pub posted: Posted,
}
