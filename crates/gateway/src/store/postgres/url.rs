//! The database URL: libpq's parameters for the driver, the pool's own parameters, and the
//! URL as it may be shown (without its password).

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use super::pem::ClientCert;
use super::tls::{RootCert, SslMode, effective_mode};

/// What a URL configures.
pub(super) struct Options {
    pub pg: tokio_postgres::Config,
    pub max_size: usize,
    /// How long a call waits for a pooled connection, and a connect for the server.
    pub timeout: Duration,
    /// TLS as `sslmode` and `sslrootcert` say (libpq's defaults applied; see tls.rs).
    pub ssl_mode: SslMode,
    pub root_cert: RootCert,
    /// `sslcert` and `sslkey`, when both are given.
    pub client_cert: Option<ClientCert>,
}

/// The TLS words of a URL, which are ours (the driver knows no verify-* and no client certs).
#[derive(Default)]
struct TlsWords {
    mode: Option<SslMode>,
    root: Option<RootCert>,
    cert: Option<String>,
    key: Option<String>,
}

impl TlsWords {
    /// Takes `k=v` when it is a TLS word; `false` when it is not.
    fn take(&mut self, k: &str, v: String) -> Result<bool, String> {
        match k {
            "sslmode" => self.mode = Some(SslMode::parse(&v)?),
            "sslrootcert" => self.root = Some(root(&v)?),
            "sslcert" => self.cert = Some(v),
            "sslkey" => self.key = Some(v),
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn client_cert(&self) -> Result<Option<ClientCert>, String> {
        let given = |v: &Option<String>| v.as_deref().filter(|p| !p.is_empty()).map(PathBuf::from);
        match (given(&self.cert), given(&self.key)) {
            (None, None) => Ok(None),
            (Some(cert), Some(key)) => Ok(Some(ClientCert { cert, key })),
            (Some(_), None) => Err(
                "sslcert needs sslkey too: the path of the certificate's private key (PEM)".into(),
            ),
            (None, Some(_)) => {
                Err("sslkey needs sslcert too: the path of the client certificate (PEM)".into())
            }
        }
    }
}

const DEFAULT_MAX_SIZE: usize = 16;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// A connect that gets no answer gives up after this, unless the URL says otherwise.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Splits the pool's parameters off the URL and parses the rest as libpq's.
pub(super) fn parse(url: &str) -> Result<Options, String> {
    let mut max_size = DEFAULT_MAX_SIZE;
    let mut timeout = DEFAULT_TIMEOUT;
    let mut tls = TlsWords::default();
    if !url.contains("://") {
        // The key=value form: only the TLS words are ours.
        let mut kept = Vec::new();
        for word in url.split_whitespace() {
            let taken = match word.split_once('=') {
                Some((k, v)) => tls.take(k, v.to_owned())?,
                None => false,
            };
            if !taken {
                kept.push(word);
            }
        }
        let pg = tokio_postgres::Config::from_str(&kept.join(" "))
            .map_err(|e| format!("not a PostgreSQL URL: {e}"))?;
        return finish(pg, max_size, timeout, tls);
    }
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, q),
        None => (url, ""),
    };
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if tls.take(k, decode(v))? {
            continue;
        }
        match k {
            "pool_max_size" => {
                max_size =
                    v.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        format!("pool_max_size must be a positive number, not {v:?}")
                    })?;
            }
            "pool_timeout" => {
                let secs: f64 = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0)
                    .ok_or_else(|| format!("pool_timeout must be seconds above 0, not {v:?}"))?;
                timeout = Duration::from_secs_f64(secs.min(3600.0));
            }
            _ => kept.push(pair),
        }
    }
    let rest = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    let pg = tokio_postgres::Config::from_str(&rest)
        .map_err(|e| format!("not a PostgreSQL URL: {e}"))?;
    finish(pg, max_size, timeout, tls)
}

fn finish(
    mut pg: tokio_postgres::Config,
    max_size: usize,
    timeout: Duration,
    tls: TlsWords,
) -> Result<Options, String> {
    let client_cert = tls.client_cert()?;
    let root_cert = tls.root.unwrap_or(RootCert::None);
    let ssl_mode = effective_mode(tls.mode, &root_cert);
    // As libpq: sslmode is for TCP; a unix socket (the server never offers TLS there) is used
    // as it is, whatever the mode.
    let unix_only = !pg.get_hosts().is_empty()
        && pg
            .get_hosts()
            .iter()
            .all(|h| !matches!(h, tokio_postgres::config::Host::Tcp(_)));
    if unix_only {
        pg.ssl_mode(tokio_postgres::config::SslMode::Disable);
    } else {
        pg.ssl_mode(ssl_mode.driver());
    }
    if pg.get_connect_timeout().is_none() {
        pg.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
    }
    if pg.get_application_name().is_none() {
        pg.application_name("openclaw-gateway");
    }
    Ok(Options {
        pg,
        max_size,
        timeout,
        ssl_mode,
        root_cert,
        client_cert,
    })
}

