//! The PEM files a TLS connection to PostgreSQL reads at start: `sslrootcert` (trusted CAs)
//! and `sslcert` + `sslkey` (the client's certificate); errors name the URL word and the path,
//! never a key's content.

use std::path::{Path, PathBuf};

use rustls::RootCertStore;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// `sslcert` and `sslkey`: the client's certificate chain and its private key, PEM files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ClientCert {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl ClientCert {
    /// Read at start, so a missing or unreadable file stops the start with its name.
    pub(super) fn load(
        &self,
    ) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), String> {
        let chain = pem_certs("sslcert", &self.cert)?;
        // Never the key's content in an error: only its path.
        let key = PrivateKeyDer::from_pem_file(&self.key).map_err(|e| {
            format!(
                "sslkey {}: {}",
                self.key.display(),
                match e {
                    rustls::pki_types::pem::Error::Io(io) => io.to_string(),
                    _ => "no PEM private key (PKCS#8, PKCS#1 or SEC1) in the file".to_owned(),
                }
            )
        })?;
        Ok((chain, key))
    }
}

/// The certificates of a PEM file, at least one; errors name the URL word and the path.
fn pem_certs(word: &str, path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let shown = path.display();
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("{word} {shown}: {}", pem_err(e)))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{word} {shown}: {}", pem_err(e)))?;
    if certs.is_empty() {
        return Err(format!(
            "{word} {shown}: no PEM certificate (-----BEGIN CERTIFICATE-----) in the file"
        ));
    }
    Ok(certs)
}

pub(super) fn add_pem_roots(roots: &mut RootCertStore, path: &Path) -> Result<(), String> {
    let shown = path.display();
    for c in pem_certs("sslrootcert", path)? {
        roots
            .add(c)
            .map_err(|e| format!("sslrootcert {shown}: not a usable CA certificate: {e}"))?;
    }
    Ok(())
}

fn pem_err(e: rustls::pki_types::pem::Error) -> String {
    match e {
        rustls::pki_types::pem::Error::Io(io) => io.to_string(),
        other => format!("not a PEM file ({other:?})"),
    }
}
