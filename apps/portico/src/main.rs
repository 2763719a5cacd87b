//! The `portico` binary: `serve` and `migrate`.

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use portico::settings::Settings;
use portico::wiring::Services;
use portico_kernel::SystemClock;
use portico_sea_orm::{Backend, Database};

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
    /// Run the HTTP server (migrations are applied first unless disabled).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    portico::telemetry::init(cli.settings.log_format);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let mut message = error.to_string();
            let mut source = error.source();
            while let Some(inner) = source {
                message.push_str(": ");
                message.push_str(&inner.to_string());
                source = inner.source();
            }
            tracing::error!(error = %message, "portico stopped");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let settings = cli.settings;
    let url = settings.database_url();
    if Database::backend_of(&url)? == Backend::Sqlite && settings.database_url.is_none() {
        std::fs::create_dir_all(&settings.data_dir)?;
    }
    let database = Database::connect(&url).await?;
    match cli.command {
        Command::Migrate => {
            database.migrate().await?;
            tracing::info!("migrations applied");
        }
        Command::Serve => {
            if !settings.skip_migrations {
                database.migrate().await?;
            }
            let services = Services::new(database, settings.domain(), Arc::new(SystemClock))?;
            portico::server::serve(Arc::new(services), settings.listen).await?;
        }
    }
    Ok(())
}
