//! The `portico` binary: `serve`, `migrate` and `worker`, each reading only its own
//! settings.

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use portico::metrics::Metrics;
use portico::settings::{LogFormat, ServeSettings, StorageArgs, WorkerSettings};
use portico::wiring::{self, Services};
use portico::worker;
use portico_kernel::SystemClock;
use tokio::sync::watch;

/// Portico: the "My account" area of a hosting and billing client portal.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Log format.
    #[arg(
        long,
        global = true,
        env = "PORTICO_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    log_format: LogFormat,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP server and, unless disabled, the mail outbox worker (migrations
    /// are applied first unless disabled).
    Serve(Box<ServeSettings>),
    /// Apply database migrations and exit.
    Migrate(StorageArgs),
    /// Run only the mail outbox worker, until SIGTERM or Ctrl-C (migrations are
    /// applied first unless disabled).
    Worker(WorkerSettings),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    portico::telemetry::init(cli.log_format);
    let ran = match cli.command {
        Command::Serve(settings) => serve(*settings).await,
        Command::Migrate(storage) => migrate(storage).await,
        Command::Worker(settings) => work(settings).await,
    };
    match ran {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let message = portico::http::problem::cause_chain(error.as_ref());
            tracing::error!(error = %message, "portico stopped");
            ExitCode::FAILURE
        }
    }
}

type Outcome = Result<(), Box<dyn std::error::Error>>;

async fn migrate(storage: StorageArgs) -> Outcome {
    storage.connect().await?.migrate().await?;
    tracing::info!("migrations applied");
    Ok(())
}

/// The outbox worker alone: it reads the database and the mail settings, nothing else.
async fn work(settings: WorkerSettings) -> Outcome {
    let transport = settings.transport()?;
    let database = settings.storage.connect().await?;
    settings.schema.prepare(&database).await?;
    let delivery = wiring::delivery_worker(
        &database,
        Arc::new(SystemClock),
        transport,
        settings.mail.delivery(),
    );
    let (stop, stopped) = watch::channel(false);
    // Nothing serves these counts here; the worker records them all the same.
    let worker = tokio::spawn(worker::run(delivery, Arc::new(Metrics::new()), stopped));
    portico::server::shutdown_signal().await;
    let _ = stop.send(true);
    worker.await?;
    Ok(())
}

async fn serve(settings: ServeSettings) -> Outcome {
    // Every setting is judged, then the database reached and its schema judged, before
    // any file is written (the TOTP key file, by `domain`).
    settings.check()?;
    let database = settings.storage.connect().await?;
    settings.schema.prepare(&database).await?;
    let domain = settings.domain()?;
    let transport = settings.transport(&domain.mail_from)?;
    let services = Arc::new(Services::new(
        database,
        &domain,
        Arc::new(SystemClock),
        transport,
    )?);
    let (stop, stopped) = watch::channel(false);
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
    Ok(())
}
