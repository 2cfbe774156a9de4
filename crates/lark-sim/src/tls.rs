//! HTTPS and WSS on the simulator's one port, with rustls (aws-lc-rs).
//!
//! [`Tls::SelfSigned`] makes, at start, a throwaway certificate authority and a server certificate
//! it signs for `localhost`, `127.0.0.1`, `::1` and the bound address. The authority's PEM is
//! written to a fresh temporary directory (removed when the simulator stops) for clients to
//! trust: `REQUESTS_CA_BUNDLE` / `SSL_CERT_FILE` for Python, `NODE_EXTRA_CA_CERTS` for Node, a
//! root certificate for Rust clients. [`Tls::Pem`] serves a certificate chain and key from files.
//!
//! Handshakes run in their own tasks (bounded by a timeout), so a slow or broken client never
//! holds up the others; the finished streams are handed to axum through [`TlsListener`].

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// How long a client may take to finish its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the simulator's certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tls {
    /// A certificate made at start, signed by a throwaway authority whose PEM is written to a
    /// temporary file ([`crate::Sim::certificate_path`]).
    SelfSigned,
    /// A PEM certificate chain and its PEM private key.
    Pem { cert: PathBuf, key: PathBuf },
}

/// A temporary directory removed on drop.
#[derive(Debug)]
pub(crate) struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What serving TLS needs, and what clients need to trust it.
pub(crate) struct Prepared {
    pub acceptor: TlsAcceptor,
    /// The PEM clients should trust: the authority (self-signed) or the given chain.
    pub trust_pem: String,
    /// The file holding `trust_pem`.
    pub trust_path: PathBuf,
    /// The directory `trust_path` was written to, when the simulator made it.
    pub dir: Option<TempDir>,
}

fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// Builds the acceptor (and, for [`Tls::SelfSigned`], the certificate files) for `addr`.
pub(crate) fn prepare(tls: &Tls, addr: SocketAddr) -> io::Result<Prepared> {
    let (chain, key, trust_pem, trust_path, dir) = match tls {
        Tls::Pem { cert, key } => {
            let pem = std::fs::read_to_string(cert)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", cert.display())))?;
            let chain = CertificateDer::pem_slice_iter(pem.as_bytes())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| other(format!("{}: {e}", cert.display())))?;
            if chain.is_empty() {
                return Err(other(format!("{}: no certificate", cert.display())));
            }
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| other(format!("{}: {e}", key.display())))?;
            (chain, key, pem, cert.clone(), None)
        }
        Tls::SelfSigned => {
            let made = self_signed(addr)?;
            let dir = std::env::temp_dir().join(format!(
                "lark-sim-{}-{}-{}",
                std::process::id(),
                addr.port(),
                crate::ids::random_hex(8)
            ));
            std::fs::create_dir_all(&dir)?;
            let dir = TempDir(dir);
            let path = dir.0.join("ca.pem");
            std::fs::write(&path, &made.ca_pem)?;
            (made.chain, made.key, made.ca_pem, path, Some(dir))
        }
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(other)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(other)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Prepared {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        trust_pem,
        trust_path,
        dir,
    })
}

struct Made {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    ca_pem: String,
}

/// A throwaway authority and a server certificate it signs. Both carry the extensions strict
/// verifiers ask for (key identifiers, key usages), so OpenSSL's strict mode accepts them too.
fn self_signed(addr: SocketAddr) -> io::Result<Made> {
    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose,
        IsCa, KeyPair, KeyUsagePurpose,
    };
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(other)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca.distinguished_name
        .push(DnType::CommonName, "lark-sim local authority");
    let ca =
        CertifiedIssuer::self_signed(ca, KeyPair::generate().map_err(other)?).map_err(other)?;

    let mut names = vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ];
    if !addr.ip().is_unspecified() && !names.contains(&addr.ip().to_string()) {
        names.push(addr.ip().to_string());
    }
    let mut leaf = CertificateParams::new(names).map_err(other)?;
    leaf.distinguished_name.push(DnType::CommonName, "lark-sim");
    leaf.use_authority_key_identifier_extension = true;
    leaf.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = KeyPair::generate().map_err(other)?;
    let cert = leaf.signed_by(&leaf_key, &ca).map_err(other)?;
    let key = PrivateKeyDer::try_from(leaf_key.serialize_der()).map_err(other)?;
    Ok(Made {
        chain: vec![cert.der().clone(), ca.der().clone()],
        key,
        ca_pem: ca.pem(),
    })
}

/// TLS streams whose handshake finished, for `axum::serve`.
pub(crate) struct TlsListener {
    rx: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl TlsListener {
    /// Accepts on `listener` until this listener is dropped (when the server stops).
    pub fn new(listener: TcpListener, acceptor: TlsAcceptor) -> io::Result<TlsListener> {
        let local = listener.local_addr()?;
        let (tx, rx) = mpsc::channel(64);
        tokio::spawn(async move {
            loop {
                let (tcp, peer) = tokio::select! {
                    _ = tx.closed() => return,
                    r = listener.accept() => match r {
                        Ok(c) => c,
                        Err(e) => {
                            tracing::debug!(error = %e, "accept failed");
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            continue;
                        }
                    },
                };
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                        Ok(Ok(stream)) => {
                            let _ = tx.send((stream, peer)).await;
                        }
                        Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                });
            }
        });
        Ok(TlsListener { rx, local })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.rx.recv().await {
            Some(conn) => conn,
            // The accept loop only ends once this receiver is gone; wait forever just in case.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local)
    }
}
