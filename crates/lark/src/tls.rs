//! Extra trusted root certificates, for a platform (such as `lark-sim --tls`) whose certificate
//! no public authority signed. [`ClientBuilder::root_certificates_pem`] adds them; REST trusts
//! them through reqwest, and the long connection through the rustls config built here (the
//! public web roots plus the extra ones). Without extra roots nothing changes.
//!
//! [`ClientBuilder::root_certificates_pem`]: crate::ClientBuilder::root_certificates_pem

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, handshake::client::Response};
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use crate::error::{Error, Result};
use crate::http::Client;

/// Every certificate in the PEM blobs; an error when one holds none or is malformed.
pub(crate) fn parse_pems(pems: &[Vec<u8>]) -> Result<Vec<CertificateDer<'static>>> {
    let mut out = Vec::new();
    for pem in pems {
        let certs = CertificateDer::pem_slice_iter(pem)
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| Error::Config(format!("invalid PEM root certificate: {e}")))?;
        if certs.is_empty() {
            return Err(Error::Config(
                "a PEM root certificate was given but holds no certificate".into(),
            ));
        }
        out.extend(certs);
    }
    Ok(out)
}

/// The rustls config for `wss://` trusting the public web roots and `extra`; `None` without
/// extra roots (the websocket library's own defaults are used then).
pub(crate) fn ws_config(
    extra: &[CertificateDer<'static>],
) -> Result<Option<Arc<rustls::ClientConfig>>> {
    if extra.is_empty() {
        return Ok(None);
    }
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for cert in extra {
        roots
            .add(cert.clone())
            .map_err(|e| Error::Config(format!("unusable root certificate: {e}")))?;
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("TLS setup failed: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Some(Arc::new(config)))
}

/// Opens the long connection's websocket, trusting the client's extra roots when it has some.
pub(crate) async fn dial_ws(
    client: &Client,
    url: &str,
) -> std::result::Result<(WebSocketStream<MaybeTlsStream<TcpStream>>, Response), tungstenite::Error>
{
    match &client.inner.ws_tls {
        Some(config) => {
            tokio_tungstenite::connect_async_tls_with_config(
                url,
                None,
                false,
                Some(Connector::Rustls(config.clone())),
            )
            .await
        }
        None => tokio_tungstenite::connect_async(url).await,
    }
}
