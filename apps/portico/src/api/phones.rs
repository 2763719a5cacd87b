//! `/v1/me/phones`.

use std::sync::Arc;

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_identity::{E164Phone, Phone, PhoneChange, PhoneLabel};
use portico_kernel::{AccountId, PhoneId};

use crate::api::{ApiTags, one_answer};
use crate::contract::operation_problems::OperationProblems;
use crate::http::auth::SessionAuth;
use crate::http::pagination::{next_cursor, page_request};
use crate::http::problem::ApiError;
use crate::http::timestamps::rfc3339;
use crate::http::validation::Validator;
use crate::wiring::Services;

/// The problem types this module's operations answer beyond those their shape implies
/// (see `crate::contract`).
pub const PROBLEMS: &[OperationProblems] = &[
    OperationProblems {
        operation: "addPhone",
        slugs: &["limit-reached", "phone-exists"],
    },
    OperationProblems {
        operation: "updatePhone",
        slugs: &["not-found", "empty-update", "phone-exists"],
    },
    OperationProblems {
        operation: "removePhone",
        slugs: &["not-found"],
    },
];

/// One of my phone numbers.
#[derive(Debug, Object)]
pub struct PhoneBody {
    /// Its id.
    id: String,
    /// The number in E.164 form.
    number: String,
    /// Its label.
    #[oai(skip_serializing_if_is_none)]
    label: Option<String>,
    /// When it was added.
    created_at: String,
}

impl From<Phone> for PhoneBody {
    fn from(phone: Phone) -> Self {
        Self {
            id: phone.id.to_string(),
            number: phone.number.to_string(),
            label: phone.label.map(|l| l.as_str().to_owned()),
            created_at: rfc3339(phone.created_at),
        }
    }
}

/// A page of my phone numbers, oldest first.
#[derive(Debug, Object)]
pub struct PhoneList {
    /// The numbers.
    items: Vec<PhoneBody>,
    /// Pass as `cursor` to read the next page; `null` on the last page.
    #[oai(nullable)]
    next_cursor: Option<String>,
}

/// A new phone number.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewPhone {
    /// The number in international form (`+41 44 668 18 00`); stored as E.164.
    pub(crate) number: String,
    /// A label such as "mobile" (at most 40 characters).
    #[oai(nullable)]
    pub(crate) label: Option<String>,
}

/// A partial phone update: an absent or `null` number stays as it is; `"label": null`
/// removes the label.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct PhonePatch {
    /// The number in international form.
    #[oai(nullable)]
    pub(crate) number: Option<String>,
    /// A label, or `null` to remove it.
    #[oai(nullable)]
    pub(crate) label: MaybeUndefined<String>,
}

one_answer!(
    /// Answers of `addPhone`.
    PhoneAdded,
    201,
    "The number was added.",
    Json<PhoneBody>
);
one_answer!(
    /// Answers of `updatePhone`.
    PhoneUpdated,
    200,
    "The number and its label as they are now.",
    Json<PhoneBody>
);

/// Answers of `GET /v1/me/phones`.
#[derive(ApiResponse)]
pub enum PhoneListResponse {
    /// My numbers.
    #[oai(status = 200)]
    Ok(Json<PhoneList>),
}

/// Answers of `DELETE /v1/me/phones/{id}`.
#[derive(ApiResponse)]
pub enum PhoneDeleted {
    /// The number is gone.
    #[oai(status = 204)]
    Deleted,
}

fn phone_id(id: &str) -> Result<PhoneId, ApiError> {
    PhoneId::parse(id).map_err(|_| ApiError::not_found("phone number"))
}

/// Phone numbers.
pub struct PhonesApi {
    services: Arc<Services>,
}

impl PhonesApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

