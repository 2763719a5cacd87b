//! A bounded pool of SMTP connections, each carrying one message at a time.
//!
//! Throughput to a real server comes from several messages in flight on several
//! connections; the bound keeps Portico within what a relay allows one client. A
//! connection is reused only while it is healthy: lettre marks it broken on any error
//! (and sends QUIT), and one left idle for a while answers a NOOP before it is trusted.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use lettre::address::Envelope as SmtpEnvelope;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::response::Response;
use tokio::sync::Semaphore;

use super::connect::{self, ConnectError};
use super::exchange::{self, ExchangeError, MissingExtension};
use super::relay::Relay;

/// Why one delivery did not get a positive answer.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("{0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error(transparent)]
    Unsupported(MissingExtension),
    #[error("the SMTP server did not finish the message within {0:?}")]
    TimedOut(Duration),
    #[error("the mailer is shutting down")]
    Closed,
}

impl From<ExchangeError> for SendError {
    fn from(error: ExchangeError) -> Self {
        match error {
            ExchangeError::Smtp(error) => Self::Smtp(error),
            ExchangeError::Unsupported(reason) => Self::Unsupported(reason),
        }
    }
}

/// Timing rules of the pool.
#[derive(Debug, Clone, Copy)]
pub struct PoolTiming {
    /// Connecting, TLS, EHLO and AUTH together.
    pub connect: Duration,
    /// One message: MAIL, RCPT, DATA, the content and the final answer, with any
    /// reconnection after a reused connection failed at MAIL FROM.
    pub exchange: Duration,
    /// A connection idle for less than this is reused as it is (the common case while
    /// the outbox drains a queue).
    pub trusted_idle: Duration,
    /// A connection idle for longer than this is closed rather than checked: servers
    /// drop idle clients after a few minutes.
    pub max_idle: Duration,
}

impl Default for PoolTiming {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(20),
            exchange: Duration::from_secs(60),
            trusted_idle: Duration::from_secs(2),
            max_idle: Duration::from_secs(50),
        }
    }
}

/// Ends a connection that failed: QUIT, for at most a few seconds (a server that
/// stalls after an error must not hold the pool slot), then the socket closes.
async fn close(mut connection: AsyncSmtpConnection) {
    let _ = tokio::time::timeout(Duration::from_secs(5), connection.abort()).await;
}

struct Idle {
    connection: AsyncSmtpConnection,
    since: Instant,
}

/// At most `size` connections, and as many messages in flight.
pub struct ConnectionPool {
    relay: Relay,
    timing: PoolTiming,
    slots: Semaphore,
    idle: Mutex<Vec<Idle>>,
}

impl ConnectionPool {
    pub fn new(relay: Relay, size: usize, timing: PoolTiming) -> Self {
        Self {
            relay,
            timing,
            slots: Semaphore::new(size.max(1)),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Sends one message on a pooled connection, waiting for a free slot first.
    ///
    /// A reused connection that fails at `MAIL FROM` (the server closed it, or ended
    /// it with a 421 after its per-connection message limit) is replaced by a fresh
    /// one at once: nothing of the message was accepted yet. Once `MAIL FROM` is
    /// accepted, a failure is the attempt's outcome, never retried here, so a message
    /// is never sent twice by this pool.
    pub async fn send(
        &self,
        envelope: &SmtpEnvelope,
        content: &[u8],
    ) -> Result<Response, SendError> {
        let _slot = self.slots.acquire().await.map_err(|_| SendError::Closed)?;
        let (mut connection, reused) = self.checkout().await?;
        // One budget for the message itself, a reconnection included.
        let now = tokio::time::Instant::now();
        let deadline = now
            .checked_add(self.timing.exchange)
            .unwrap_or(now + Duration::from_secs(86_400));
        let begun = tokio::time::timeout_at(
            deadline,
            exchange::begin(&mut connection, envelope, content),
        )
        .await;
        match begun {
            Ok(Ok(())) => {}
            Ok(Err(error)) if error.is_unsupported() => {
                // Nothing was sent: the connection is as good as before.
                self.give_back(connection);
                return Err(error.into());
            }
            Ok(Err(error)) if reused && error.may_succeed_elsewhere() => {
                close(connection).await;
                connection = tokio::time::timeout_at(
                    deadline,
                    connect::open(&self.relay, self.timing.connect),
                )
                .await
                .map_err(|_| SendError::TimedOut(self.timing.exchange))??;
                match tokio::time::timeout_at(
                    deadline,
                    exchange::begin(&mut connection, envelope, content),
                )
                .await
                {
                    Ok(Ok(())) => {}
                    Ok(Err(error)) => {
                        close(connection).await;
                        return Err(error.into());
                    }
                    Err(_) => return Err(SendError::TimedOut(self.timing.exchange)),
                }
            }
            Ok(Err(error)) => {
                close(connection).await;
                return Err(error.into());
            }
            Err(_) => return Err(SendError::TimedOut(self.timing.exchange)),
        }
        match tokio::time::timeout_at(
            deadline,
            exchange::finish(&mut connection, envelope, content),
        )
        .await
        {
            Ok(Ok(response)) => {
                self.give_back(connection);
                Ok(response)
            }
            Ok(Err(error)) => {
                close(connection).await;
                Err(error.into())
            }
            // Dropped: the server discards an unfinished DATA. (A server that took the
            // whole message but did not answer in time may still deliver it; the retry
            // then sends it again, which a longer `exchange` budget makes rarer.)
            Err(_) => Err(SendError::TimedOut(self.timing.exchange)),
        }
    }

    /// A healthy idle connection (and `true`), or a new one (and `false`).
    async fn checkout(&self) -> Result<(AsyncSmtpConnection, bool), ConnectError> {
        while let Some(idle) = self.take_idle() {
            let idle_for = idle.since.elapsed();
            if idle_for > self.timing.max_idle {
                continue;
            }
            let mut connection = idle.connection;
            if idle_for <= self.timing.trusted_idle {
                return Ok((connection, true));
            }
            // One probe at most: if this one is dead, the older ones likely are too.
            let alive =
                tokio::time::timeout(self.timing.connect, connection.test_connected()).await;
            if alive == Ok(true) {
                return Ok((connection, true));
            }
            break;
        }
        Ok((
            connect::open(&self.relay, self.timing.connect).await?,
            false,
        ))
    }

    fn take_idle(&self) -> Option<Idle> {
        // The newest first: it is the likeliest to be alive.
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop()
    }

    fn give_back(&self, connection: AsyncSmtpConnection) {
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(Idle {
                connection,
                since: Instant::now(),
            });
    }
}
