//! Collecting every invalid field of a request before answering.

use std::fmt::Display;

use crate::http::problem::{ApiError, FieldError};

/// Gathers field errors while a request is turned into domain values, so a client
/// hears about all of its mistakes at once instead of one per round trip.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    /// Records the outcome of parsing one field and hands back the value if valid.
    pub fn check<T, E: Display>(&mut self, field: &str, parsed: Result<T, E>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(error) => {
                self.errors.push(FieldError {
                    field: field.to_owned(),
                    message: error.to_string(),
                });
                None
            }
        }
    }

    /// Parses an optional field: absent stays absent, present must be valid.
    pub fn check_opt<T, E: Display>(
        &mut self,
        field: &str,
        parsed: Option<Result<T, E>>,
    ) -> Option<Option<T>> {
        match parsed {
            None => Some(None),
            Some(result) => self.check(field, result).map(Some),
        }
    }

    /// Whether a field was found at fault.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The 422 answer for everything collected.
    pub fn into_error(self) -> ApiError {
        ApiError::validation(self.errors)
    }

    /// `Ok` when nothing was wrong.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }
}