fn root(v: &str) -> Result<RootCert, String> {
    Ok(match v {
        "" => return Err("sslrootcert needs a path (or \"system\")".into()),
        "system" => RootCert::System,
        path => RootCert::File(path.into()),
    })
}

/// A query value's %XX escapes decoded (a path may need them); anything malformed is kept.
fn decode(v: &str) -> String {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The URL with its password replaced, for logs and errors.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        // The key=value form: drop any password=... word.
        return url
            .split_whitespace()
            .map(|w| {
                if w.starts_with("password=") {
                    "password=<redacted>"
                } else {
                    w
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let query = tail
        .split_once('?')
        .map(|(path, q)| {
            let q: Vec<&str> = q
                .split('&')
                .map(|p| {
                    if p.starts_with("password=") {
                        "password=<redacted>"
                    } else {
                        p
                    }
                })
                .collect();
            format!("{path}?{}", q.join("&"))
        })
        .unwrap_or_else(|| tail.to_owned());
    match authority.rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split_once(':').map(|(u, _)| u).unwrap_or(user);
            if authority[..authority.len() - host.len() - 1].contains(':') {
                format!("{scheme}://{user}:<redacted>@{host}{query}")
            } else {
                format!("{scheme}://{user}@{host}{query}")
            }
        }
        None => format!("{scheme}://{authority}{query}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("postgres://app:hunter2@db:5432/oc?sslmode=disable"),
            "postgres://app:<redacted>@db:5432/oc?sslmode=disable"
        );
        assert_eq!(redact("postgres://app@db/oc"), "postgres://app@db/oc");
        assert_eq!(
            redact("postgresql://db/oc?user=a&password=x"),
            "postgresql://db/oc?user=a&password=<redacted>"
        );
        assert_eq!(
            redact("host=db password=x user=a"),
            "host=db password=<redacted> user=a"
        );
    }

    #[test]
    fn pool_parameters_are_taken_off_the_url() {
        let o =
            parse("postgres://a@127.0.0.1:5/db?pool_max_size=4&pool_timeout=2.5&connect_timeout=3")
                .unwrap();
        assert_eq!(o.max_size, 4);
        assert_eq!(o.timeout, Duration::from_millis(2500));
        assert_eq!(o.pg.get_connect_timeout(), Some(&Duration::from_secs(3)));
        assert!(parse("postgres://a@h/db?pool_max_size=0").is_err());
        assert!(parse("mysql://nope").is_err());
    }

    #[test]
    fn tls_parameters_follow_libpq() {
        let mode = |u: &str| parse(u).map(|o| (o.ssl_mode, o.root_cert));
        assert_eq!(
            mode("postgres://a@h/db").unwrap(),
            (SslMode::Prefer, RootCert::None)
        );
        assert_eq!(
            mode("postgres://a@h/db?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem").unwrap(),
            (SslMode::VerifyFull, RootCert::File("/etc/ca.pem".into()))
        );
        // As libpq: a root file turns require into verify-ca; system defaults to verify-full.
        assert_eq!(
            mode("postgres://a@h/db?sslmode=require&sslrootcert=/ca.pem").unwrap(),
            (SslMode::VerifyCa, RootCert::File("/ca.pem".into()))
        );
        assert_eq!(
            mode("postgres://a@h/db?sslrootcert=system").unwrap(),
            (SslMode::VerifyFull, RootCert::System)
        );
        assert_eq!(
            mode("host=h user=a sslmode=verify-ca").unwrap(),
            (SslMode::VerifyCa, RootCert::None)
        );
        let o = parse("postgres://a@h/db?sslmode=disable").unwrap();
        assert_eq!(o.ssl_mode, SslMode::Disable);
        assert_eq!(
            o.pg.get_ssl_mode(),
            tokio_postgres::config::SslMode::Disable
        );
        let err = parse("postgres://a:pw@h/db?sslmode=verify").err().unwrap();
        assert!(err.contains("sslmode must be"), "{err}");
        assert!(parse("postgres://a@h/db?sslmode=allow").is_err());
        let unix = parse("postgres://a@%2Ftmp%2Fsock/db?sslmode=verify-full").unwrap();
        assert_eq!(
            unix.pg.get_ssl_mode(),
            tokio_postgres::config::SslMode::Disable
        );
    }

    #[test]
    fn a_client_certificate_takes_both_files() {
        let both = parse("postgres://a@h/db?sslcert=%2Fc.pem&sslkey=/k.pem").unwrap();
        assert_eq!(
            both.client_cert,
            Some(ClientCert {
                cert: "/c.pem".into(),
                key: "/k.pem".into()
            })
        );
        let kv = parse("host=h user=a sslcert=/c.pem sslkey=/k.pem").unwrap();
        assert_eq!(kv.client_cert, both.client_cert);
        assert_eq!(parse("postgres://a@h/db").unwrap().client_cert, None);
        let err = parse("postgres://a@h/db?sslcert=/c.pem").err().unwrap();
        assert!(err.contains("sslcert needs sslkey"), "{err}");
        let err = parse("postgres://a@h/db?sslkey=/k.pem&sslcert=")
            .err()
            .unwrap();
        assert!(err.contains("sslkey needs sslcert"), "{err}");
    }
}
