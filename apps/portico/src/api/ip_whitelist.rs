//! `/v1/me/ip-whitelist`: restricting the account to listed addresses and ranges.

use std::sync::Arc;

use poem::Request;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_kernel::{ClientInfo, WhitelistEntryId};
use portico_security::{Cidr, Session, WhitelistEntry, WhitelistLabel};

use crate::api::ApiTags;
use crate::contract::operation_problems::OperationProblems;
use crate::http::auth::SessionAuth;
use crate::http::client::client_info;
use crate::http::problem::ApiError;
use crate::http::timestamps::rfc3339;
use crate::wiring::Services;

/// The problem types this module's operations answer beyond those their shape implies
/// (see `crate::contract`).
pub const PROBLEMS: &[OperationProblems] = &[
    OperationProblems {
        operation: "addWhitelistEntry",
        slugs: &[
            "reauthentication-required",
            "whitelist-entry-exists",
            "limit-reached",
            "whitelist-lockout",
        ],
    },
    OperationProblems {
        operation: "removeWhitelistEntry",
        slugs: &[
            "reauthentication-required",
            "not-found",
            "whitelist-lockout",
        ],
    },
];

/// A range to allow.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewEntry {
    /// An IPv4 or IPv6 address or CIDR range (`192.0.2.0/24`, `2001:db8::/32`).
    pub(crate) cidr: String,
    /// A short name, at most 60 characters.
    #[oai(nullable)]
    pub(crate) label: Option<String>,
}

impl NewEntry {
    /// The range and its label as security's values; the range is checked first, and
    /// the field at fault is named.
    pub(crate) fn try_into_domain(&self) -> Result<(Cidr, Option<WhitelistLabel>), ApiError> {
        let cidr =
            Cidr::parse(&self.cidr).map_err(|error| ApiError::invalid_field("cidr", error))?;
        let label = match &self.label {
            Some(text) => WhitelistLabel::parse(text)
                .map_err(|error| ApiError::invalid_field("label", error))?,
            None => None,
        };
        Ok((cidr, label))
    }
}

/// One whitelisted range.
#[derive(Debug, Object)]
pub struct EntryBody {
    /// Its id.
    id: String,
    /// The range in canonical form (host bits cleared; a lone address as /32 or /128).
    cidr: String,
    /// Its label.
    #[oai(skip_serializing_if_is_none)]
    label: Option<String>,
    /// When it was added.
    created_at: String,
    /// When it last let a login or request in (to within a minute).
    #[oai(skip_serializing_if_is_none)]
    last_used_at: Option<String>,
}

impl From<WhitelistEntry> for EntryBody {
    fn from(entry: WhitelistEntry) -> Self {
        Self {
            id: entry.id.to_string(),
            cidr: entry.cidr.to_string(),
            label: entry
                .label
                .as_ref()
                .map(WhitelistLabel::as_str)
                .map(str::to_owned),
            created_at: rfc3339(entry.created_at),
            last_used_at: entry.last_used_at.map(rfc3339),
        }
    }
}

/// The whole list (at most 50 entries, so always one page), oldest first.
#[derive(Debug, Object)]
pub struct EntryList {
    /// The entries; empty means no restriction.
    items: Vec<EntryBody>,
    /// Always `null`: the list fits one page.
    #[oai(nullable)]
    next_cursor: Option<String>,
}

/// Answers of `GET /v1/me/ip-whitelist`.
#[derive(ApiResponse)]
pub enum ListResponse {
    /// The list.
    #[oai(status = 200)]
    Ok(Json<EntryList>),
}

/// Answers of `POST /v1/me/ip-whitelist`.
#[derive(ApiResponse)]
pub enum AddResponse {
    /// Added; logins and requests from outside the list are refused from now on.
    #[oai(status = 201)]
    Created(Json<EntryBody>),
}

/// Answers of `DELETE /v1/me/ip-whitelist/{id}`.
#[derive(ApiResponse)]
pub enum RemoveResponse {
    /// The entry is gone; with no entry left, every address may log in again.
    #[oai(status = 204)]
    Removed,
}

/// IP whitelist.
pub struct IpWhitelistApi {
    services: Arc<Services>,
}

impl IpWhitelistApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

