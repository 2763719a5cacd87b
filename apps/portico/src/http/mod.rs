//! HTTP plumbing shared by every endpoint: problem+json errors, authentication,
//! the client address, request-body limits, request traces and timestamps on the
//! wire.

pub mod allowed_methods;
pub mod auth;
pub mod body_limit;
pub mod body_shape;
pub mod client;
pub mod cookies;
pub mod pagination;
pub mod platform_auth;
pub mod problem;
pub mod problem_middleware;
pub mod request_trace;
pub mod timestamps;
pub mod validation;
