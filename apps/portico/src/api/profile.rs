//! `GET, PATCH /v1/me/profile`.

use std::sync::Arc;

use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use portico_identity::{LanguageTag, PersonName, Profile, ProfileChange};

use crate::api::{ApiTags, one_answer};
use crate::contract::operation_problems::OperationProblems;
use crate::http::auth::SessionAuth;
use crate::http::problem::ApiError;
use crate::http::timestamps::rfc3339;
use crate::http::validation::Validator;
use crate::wiring::Services;

/// The problem types this module's operations answer beyond those their shape implies
/// (see `crate::contract`).
pub const PROBLEMS: &[OperationProblems] = &[OperationProblems {
    operation: "updateProfile",
    slugs: &["empty-update"],
}];

/// An account's profile.
#[derive(Debug, Object)]
pub struct ProfileBody {
    /// Account id.
    id: String,
    /// Login name (changed through `PUT /v1/me/username`).
    username: String,
    /// Given name.
    first_name: String,
    /// Family name.
    last_name: String,
    /// BCP 47 language tag.
    language: String,
    /// Registration time.
    created_at: String,
}

impl From<Profile> for ProfileBody {
    fn from(profile: Profile) -> Self {
        Self {
            id: profile.id.to_string(),
            username: profile.username.to_string(),
            first_name: profile.first_name.to_string(),
            last_name: profile.last_name.to_string(),
            language: profile.language.to_string(),
            created_at: rfc3339(profile.created_at),
        }
    }
}

/// A partial profile update: absent or `null` fields stay as they are.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct ProfilePatch {
    /// Given name.
    #[oai(nullable)]
    pub(crate) first_name: Option<String>,
    /// Family name.
    #[oai(nullable)]
    pub(crate) last_name: Option<String>,
    /// BCP 47 language tag.
    #[oai(nullable)]
    pub(crate) language: Option<String>,
}

impl ProfilePatch {
    /// The domain change, or every invalid field at once (shared with the profile
    /// page, so both speak the same words).
    pub(crate) fn try_into_domain(self) -> Result<ProfileChange, ApiError> {
        let mut v = Validator::default();
        let first_name = v.check_opt(
            "first_name",
            self.first_name.as_deref().map(PersonName::parse),
        );
        let last_name = v.check_opt(
            "last_name",
            self.last_name.as_deref().map(PersonName::parse),
        );
        let language = v.check_opt("language", self.language.as_deref().map(LanguageTag::parse));
        match (first_name, last_name, language) {
            (Some(first_name), Some(last_name), Some(language)) => Ok(ProfileChange {
                first_name,
                last_name,
                language,
            }),
            _ => Err(v.into_error()),
        }
    }
}

one_answer!(
    /// Answers of `getProfile`.
    ProfileFound,
    200,
    "My profile.",
    Json<ProfileBody>
);
one_answer!(
    /// Answers of `updateProfile`.
    ProfileUpdated,
    200,
    "The profile as it is now.",
    Json<ProfileBody>
);

/// The profile.
pub struct ProfileApi {
    services: Arc<Services>,
}

impl ProfileApi {
    /// The API over the given services.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

#[OpenApi(prefix_path = "/v1/me", tag = "ApiTags::Profile")]
impl ProfileApi {
    /// Read my profile.
    ///
    /// My username, names and language, and when the account was opened.
    #[oai(path = "/profile", method = "get", operation_id = "getProfile")]
    async fn get(&self, auth: SessionAuth) -> Result<ProfileFound, ApiError> {
        let profile = self.services.profiles.profile(auth.0.account).await?;
        Ok(ProfileFound::Answer(Json(profile.into())))
    }

    /// Change my name or language.
    ///
    /// Only the fields sent change; `null` and absent fields are left as they are. A
    /// body that names no field is refused.
    #[oai(path = "/profile", method = "patch", operation_id = "updateProfile")]
    async fn patch(
        &self,
        auth: SessionAuth,
        body: Json<ProfilePatch>,
    ) -> Result<ProfileUpdated, ApiError> {
        let change = body.0.try_into_domain()?;
        let profile = self
            .services
            .profiles
            .update(auth.0.account, change)
            .await?;
        Ok(ProfileUpdated::Answer(Json(profile.into())))
    }
}
