//! TLS to PostgreSQL as libpq's `sslmode` and `sslrootcert` say, over rustls.
//!
//! - `disable`: plain TCP.
//! - `prefer` (the default, as in libpq): TLS when the server offers it, else plain TCP; the
//!   certificate is not checked (it keeps passive eavesdroppers out, not an active attacker).
//! - `require`: TLS or no connection; the certificate is not checked, except that (as in libpq)
//!   an `sslrootcert` file makes it `verify-ca`.
//! - `verify-ca`: TLS, and the server's certificate must chain to a trusted root.
//! - `verify-full`: `verify-ca`, and the certificate must also name the host connected to.
//!
//! The trusted roots are the Mozilla set (webpki-roots) plus the certificates in the PEM file
//! `sslrootcert=PATH` names (`sslrootcert=system`: the built-in set only, and `verify-full`
//! unless `sslmode` says otherwise, as in libpq 16). A client certificate is offered when
//! `sslcert=PATH` and `sslkey=PATH` name its PEM chain and key (PKCS#8, PKCS#1 or SEC1), for
//! servers that ask for one (`clientcert=verify-ca|verify-full`, or the `cert` method); libpq's
//! default files under `~/.postgresql/` are not looked for. TLS channel binding
//! (SCRAM-SHA-256-PLUS) is not offered; SCRAM-SHA-256 without it works as usual.

use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect};

use super::pem::{ClientCert, add_pem_roots};

/// libpq's `sslmode` values this driver honours (`allow` is refused: it is plain TCP first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    pub(super) fn parse(v: &str) -> Result<SslMode, String> {
        Ok(match v {
            "disable" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            "allow" => {
                return Err(
                    "sslmode=allow is not supported (use prefer, require, verify-ca or verify-full)"
                        .into(),
                );
            }
            _ => {
                return Err(format!(
                    "sslmode must be disable, prefer, require, verify-ca or verify-full, not {v:?}"
                ));
            }
        })
    }

    /// What the driver itself needs to know: whether TLS is off, optional or required.
    pub(super) fn driver(self) -> tokio_postgres::config::SslMode {
        match self {
            SslMode::Disable => tokio_postgres::config::SslMode::Disable,
            SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            _ => tokio_postgres::config::SslMode::Require,
        }
    }
}

/// Where the trusted roots come from, besides the built-in set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum RootCert {
    /// No `sslrootcert`.
    None,
    /// `sslrootcert=system`.
    System,
    /// `sslrootcert=PATH`: a PEM file of CA certificates.
    File(PathBuf),
}

/// The effective mode for what the URL says, with libpq's defaults.
pub(super) fn effective_mode(mode: Option<SslMode>, root: &RootCert) -> SslMode {
    match (mode, root) {
        (None, RootCert::System) => SslMode::VerifyFull,
        (None, _) => SslMode::Prefer,
        (Some(SslMode::Require), RootCert::File(_)) => SslMode::VerifyCa,
        (Some(m), _) => m,
    }
}

/// The connector handed to the pool: one rustls config for every connection.
#[derive(Clone)]
pub(super) struct MakeRustls {
    config: Arc<ClientConfig>,
    mode: SslMode,
}

impl MakeRustls {
    /// Builds the rustls config for `mode`, reading the `sslrootcert` file now so a missing or
    /// empty file is a start-up error rather than a failed connect later.
    pub(super) fn new(
        mode: SslMode,
        root: &RootCert,
        client: Option<&ClientCert>,
    ) -> Result<MakeRustls, String> {
        let provider = CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
        // One webpki verifier over the Mozilla roots (and `sslrootcert`); the laxer modes relax
        // what it demands of the certificate, never the handshake's signatures.
        let mut roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        if let RootCert::File(path) = root {
            add_pem_roots(&mut roots, path)?;
        }
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| format!("TLS set-up: {e}"))?;
        let verifier: Arc<dyn ServerCertVerifier> = match mode {
            SslMode::Disable | SslMode::Prefer | SslMode::Require => Arc::new(Relaxed {
                inner: webpki,
                check_chain: false,
            }),
            SslMode::VerifyCa => Arc::new(Relaxed {
                inner: webpki,
                check_chain: true,
            }),
            SslMode::VerifyFull => webpki,
        };
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS set-up: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let mut config = match client {
            None => builder.with_no_client_auth(),
            Some(c) => {
                let (chain, key) = c.load()?;
                builder.with_client_auth_cert(chain, key).map_err(|e| {
                    format!(
                        "sslkey {} does not go with sslcert {}: {e}",
                        c.key.display(),
                        c.cert.display()
                    )
                })?
            }
        };
        // What libpq 17 sends; a server doing direct TLS negotiation requires it.
        config.alpn_protocols = vec![b"postgresql".to_vec()];
        Ok(MakeRustls {
            config: Arc::new(config),
            mode,
        })
    }
}