#[OpenApi(prefix_path = "/v1/me/ip-whitelist", tag = "ApiTags::Security")]
impl IpWhitelistApi {
    /// List my IP whitelist.
    ///
    /// While the list is not empty, logins and requests from addresses outside it are
    /// refused with 403 `address-not-allowed`.
    #[oai(path = "/", method = "get", operation_id = "listWhitelistEntries")]
    async fn list(&self, auth: SessionAuth) -> Result<ListResponse, ApiError> {
        let entries = self.services.whitelists.list(auth.0.account).await?;
        Ok(ListResponse::Ok(Json(EntryList {
            items: entries.into_iter().map(EntryBody::from).collect(),
            next_cursor: None,
        })))
    }

    /// Allow an address or range.
    ///
    /// Takes one address or a CIDR range, IPv4 or IPv6. Refused when the list would
    /// then not hold the address this request comes from, so that no one locks
    /// themselves out. A list holds at most 50 entries. Needs a recent proof of the
    /// password.
    #[oai(path = "/", method = "post", operation_id = "addWhitelistEntry")]
    async fn add(
        &self,
        req: &Request,
        auth: SessionAuth,
        body: Json<NewEntry>,
    ) -> Result<AddResponse, ApiError> {
        let entry = add_entry(&self.services, &auth.0, &client_info(req), &body.0).await?;
        Ok(AddResponse::Created(Json(entry.into())))
    }

    /// Remove an address or range from my whitelist.
    ///
    /// Refused when entries would remain and none would hold the address this request
    /// comes from; removing the last entry lifts the restriction. Needs a recent proof
    /// of the password.
    #[oai(
        path = "/:id",
        method = "delete",
        operation_id = "removeWhitelistEntry"
    )]
    async fn remove(
        &self,
        req: &Request,
        auth: SessionAuth,
        id: Path<String>,
    ) -> Result<RemoveResponse, ApiError> {
        remove_entry(&self.services, &auth.0, &client_info(req), &id.0).await?;
        Ok(RemoveResponse::Removed)
    }
}

// The changes themselves, shared by the API and the client-area pages.

/// Adds an entry after the step-up; refused when the list would shut `client` out.
pub(crate) async fn add_entry(
    services: &Services,
    session: &Session,
    client: &ClientInfo,
    body: &NewEntry,
) -> Result<WhitelistEntry, ApiError> {
    services.step_up.require(session, client).await?;
    let (cidr, label) = body.try_into_domain()?;
    Ok(services
        .whitelists
        .add(session.account, cidr, label, client)
        .await?)
}

/// Removes the entry `id` after the step-up; refused when the remaining entries would
/// shut `client` out.
pub(crate) async fn remove_entry(
    services: &Services,
    session: &Session,
    client: &ClientInfo,
    id: &str,
) -> Result<(), ApiError> {
    services.step_up.require(session, client).await?;
    let id = WhitelistEntryId::parse(id).map_err(|_| ApiError::not_found("whitelist entry"))?;
    Ok(services
        .whitelists
        .remove(session.account, id, client)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(cidr: &str, label: Option<&str>) -> NewEntry {
        NewEntry {
            cidr: cidr.to_owned(),
            label: label.map(str::to_owned),
        }
    }

    fn field_at_fault(result: Result<(Cidr, Option<WhitelistLabel>), ApiError>) -> String {
        match result {
            Err(ApiError::Unprocessable(body)) => body.0.errors.unwrap()[0].field.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_range_and_its_label_become_values_and_the_field_at_fault_is_named() {
        let (cidr, label) = entry("192.0.2.77/24", Some(" office "))
            .try_into_domain()
            .unwrap();
        assert_eq!(cidr.to_string(), "192.0.2.0/24");
        assert_eq!(label.unwrap().as_str(), "office");
        for cidr in ["300.1.1.1", "10.0.0.0/33", ""] {
            assert_eq!(field_at_fault(entry(cidr, None).try_into_domain()), "cidr");
        }
        let bad_label = entry("10.0.0.0/8", Some("a\u{7}b")).try_into_domain();
        assert_eq!(field_at_fault(bad_label), "label");
        // The range is judged first.
        let both = entry("10.0.0.0/33", Some("a\u{7}b")).try_into_domain();
        assert_eq!(field_at_fault(both), "cidr");
    }
}