#[OpenApi(prefix_path = "/v1/me", tag = "ApiTags::Profile")]
impl PhonesApi {
    /// List my phone numbers.
    ///
    /// Every number of my account, oldest first, in international (E.164) form with its
    /// label.
    #[oai(path = "/phones", method = "get", operation_id = "listPhones")]
    async fn list(
        &self,
        auth: SessionAuth,
        /// Items per page (default 50, at most 200).
        limit: Query<Option<u64>>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<PhoneListResponse, ApiError> {
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let found = self.services.phones.list(auth.0.account, &page).await?;
        Ok(PhoneListResponse::Ok(Json(PhoneList {
            items: found.items.into_iter().map(PhoneBody::from).collect(),
            next_cursor: next_cursor(found.next_cursor),
        })))
    }

    /// Add a phone number.
    ///
    /// The number is stored in international (E.164) form; a number already listed is
    /// refused. An account holds at most 20 numbers.
    #[oai(path = "/phones", method = "post", operation_id = "addPhone")]
    async fn add(&self, auth: SessionAuth, body: Json<NewPhone>) -> Result<PhoneAdded, ApiError> {
        let phone = add_phone(&self.services, auth.0.account, &body.0).await?;
        Ok(PhoneAdded::Answer(Json(phone.into())))
    }

    /// Change a phone number or its label.
    ///
    /// Only the fields sent change; a `null` label removes it.
    #[oai(path = "/phones/:id", method = "patch", operation_id = "updatePhone")]
    async fn patch(
        &self,
        auth: SessionAuth,
        id: Path<String>,
        body: Json<PhonePatch>,
    ) -> Result<PhoneUpdated, ApiError> {
        let phone = change_phone(&self.services, auth.0.account, &id.0, &body.0).await?;
        Ok(PhoneUpdated::Answer(Json(phone.into())))
    }

    /// Remove a phone number.
    ///
    /// The number is gone from my account.
    #[oai(path = "/phones/:id", method = "delete", operation_id = "removePhone")]
    async fn delete(&self, auth: SessionAuth, id: Path<String>) -> Result<PhoneDeleted, ApiError> {
        remove_phone(&self.services, auth.0.account, &id.0).await?;
        Ok(PhoneDeleted::Deleted)
    }
}

impl NewPhone {
    /// The number and its label, every field at fault named in one answer.
    pub(crate) fn try_into_domain(&self) -> Result<(E164Phone, Option<PhoneLabel>), ApiError> {
        let mut v = Validator::default();
        let number = v.check("number", E164Phone::parse(&self.number));
        let label = v.check_opt("label", self.label.as_deref().map(PhoneLabel::parse));
        let (Some(number), Some(label)) = (number, label) else {
            return Err(v.into_error());
        };
        Ok((number, label))
    }
}

impl PhonePatch {
    /// The change: an absent field stays, a `null` label is removed.
    pub(crate) fn try_into_domain(&self) -> Result<PhoneChange, ApiError> {
        let mut v = Validator::default();
        let number = v.check_opt("number", self.number.as_deref().map(E164Phone::parse));
        let label = match &self.label {
            MaybeUndefined::Undefined => Some(None),
            MaybeUndefined::Null => Some(Some(None)),
            MaybeUndefined::Value(text) => v
                .check("label", PhoneLabel::parse(text))
                .map(|l| Some(Some(l))),
        };
        let (Some(number), Some(label)) = (number, label) else {
            return Err(v.into_error());
        };
        Ok(PhoneChange { number, label })
    }
}

// The changes themselves, shared by the API and the client-area pages.

/// Adds a number to `account`.
pub(crate) async fn add_phone(
    services: &Services,
    account: AccountId,
    body: &NewPhone,
) -> Result<Phone, ApiError> {
    let (number, label) = body.try_into_domain()?;
    Ok(services.phones.add(account, number, label).await?)
}

/// Changes the number `id` of `account`, or its label.
pub(crate) async fn change_phone(
    services: &Services,
    account: AccountId,
    id: &str,
    body: &PhonePatch,
) -> Result<Phone, ApiError> {
    let id = phone_id(id)?;
    let change = body.try_into_domain()?;
    Ok(services.phones.change(account, id, change).await?)
}

/// Removes the number `id` of `account`.
pub(crate) async fn remove_phone(
    services: &Services,
    account: AccountId,
    id: &str,
) -> Result<(), ApiError> {
    let id = phone_id(id)?;
    Ok(services.phones.remove(account, id).await?)
}