impl<S> MakeTlsConnect<S> for MakeRustls
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type TlsConnect = RustlsConnect;
    type Error = io::Error;

    fn make_tls_connect(&mut self, domain: &str) -> io::Result<RustlsConnect> {
        // No failure here: the driver asks for a connector even for a unix socket (no host
        // name), where the server never agrees to TLS; a missing name fails at the handshake.
        Ok(RustlsConnect {
            config: self.config.clone(),
            mode: self.mode,
            domain: domain.to_owned(),
        })
    }
}

pub(super) struct RustlsConnect {
    config: Arc<ClientConfig>,
    mode: SslMode,
    domain: String,
}

impl<S> TlsConnect<S> for RustlsConnect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<RustlsStream<S>>> + Send>>;

    fn connect(self, stream: S) -> Self::Future {
        Box::pin(async move {
            let name = ServerName::try_from(self.domain.clone()).map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{:?} is not a host name TLS can use", self.domain),
                )
            })?;
            tokio_rustls::TlsConnector::from(self.config)
                .connect(name, stream)
                .await
                .map(RustlsStream)
                .map_err(|e| explain(e, self.mode, &self.domain))
        })
    }
}

/// A handshake failure as something an operator can act on.
fn explain(e: io::Error, mode: SslMode, domain: &str) -> io::Error {
    let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) else {
        return io::Error::new(e.kind(), format!("TLS handshake failed: {e}"));
    };
    let msg = match tls {
        rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => format!(
            "the server's certificate is not valid for host {domain:?} ({tls}); connect by a \
             name the certificate holds, or use sslmode=verify-ca to check only its chain"
        ),
        rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer | CertificateError::BadSignature,
        ) => format!(
            "the server's certificate is not trusted ({tls}, sslmode={}); give the CA that \
             signed it with sslrootcert=PATH (a PEM file), or use sslmode=require to encrypt \
             without checking it",
            mode_name(mode)
        ),
        rustls::Error::InvalidCertificate(_) => {
            format!("the server's certificate was refused ({tls})")
        }
        other => format!("TLS handshake failed: {other}"),
    };
    io::Error::new(e.kind(), msg)
}

fn mode_name(mode: SslMode) -> &'static str {
    match mode {
        SslMode::Disable => "disable",
        SslMode::Prefer => "prefer",
        SslMode::Require => "require",
        SslMode::VerifyCa => "verify-ca",
        SslMode::VerifyFull => "verify-full",
    }
}

/// An encrypted connection.
pub(super) struct RustlsStream<S>(tokio_rustls::client::TlsStream<S>);

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for RustlsStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for RustlsStream<S> {
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

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> tokio_postgres::tls::TlsStream for RustlsStream<S> {
    fn channel_binding(&self) -> ChannelBinding {
        ChannelBinding::none()
    }
}

/// The laxer modes over the webpki verifier. `prefer` and `require` accept any certificate, as
/// libpq does; `verify-ca` runs the full webpki check less the host name (webpki checks the chain,
/// its dates and usages before the name, so a name error means everything else passed). The
/// handshake's signatures are always checked, so the session is encrypted to whoever holds the
/// certificate's key.
#[derive(Debug)]
struct Relaxed {
    inner: Arc<WebPkiServerVerifier>,
    check_chain: bool,
}

impl ServerCertVerifier for Relaxed {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if !self.check_chain {
            return Ok(ServerCertVerified::assertion());
        }
        match self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
