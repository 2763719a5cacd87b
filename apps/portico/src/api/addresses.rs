//! `/v1/me/addresses`.

use std::sync::Arc;

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{ApiResponse, Object, OpenApi};
use portico_identity::{
    AddressChange, AddressLine, CountryCode, PostalAddress, PostalAddressFields, PostalCode,
};
use portico_kernel::AddressId;

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
        operation: "addAddress",
        slugs: &["limit-reached"],
    },
    OperationProblems {
        operation: "updateAddress",
        slugs: &["not-found", "empty-update", "default-address-required"],
    },
    OperationProblems {
        operation: "removeAddress",
        slugs: &["not-found"],
    },
];

/// One of my postal addresses.
#[derive(Debug, Object)]
pub struct AddressBody {
    /// Its id.
    id: String,
    /// Street and number.
    line1: String,
    /// Building, floor, c/o.
    #[oai(skip_serializing_if_is_none)]
    line2: Option<String>,
    /// City.
    city: String,
    /// State, province or county.
    #[oai(skip_serializing_if_is_none)]
    region: Option<String>,
    /// Postal code.
    postal_code: String,
    /// ISO 3166-1 alpha-2 country code.
    country: String,
    /// Whether invoices go here; exactly one address is the default.
    default_billing: bool,
    /// When it was added.
    created_at: String,
}

fn line(value: Option<AddressLine>) -> Option<String> {
    value.map(|l| l.as_str().to_owned())
}

impl From<PostalAddress> for AddressBody {
    fn from(address: PostalAddress) -> Self {
        let fields = address.fields;
        Self {
            id: address.id.to_string(),
            line1: fields.line1.as_str().to_owned(),
            line2: line(fields.line2),
            city: fields.city.as_str().to_owned(),
            region: line(fields.region),
            postal_code: fields.postal_code.as_str().to_owned(),
            country: fields.country.to_string(),
            default_billing: address.default_billing,
            created_at: rfc3339(address.created_at),
        }
    }
}

/// A page of my addresses, oldest first.
#[derive(Debug, Object)]
pub struct AddressList {
    /// The addresses.
    items: Vec<AddressBody>,
    /// Pass as `cursor` to read the next page; `null` on the last page.
    #[oai(nullable)]
    next_cursor: Option<String>,
}

/// A new postal address.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewAddress {
    /// Street and number.
    pub(crate) line1: String,
    /// Building, floor, c/o.
    #[oai(nullable)]
    pub(crate) line2: Option<String>,
    /// City.
    pub(crate) city: String,
    /// State, province or county.
    #[oai(nullable)]
    pub(crate) region: Option<String>,
    /// Postal code.
    pub(crate) postal_code: String,
    /// ISO 3166-1 alpha-2 country code.
    pub(crate) country: String,
    /// Make it the default billing address (the first address always is).
    #[oai(nullable)]
    pub(crate) default_billing: Option<bool>,
}

impl NewAddress {
    pub(crate) fn try_into_domain(self) -> Result<(PostalAddressFields, bool), ApiError> {
        let mut v = Validator::default();
        let line1 = v.check("line1", AddressLine::parse(&self.line1));
        let line2 = v.check_opt("line2", self.line2.as_deref().map(AddressLine::parse));
        let city = v.check("city", AddressLine::parse(&self.city));
        let region = v.check_opt("region", self.region.as_deref().map(AddressLine::parse));
        let postal_code = v.check("postal_code", PostalCode::parse(&self.postal_code));
        let country = v.check("country", CountryCode::parse(&self.country));
        match (line1, line2, city, region, postal_code, country) {
            (
                Some(line1),
                Some(line2),
                Some(city),
                Some(region),
                Some(postal_code),
                Some(country),
            ) => Ok((
                PostalAddressFields {
                    line1,
                    line2,
                    city,
                    region,
                    postal_code,
                    country,
                },
                self.default_billing.unwrap_or(false),
            )),
            _ => Err(v.into_error()),
        }
    }
}

/// A partial address update: a field that is absent or `null` stays as it is, except
/// `line2` and `region`, which `null` removes.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct AddressPatch {
    /// Street and number.
    #[oai(nullable)]
    pub(crate) line1: Option<String>,
    /// Building, floor, c/o, or `null` to remove it.
    #[oai(nullable)]
    pub(crate) line2: MaybeUndefined<String>,
    /// City.
    #[oai(nullable)]
    pub(crate) city: Option<String>,
    /// Region, or `null` to remove it.
    #[oai(nullable)]
    pub(crate) region: MaybeUndefined<String>,
    /// Postal code.
    #[oai(nullable)]
    pub(crate) postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[oai(nullable)]
    pub(crate) country: Option<String>,
    /// `true` makes this the default billing address.
    #[oai(nullable)]
    pub(crate) default_billing: Option<bool>,
}

fn clearable(
    v: &mut Validator,
    field: &str,
    value: &MaybeUndefined<String>,
) -> Option<Option<Option<AddressLine>>> {
    match value {
        MaybeUndefined::Undefined => Some(None),
        MaybeUndefined::Null => Some(Some(None)),
        MaybeUndefined::Value(text) => v
            .check(field, AddressLine::parse(text))
            .map(|l| Some(Some(l))),
    }
}

