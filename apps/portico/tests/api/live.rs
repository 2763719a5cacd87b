//! The real server on a TCP port, and a minimal HTTP/1.1 client that connects from a
//! chosen loopback source address, for tests where the client address matters.

use std::net::SocketAddr;
use std::sync::Arc;

use poem::EndpointExt;
use poem::listener::{Acceptor, Listener, TcpListener};
use portico::server::app;
use portico::wiring::Services;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};

/// A running server; it stops when dropped.
pub struct LiveServer {
    pub address: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for LiveServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl LiveServer {
    /// Serves the router `main` builds over `services` on 127.0.0.1, a free port.
    pub async fn start(services: Arc<Services>) -> Self {
        let acceptor = TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .unwrap();
        let address = *acceptor.local_addr()[0].as_socket_addr().unwrap();
        let endpoint = app(services).boxed();
        let task = tokio::spawn(async move {
            let _ = poem::Server::new_with_acceptor(acceptor)
                .run(endpoint)
                .await;
        });
        Self { address, task }
    }

    /// Sends one request from the loopback address `from` (e.g. `127.0.0.2`) and
    /// returns the status and the JSON body (`null` when empty).
    pub async fn send(
        &self,
        from: &str,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> (u16, Value) {
        let answer = self
            .exchange(from, method, path, token, body, headers)
            .await;
        (answer.status, answer.body)
    }

    /// Like [`Self::send`], keeping the response headers too.
    pub async fn exchange(
        &self,
        from: &str,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
        let mut stream = socket.connect(self.address).await.unwrap();
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: portico.test\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        );
        if let Some(token) = token {
            request.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(&body);
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        parse_response(&raw)
    }
}

/// A keep-alive HTTP/1.1 connection from one loopback address: requests on it reuse
/// the same socket, as a browser or an API client with a connection pool does.
pub struct KeptConnection {
    stream: BufReader<TcpStream>,
}

impl LiveServer {
    /// Opens a connection from the loopback address `from`.
    pub async fn open(&self, from: &str) -> KeptConnection {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
        let stream = socket.connect(self.address).await.unwrap();
        KeptConnection {
            stream: BufReader::new(stream),
        }
    }
}

impl KeptConnection {
    /// Sends one request and reads its response, leaving the connection open.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: portico.test\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        );
        if let Some(token) = token {
            request.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(&body);
        self.stream
            .get_mut()
            .write_all(request.as_bytes())
            .await
            .unwrap();
        let mut raw = Vec::new();
        loop {
            let before = raw.len();
            self.stream.read_until(b'\n', &mut raw).await.unwrap();
            assert!(raw.len() > before, "the server closed the connection");
            if raw.ends_with(b"\r\n\r\n") {
                break;
            }
        }
        let head = String::from_utf8_lossy(&raw).into_owned();
        let length = head.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        });
        let chunked = head
            .lines()
            .any(|line| line.eq_ignore_ascii_case("transfer-encoding: chunked"));
        match length {
            _ if chunked => self.read_chunks(&mut raw).await,
            Some(length) => {
                let mut body = vec![0; length];
                self.stream.read_exact(&mut body).await.unwrap();
                raw.extend_from_slice(&body);
            }
            // 204 and the like: no body.
            None => {}
        }
        parse_response(&raw)
    }
}

impl KeptConnection {
    /// Reads a chunked body up to its last (empty) chunk, keeping the framing for
    /// [`parse_response`].
    async fn read_chunks(&mut self, raw: &mut Vec<u8>) {
        loop {
            let mut size_line = Vec::new();
            self.stream.read_until(b'\n', &mut size_line).await.unwrap();
            let size = usize::from_str_radix(String::from_utf8_lossy(&size_line).trim(), 16)
                .expect("a chunk size");
            raw.extend_from_slice(&size_line);
            let mut chunk = vec![0; size + 2];
            self.stream.read_exact(&mut chunk).await.unwrap();
            raw.extend_from_slice(&chunk);
            if size == 0 {
                return;
            }
        }
    }
}

/// A response read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// The header lines, as sent.
    pub head: String,
    pub body: Value,
}

impl Answer {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then_some(value.trim())
        })
    }

    /// The problem type's slug (`urn:portico:problem:` cut off), or "".
    pub fn slug(&self) -> &str {
        self.body["type"]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches("urn:portico:problem:")
    }
}

pub fn parse_response(raw: &[u8]) -> Answer {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete response");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let chunked = head
        .lines()
        .any(|line| line.eq_ignore_ascii_case("transfer-encoding: chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    let json = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&body).expect("a JSON body")
    };
    Answer {
        status,
        head: head.to_owned(),
        body: json,
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        body.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
    body
}
