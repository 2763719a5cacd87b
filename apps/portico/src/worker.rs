//! The outbox worker loop: inside `portico serve` by default, alone in `portico worker`.

use std::sync::Arc;
use std::time::Duration;

use portico_mail_log::DeliveryWorker;
use tokio::sync::watch;

use crate::metrics::Metrics;

/// Pause between rounds when there was nothing to send (or storage failed).
const IDLE_POLL: Duration = Duration::from_secs(1);

/// Delivers due messages until `stop` turns true. A round that found work is followed
/// at once by another; an idle or failed one waits [`IDLE_POLL`]. A round in progress
/// is finished before stopping, so no message is left half-recorded (and a message
/// claimed but not sent is retried once its lease expires).
pub async fn run(worker: DeliveryWorker, metrics: Arc<Metrics>, mut stop: watch::Receiver<bool>) {
    tracing::info!("mail outbox worker started");
    while !*stop.borrow() {
        let busy = match worker.run_once().await {
            Ok(report) => {
                metrics.record_delivery_round(&report);
                report.handled() > 0
            }
            Err(failed) => {
                metrics.record_delivery_round(&failed.report);
                tracing::error!(error = %failed.error, "mail outbox round failed");
                false
            }
        };
        if !busy {
            tokio::select! {
                () = tokio::time::sleep(IDLE_POLL) => {}
                changed = stop.changed() => if changed.is_err() { break },
            }
        }
    }
    tracing::info!("mail outbox worker stopped");
}
