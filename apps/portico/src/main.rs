//! The `portico` binary: `serve`, `migrate` and `worker`.

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use portico::settings::Settings;
use portico::wiring::Services;
use portico::worker;
use portico_kernel::SystemClock;
use portico_sea_orm::{Backend, Database};
use tokio::sync::watch;

/// Portico: the "My account" area of a hosting and billing client portal.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    settings: Settings,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP server and, unless disabled, the mail outbox worker (migrations
    /// are applied first unless disabled).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Run only the mail outbox worker, until SIGTERM or Ctrl-C.
    Worker,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    portico::telemetry::init(cli.settings.log_format);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let message = portico::http::problem::cause_chain(error.as_ref());
            tracing::error!(error = %message, "portico stopped");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let settings = cli.settings;
    // Every setting is judged, then the database reached, before any file is written
    // (the TOTP key file, by `domain`).
    settings.check()?;
    let url = settings.database_url();
    if Database::backend_of(&url)? == Backend::Sqlite && settings.database_url.is_none() {
        std::fs::create_dir_all(&settings.data_dir)?;
    }
    let database = Database::connect(&url).await?;
    let domain = settings.domain()?;
    let transport = settings.transport(&domain.mail_from)?;
    if matches!(cli.command, Command::Migrate) {
        database.migrate().await?;
        tracing::info!("migrations applied");
        return Ok(());
    }
    if !settings.skip_migrations {
        database.migrate().await?;
    } else {
        // Serving a schema that lacks migrations would answer 500 to every request:
        // refuse now, and say what to run. A database this binary cannot judge (one
        // migrated by a newer version, during a rolling deploy; a role that may not
        // read the bookkeeping table) is served as before, with a warning.
        match database.pending_migrations().await {
            Ok(pending) if !pending.is_empty() => {
                return Err(format!(
                    "PORTICO_SKIP_MIGRATIONS is set, but the database lacks {} \
                     migration(s) ({}), or this role cannot see its seaql_migrations \
                     table: run `portico migrate` first",
                    pending.len(),
                    pending.join(", ")
                )
                .into());
            }
            Ok(_) => {}
            Err(error) => {
                let error = portico::http::problem::cause_chain(&error);
                tracing::warn!(%error, "cannot tell which migrations the database has");
            }
        }
    }
    let services = Arc::new(Services::new(
        database,
        &domain,
        Arc::new(SystemClock),
        transport,
    )?);
    let (stop, stopped) = watch::channel(false);
    match cli.command {
        Command::Serve => {
            let worker = (!settings.no_worker).then(|| {
                tokio::spawn(worker::run(
                    services.delivery.clone(),
                    services.metrics.clone(),
                    stopped,
                ))
            });
            let metrics = settings
                .metrics_listen
                .filter(|_| !settings.no_metrics)
                .map(|listen| {
                    let serving =
                        portico::server::serve_metrics(services.clone(), listen, stop.subscribe());
                    tokio::spawn(async move {
                        if let Err(error) = serving.await {
                            tracing::error!(%listen, %error, "the metrics listener stopped");
                        }
                    })
                });
            let served = portico::server::serve(services, settings.listen).await;
            let _ = stop.send(true);
            if let Some(metrics) = metrics {
                metrics.await?;
            }
            if let Some(worker) = worker {
                worker.await?;
            }
            served?;
        }
        Command::Worker => {
            let worker = tokio::spawn(worker::run(
                services.delivery.clone(),
                services.metrics.clone(),
                stopped,
            ));
            portico::server::shutdown_signal().await;
            let _ = stop.send(true);
            worker.await?;
        }
        Command::Migrate => {}
    }
    Ok(())
}
