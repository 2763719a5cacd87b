//! Links Portico mails (`/verify-email?...`, `/accept-invitation?...`) that need the
//! person signed in before they can be used.
//!
//! Opening one moves its token out of the address bar into a short-lived HttpOnly
//! cookie and shows the page without it, so the token is in no later URL, history
//! entry or `Referer`. The login page then brings the person back to the link's
//! page, which uses the token only when its form is posted: a mail scanner that
//! follows links changes nothing. Each kind of link has a cookie of its own, so a
//! delegate who must first confirm an address keeps the invitation meanwhile.

use poem::Request;

use std::sync::Arc;

use crate::http::cookies::cookie_value;
use crate::web::account::AccountPage;
use crate::web::page::{FormErrors, render, see_other, set_cookie};
use crate::web::text::visitor_lang;
use crate::web::text::{Lang, text};
use crate::wiring::Services;
use poem::Response;
use poem::http::HeaderValue;
use poem::http::StatusCode;
use poem::http::header::REFERRER_POLICY;

/// How long an opened link waits for its login.
const LINK_LIFETIME_SECONDS: u32 = 3_600;

/// The kinds of link, in the order a login serves them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// An address to confirm.
    VerifyEmail,
    /// A delegate invitation to accept (which needs a confirmed address).
    AcceptInvitation,
}

impl LinkKind {
    const ALL: [Self; 2] = [Self::VerifyEmail, Self::AcceptInvitation];

    /// The page that uses the link.
    pub fn page(self) -> &'static str {
        match self {
            Self::VerifyEmail => "/verify-email",
            Self::AcceptInvitation => "/accept-invitation",
        }
    }

    /// The cookie holding such a link, over https (`__Host-` prefixed) or not.
    fn cookie_name(self, secure: bool) -> &'static str {
        match (self, secure) {
            (Self::VerifyEmail, false) => "portico_verify_link",
            (Self::VerifyEmail, true) => "__Host-portico_verify_link",
            (Self::AcceptInvitation, false) => "portico_invitation_link",
            (Self::AcceptInvitation, true) => "__Host-portico_invitation_link",
        }
    }
}

/// An opened link waiting to be used.
#[derive(PartialEq, Eq)]
pub enum MailedLink {
    /// `/verify-email?email={id}&token={token}`.
    VerifyEmail {
        /// The address's id.
        email: String,
        /// The mailed token.
        token: String,
    },
    /// `/accept-invitation?token={token}`.
    AcceptInvitation {
        /// The mailed token.
        token: String,
    },
}

impl std::fmt::Debug for MailedLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.page())
    }
}

impl MailedLink {
    /// Its kind.
    pub fn kind(&self) -> LinkKind {
        match self {
            Self::VerifyEmail { .. } => LinkKind::VerifyEmail,
            Self::AcceptInvitation { .. } => LinkKind::AcceptInvitation,
        }
    }

    /// The page that uses the link.
    pub fn page(&self) -> &'static str {
        self.kind().page()
    }

    fn encode(&self) -> String {
        match self {
            Self::VerifyEmail { email, token } => format!("v.{email}.{token}"),
            Self::AcceptInvitation { token } => format!("i.{token}"),
        }
    }

    fn decode(value: &str) -> Option<Self> {
        let usable = |text: &str| {
            !text.is_empty()
                && text.len() <= 256
                && text
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        };
        match value.split_once('.')? {
            ("v", rest) => {
                let (email, token) = rest.split_once('.')?;
                (usable(email) && usable(token)).then(|| Self::VerifyEmail {
                    email: email.to_owned(),
                    token: token.to_owned(),
                })
            }
            ("i", token) => usable(token).then(|| Self::AcceptInvitation {
                token: token.to_owned(),
            }),
            _ => None,
        }
    }

    /// The link of `kind` this browser opened and has not used yet.
    pub fn held(req: &Request, secure: bool, kind: LinkKind) -> Option<Self> {
        cookie_value(req, kind.cookie_name(secure))
            .and_then(Self::decode)
            .filter(|link| link.kind() == kind)
    }

    /// Keeps the link in the browser and shows its page without the token in the
    /// address (a link whose token cannot be a token is dropped, and its page says
    /// so). The answer sends no `Referer` on.
    pub fn keep(self, secure: bool) -> Response {
        let mut response = see_other(self.page());
        set_cookie(
            &mut response,
            &format!(
                "{}={}; Path=/; Max-Age={LINK_LIFETIME_SECONDS}; HttpOnly; SameSite=Lax{}",
                self.kind().cookie_name(secure),
                self.encode(),
                if secure { "; Secure" } else { "" }
            ),
        );
        no_referrer(response)
    }

    /// Whether `value` would be kept as a link at all.
    pub fn is_well_formed(&self) -> bool {
        Self::decode(&self.encode()).as_ref() == Some(self)
    }
}

/// Adds the `Set-Cookie` that makes the browser forget its opened link of `kind`.
pub fn forget(response: &mut Response, secure: bool, kind: LinkKind) {
    set_cookie(
        response,
        &format!(
            "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}",
            kind.cookie_name(secure),
            if secure { "; Secure" } else { "" }
        ),
    );
}

/// `response`, sending no `Referer` to wherever the page leads.
pub fn no_referrer(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// The page for a visit without a usable link.
pub fn link_missing(lang: Lang) -> Response {
    render(
        StatusCode::NOT_FOUND,
        "error.html",
        lang,
        minijinja::context! {
            errors => FormErrors::notice(text(lang, "link.missing").unwrap_or_default()),
        },
    )
}

/// The page of a link of `kind`: keeps a link just `opened` (and shows the bare
/// path), or finds the one held and the signed-in reader, who is sent to log in
/// first when there is none.
pub async fn open_link_page(
    services: &Arc<Services>,
    req: &Request,
    kind: LinkKind,
    opened: Option<MailedLink>,
) -> Result<(AccountPage, MailedLink), Response> {
    let secure = services.cookies_secure();
    let missing = || no_referrer(link_missing(visitor_lang(req)));
    if let Some(link) = opened {
        return Err(if link.is_well_formed() {
            link.keep(secure)
        } else {
            missing()
        });
    }
    let link = MailedLink::held(req, secure, kind).ok_or_else(missing)?;
    let page = AccountPage::open_or_log_in(services, req, "/login?link").await?;
    Ok((page, link))
}

/// Where a login goes next: the page of a link waiting for it, else the account.
pub fn after_login(req: &Request, secure: bool) -> &'static str {
    LinkKind::ALL
        .into_iter()
        .find(|kind| MailedLink::held(req, secure, *kind).is_some())
        .map_or("/account/profile", LinkKind::page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_survive_the_cookie_and_odd_values_do_not() {
        let verify = MailedLink::VerifyEmail {
            email: "0190a1b2-c3d4".into(),
            token: "s3cr3t_T0k-en".into(),
        };
        assert_eq!(MailedLink::decode(&verify.encode()), Some(verify));
        let invite = MailedLink::AcceptInvitation {
            token: "abc".into(),
        };
        assert_eq!(MailedLink::decode(&invite.encode()), Some(invite));
        for odd in [
            "", "v.", "v.id", "v.id.", "i.", "x.abc", "i.a;b", "i.a b", "v.a.b.c",
        ] {
            assert_eq!(MailedLink::decode(odd), None, "{odd}");
        }
        assert_eq!(MailedLink::decode(&format!("i.{}", "a".repeat(257))), None);
    }
}
