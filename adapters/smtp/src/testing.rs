//! An in-process SMTP server with scripted answers, for tests and benchmarks.
//!
//! It speaks just enough SMTP for lettre (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT),
//! keeps what it receives, and can be told to answer `451` (try later) to the next
//! few recipients or `550` (no such user) to given addresses. Stopping it closes every
//! connection, like an SMTP server going down.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A message the sink accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The envelope recipients.
    pub to: Vec<String>,
    /// The raw message (headers and body).
    pub data: String,
}

#[derive(Debug, Default)]
struct Script {
    received: Vec<ReceivedMail>,
    temporary_failures: u32,
    rejected: HashSet<String>,
    connections: usize,
    silent_after_data: bool,
    messages_per_connection: Option<usize>,
    drop_at_data: bool,
    without_eight_bit: bool,
}

/// A running SMTP sink on a loopback port.
#[derive(Debug)]
pub struct SmtpSink {
    addr: SocketAddr,
    script: Arc<Mutex<Script>>,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SmtpSink {
    /// Starts a sink on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_on("127.0.0.1:0".parse().map_err(std::io::Error::other)?).await
    }

    /// Starts a sink on a given address (to bring a stopped server back on its port).
    pub async fn start_on(addr: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let script = Arc::new(Mutex::new(Script::default()));
        let tasks = Arc::new(Mutex::new(Vec::new()));
        let accept = tokio::spawn({
            let script = script.clone();
            let tasks = tasks.clone();
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    lock(&script).connections += 1;
                    let handle = tokio::spawn(serve(stream, script.clone()));
                    lock(&tasks).push(handle);
                }
            }
        });
        lock(&tasks).push(accept);
        Ok(Self {
            addr,
            script,
            tasks,
        })
    }

    /// The sink's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `smtp://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Answers `451` to the next `count` recipients.
    pub fn fail_next(&self, count: u32) {
        lock(&self.script).temporary_failures = count;
    }

    /// Answers `550` to this recipient from now on.
    pub fn reject(&self, address: &str) {
        lock(&self.script)
            .rejected
            .insert(address.to_ascii_lowercase());
    }

    /// From now on, reads each message's content but never answers it, like a server
    /// that hangs.
    pub fn hang_after_data(&self) {
        lock(&self.script).silent_after_data = true;
    }

    /// From now on, accepts `limit` messages per connection and answers the next
    /// `MAIL FROM` with `421` and closes, as servers with a per-connection limit do.
    pub fn limit_messages_per_connection(&self, limit: usize) {
        lock(&self.script).messages_per_connection = Some(limit);
    }

    /// From now on, closes the connection without a word when `DATA` arrives (after
    /// `MAIL FROM` and the recipients were accepted).
    pub fn drop_connections_at_data(&self) {
        lock(&self.script).drop_at_data = true;
    }

    /// From now on, does not offer `8BITMIME`, like old relays: 8-bit text must then
    /// reach it encoded.
    pub fn refuse_eight_bit(&self) {
        lock(&self.script).without_eight_bit = true;
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        lock(&self.script).connections
    }

    /// Everything accepted so far.
    pub fn received(&self) -> Vec<ReceivedMail> {
        lock(&self.script).received.clone()
    }

    /// Stops listening and drops every open connection.
    pub fn stop(&self) {
        for task in lock(&self.tasks).drain(..) {
            task.abort();
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn serve(stream: TcpStream, script: Arc<Mutex<Script>>) {
    // Replies go out at once rather than waiting on Nagle's algorithm.
    let _ = stream.set_nodelay(true);
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    if write
        .write_all(b"220 portico-sink ESMTP\r\n")
        .await
        .is_err()
    {
        return;
    }
    let mut recipients = Vec::new();
    let mut accepted_here = 0;
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: String = if command.starts_with("EHLO") || command.starts_with("HELO") {
            if lock(&script).without_eight_bit {
                "250 portico-sink\r\n".into()
            } else {
                "250-portico-sink\r\n250 8BITMIME\r\n".into()
            }
        } else if command.starts_with("MAIL FROM") {
            let limit = lock(&script).messages_per_connection;
            if limit.is_some_and(|limit| accepted_here >= limit) {
                let _ = write
                    .write_all(b"421 4.7.0 too many messages on this connection\r\n")
                    .await;
                return;
            }
            recipients.clear();
            "250 2.1.0 ok\r\n".into()
        } else if command.starts_with("RCPT TO") {
            let address = line
                .trim_end()
                .split_once(':')
                .map(|(_, a)| {
                    a.trim()
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .to_ascii_lowercase()
                })
                .unwrap_or_default();
            let mut state = lock(&script);
            if state.rejected.contains(&address) {
                "550 5.1.1 no such user here\r\n".into()
            } else if state.temporary_failures > 0 {
                state.temporary_failures -= 1;
                "451 4.3.0 try again later\r\n".into()
            } else {
                recipients.push(address);
                "250 2.1.5 ok\r\n".into()
            }
        } else if command == "DATA" {
            if lock(&script).drop_at_data {
                return;
            }
            if write
                .write_all(b"354 end with <CRLF>.<CRLF>\r\n")
                .await
                .is_err()
            {
                return;
            }
            let mut data = String::new();
            loop {
                line.clear();
                match lines.read_line(&mut line).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) if line == ".\r\n" || line == ".\n" => break,
                    Ok(_) => data.push_str(&line),
                }
            }
            if lock(&script).silent_after_data {
                // Keep the connection open and say nothing more.
                std::future::pending::<()>().await;
            }
            accepted_here += 1;
            let mut state = lock(&script);
            state.received.push(ReceivedMail {
                to: std::mem::take(&mut recipients),
                data,
            });
            format!("250 2.0.0 queued as {}\r\n", state.received.len())
        } else if command == "QUIT" {
            let _ = write.write_all(b"221 2.0.0 bye\r\n").await;
            return;
        } else if command == "RSET" || command == "NOOP" {
            recipients.clear();
            "250 2.0.0 ok\r\n".into()
        } else {
            "502 5.5.2 not implemented\r\n".into()
        };
        if write.write_all(reply.as_bytes()).await.is_err() {
            return;
        }
    }
}