impl AddressPatch {
    pub(crate) fn try_into_domain(self) -> Result<AddressChange, ApiError> {
        let mut v = Validator::default();
        let line1 = v.check_opt("line1", self.line1.as_deref().map(AddressLine::parse));
        let line2 = clearable(&mut v, "line2", &self.line2);
        let city = v.check_opt("city", self.city.as_deref().map(AddressLine::parse));
        let region = clearable(&mut v, "region", &self.region);
        let postal_code = v.check_opt(
            "postal_code",
            self.postal_code.as_deref().map(PostalCode::parse),
        );
        let country = v.check_opt("country", self.country.as_deref().map(CountryCode::parse));
        match (line1, line2, city, region, postal_code, country) {
            (
                Some(line1),
                Some(line2),
                Some(city),
                Some(region),
                Some(postal_code),
                Some(country),
            ) => Ok(AddressChange {
                line1,
                line2,
                city,
                region,
                postal_code,
                country,
                default_billing: self.default_billing,
            }),
            _ => Err(v.into_error()),
        }
    }
}

one_answer!(
    /// Answers of `addAddress`.
    AddressAdded,
    201,
    "The address was added; the account's first address is its default billing address.",
    Json<AddressBody>
);
one_answer!(
    /// Answers of `updateAddress`.
    AddressUpdated,
    200,
    "The address as it is now.",
    Json<AddressBody>
);

/// Answers of `GET /v1/me/addresses`.
#[derive(ApiResponse)]
pub enum AddressListResponse {
    /// My postal addresses.
    #[oai(status = 200)]
    Ok(Json<AddressList>),
}

/// Answers of `DELETE /v1/me/addresses/{id}`.
#[derive(ApiResponse)]
pub enum AddressDeleted {
    /// The address is gone; if it was the default, the oldest remaining one is now.
    #[oai(status = 204)]
    Deleted,
}

pub(crate) fn address_id(id: &str) -> Result<AddressId, ApiError> {
    AddressId::parse(id).map_err(|_| ApiError::not_found("address"))
}

/// Postal addresses.
pub struct AddressesApi {
    services: Arc<Services>,
}

impl AddressesApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

#[OpenApi(prefix_path = "/v1/me", tag = "ApiTags::Profile")]
impl AddressesApi {
    /// List my postal addresses.
    ///
    /// Every postal address of my account, oldest first; one of them is the default
    /// billing address.
    #[oai(path = "/addresses", method = "get", operation_id = "listAddresses")]
    async fn list(
        &self,
        auth: SessionAuth,
        /// Items per page (default 50, at most 200).
        limit: Query<Option<u64>>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<AddressListResponse, ApiError> {
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let found = self.services.addresses.list(auth.0.account, &page).await?;
        Ok(AddressListResponse::Ok(Json(AddressList {
            items: found.items.into_iter().map(AddressBody::from).collect(),
            next_cursor: next_cursor(found.next_cursor),
        })))
    }

    /// Add a postal address.
    ///
    /// The account's first address becomes its default billing address; a later one
    /// does when it is sent with `default_billing: true`. An account holds at most 20
    /// addresses.
    #[oai(path = "/addresses", method = "post", operation_id = "addAddress")]
    async fn add(
        &self,
        auth: SessionAuth,
        body: Json<NewAddress>,
    ) -> Result<AddressAdded, ApiError> {
        let (fields, default_billing) = body.0.try_into_domain()?;
        let address = self
            .services
            .addresses
            .add(auth.0.account, fields, default_billing)
            .await?;
        Ok(AddressAdded::Answer(Json(address.into())))
    }

    /// Change a postal address.
    ///
    /// Only the fields sent change; a `null` `line2` or `region` removes it. The
    /// default billing address stays the default until another one is made the default.
    #[oai(
        path = "/addresses/:id",
        method = "patch",
        operation_id = "updateAddress"
    )]
    async fn patch(
        &self,
        auth: SessionAuth,
        id: Path<String>,
        body: Json<AddressPatch>,
    ) -> Result<AddressUpdated, ApiError> {
        let id = address_id(&id.0)?;
        let change = body.0.try_into_domain()?;
        let address = self
            .services
            .addresses
            .change(auth.0.account, id, change)
            .await?;
        Ok(AddressUpdated::Answer(Json(address.into())))
    }

    /// Remove a postal address.
    ///
    /// When it was the default billing address, the oldest remaining address becomes
    /// the default.
    #[oai(
        path = "/addresses/:id",
        method = "delete",
        operation_id = "removeAddress"
    )]
    async fn delete(
        &self,
        auth: SessionAuth,
        id: Path<String>,
    ) -> Result<AddressDeleted, ApiError> {
        let id = address_id(&id.0)?;
        self.services.addresses.remove(auth.0.account, id).await?;
        Ok(AddressDeleted::Deleted)
    }
}
