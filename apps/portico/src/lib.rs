//! The Portico server: the HTTP API over the domain crates, the CLI and the wiring.
//!
//! Layout:
//! - [`settings`]: typed settings from flags and `PORTICO_*` variables;
//! - [`seed_key`]: the key sealing TOTP seeds, from settings or a key file;
//! - [`wiring`]: builds the domain services over the SeaORM adapters;
//! - [`server`]: the router (also used by the HTTP tests) and the serving loop;
//! - [`api`]: one module per section of the HTTP contract;
//! - [`http`]: problem+json errors, authentication, client address, body limit;
//! - [`web`]: the client-area pages in the browser;
//! - [`worker`]: the mail outbox worker loop.
//!
//! ```no_run
//! use std::sync::Arc;
//! use portico::wiring::{DomainSettings, Services};
//! use portico_kernel::{EmailAddress, SystemClock};
//! use portico_sea_orm::Database;
//! use portico_security::{
//!     PasswordPolicy, RateLimitPolicies, SeedVault, SessionPolicy, ThrottlePolicies,
//! };
//! use portico_smtp::SmtpMailer;
//!
//! async fn run() -> Result<(), Box<dyn std::error::Error>> {
//!     let db = Database::connect("sqlite://portico.db?mode=rwc").await?;
//!     db.migrate().await?;
//!     let settings = DomainSettings {
//!         password_policy: PasswordPolicy::new(12),
//!         session_policy: SessionPolicy::default(),
//!         throttles: ThrottlePolicies::default(),
//!         step_up: time::Duration::minutes(10),
//!         rate_limits: RateLimitPolicies::default(),
//!         landing_hosts: portico_affiliate::LandingHosts::parse(["portal.example.com"])?,
//!         public_base_url: "https://portal.example.com".into(),
//!         mail_from: EmailAddress::parse("portal@example.com")?,
//!         platform_token: None,
//!         seed_vault: SeedVault::new(&SeedVault::generate_key()?)?,
//!         trusted_proxies: vec![],
//!         affiliate: portico_affiliate::ProgramSettings::default(),
//!         delivery: portico_mail_log::RetryPolicy::default(),
//!         metrics: true,
//!         brand: portico::brand::Brand::default(),
//!     };
//!     let smtp = SmtpMailer::from_url("smtp://127.0.0.1:2525", &settings.mail_from)?;
//!     let services = Arc::new(Services::new(db, &settings, Arc::new(SystemClock), Arc::new(smtp))?);
//!     portico::server::serve(services, "127.0.0.1:8080".parse()?).await?;
//!     Ok(())
//! }
//! ```

// Every API error is a whole problem document (type, title, detail, fields at fault,
// request id): about 130 bytes, moved only on the error path, where boxing it would
// save nothing measurable and cost every handler a `Box::new`.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod brand;
pub mod contract;
pub mod email_audit_bridge;
pub mod http;
pub mod mail_notices;
pub mod metrics;
pub mod security_log_bridge;
pub mod seed_key;
pub mod server;
pub mod settings;
pub mod telemetry;
pub mod web;
pub mod wiring;
pub mod worker;
