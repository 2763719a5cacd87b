//! Opening one SMTP connection: TCP with `TCP_NODELAY`, TLS, EHLO, authentication.
//!
//! lettre writes a message body and its closing `.` as two writes. On a socket with
//! Nagle's algorithm on, the second write waits for the acknowledgement of the first,
//! which the receiving kernel delays by up to 40 ms: one stall per message, whatever
//! the server's speed. Portico therefore opens the socket itself, turns Nagle off and
//! hands the stream to lettre's SMTP state machine.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use lettre::transport::smtp::authentication::DEFAULT_MECHANISMS;
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

use super::relay::{Relay, Security};

/// Why a connection could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot reach the SMTP server: {0}")]
    Network(#[from] io::Error),
    #[error("the SMTP server did not answer within {0:?}")]
    TimedOut(Duration),
    #[error("the SMTP server's name is not valid for TLS")]
    ServerName,
    #[error("the SMTP server refused the session: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("the SMTP server does not offer STARTTLS, which the URL or its credentials require")]
    NoStartTls,
    #[error("TLS cannot be set up")]
    Tls(#[source] tokio_rustls::rustls::Error),
}

/// Opens an SMTP session ready for `MAIL FROM`, within `timeout` for the whole setup.
pub async fn open(relay: &Relay, timeout: Duration) -> Result<AsyncSmtpConnection, ConnectError> {
    tokio::time::timeout(timeout, open_unbounded(relay))
        .await
        .map_err(|_| ConnectError::TimedOut(timeout))?
}

async fn open_unbounded(relay: &Relay) -> Result<AsyncSmtpConnection, ConnectError> {
    let tcp = TcpStream::connect((relay.host.as_str(), relay.port)).await?;
    tcp.set_nodelay(true)?;
    let mut connection = match relay.security {
        Security::Implicit => {
            let name =
                ServerName::try_from(relay.host.clone()).map_err(|_| ConnectError::ServerName)?;
            let tls = TlsConnector::from(tls_config()?).connect(name, tcp).await?;
            AsyncSmtpConnection::connect_with_transport(Box::new(ImplicitTls(tls)), &relay.hello)
                .await?
        }
        Security::Plain | Security::StartTls { .. } => {
            AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &relay.hello).await?
        }
    };
    if let Security::StartTls { required } = relay.security {
        if connection.can_starttls() {
            let parameters = TlsParameters::new(relay.host.clone())?;
            connection.starttls(parameters, &relay.hello).await?;
        } else if required {
            connection.abort().await;
            return Err(ConnectError::NoStartTls);
        }
    }
    if let Some(credentials) = &relay.credentials {
        // With opportunistic STARTTLS, someone on the path could strip the offer: the
        // password then goes only over a connection the URL asked to be plain.
        if !may_authenticate(relay.security, connection.is_encrypted()) {
            connection.abort().await;
            return Err(ConnectError::NoStartTls);
        }
        connection.auth(DEFAULT_MECHANISMS, credentials).await?;
    }
    Ok(connection)
}

/// Whether credentials may be sent. lettre reports a connection as encrypted only
/// after its own STARTTLS; an `smtps://` stream is TLS from the first byte, wrapped
/// here, so it counts as encrypted whatever lettre says.
fn may_authenticate(security: Security, starttls_done: bool) -> bool {
    match security {
        Security::Plain | Security::Implicit => true,
        Security::StartTls { .. } => starttls_done,
    }
}

/// The TLS client settings for `smtps://`: the Mozilla root certificates (as lettre's
/// STARTTLS trusts) and the ring provider lettre already brings, built once.
fn tls_config() -> Result<Arc<ClientConfig>, ConnectError> {
    static CONFIG: OnceLock<Arc<ClientConfig>> = OnceLock::new();
    if let Some(config) = CONFIG.get() {
        return Ok(config.clone());
    }
    let roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(ConnectError::Tls)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(CONFIG.get_or_init(|| Arc::new(config)).clone())
}

/// A TLS stream lettre can drive as if it were its own.
struct ImplicitTls(TlsStream<TcpStream>);

impl std::fmt::Debug for ImplicitTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ImplicitTls")
    }
}

impl AsyncTokioStream for ImplicitTls {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

impl AsyncRead for ImplicitTls {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for ImplicitTls {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_go_over_tls_or_where_the_url_asked_for_plain() {
        assert!(may_authenticate(Security::Plain, false));
        assert!(may_authenticate(Security::Implicit, false));
        assert!(may_authenticate(
            Security::StartTls { required: true },
            true
        ));
        assert!(may_authenticate(
            Security::StartTls { required: false },
            true
        ));
        assert!(!may_authenticate(
            Security::StartTls { required: false },
            false
        ));
    }
}
