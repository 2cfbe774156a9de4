//! LLM API keys: where they come from and how they are kept.
//!
//! A key is looked up on every model call, so `openclaw login` takes effect without a restart:
//! first the provider's environment variable (`ANTHROPIC_API_KEY`, `OPENAI_API_KEY`), then the
//! file `openclaw login` wrote under the state dir (`credentials/<provider>.key`, mode 0600).
//! [`ApiKey`] never shows its value in `Debug` or `Display`.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// An API key. Printing it shows `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(key.into().trim().to_owned())
    }

    /// The key itself, for the request header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The environment variable that holds a provider's key.
pub fn env_var(provider: &str) -> &'static str {
    match provider {
        "openai" => "OPENAI_API_KEY",
        _ => "ANTHROPIC_API_KEY",
    }
}

/// The file `openclaw login` writes a provider's key to.
pub fn key_file(state_dir: &Path, provider: &str) -> PathBuf {
    state_dir
        .join("credentials")
        .join(format!("{provider}.key"))
}

/// Where a provider finds its key at each call.
#[derive(Clone)]
pub struct KeySource {
    provider: &'static str,
    env: Option<&'static str>,
    file: Option<PathBuf>,
    fixed: Option<ApiKey>,
}

impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeySource")
            .field("provider", &self.provider)
            .field("env", &self.env)
            .field("file", &self.file)
            .field("fixed", &self.fixed.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl KeySource {
    /// The environment variable, then the state dir's key file.
    pub fn standard(provider: &'static str, state_dir: Option<&Path>) -> KeySource {
        KeySource {
            provider,
            env: Some(env_var(provider)),
            file: state_dir.map(|d| key_file(d, provider)),
            fixed: None,
        }
    }

    /// Always this key (tests, Rust callers).
    pub fn fixed(provider: &'static str, key: ApiKey) -> KeySource {
        KeySource {
            provider,
            env: None,
            file: None,
            fixed: Some(key),
        }
    }

    /// Only the key file (no environment): what tests of a missing key need.
    pub fn file_only(provider: &'static str, state_dir: &Path) -> KeySource {
        KeySource {
            provider,
            env: None,
            file: Some(key_file(state_dir, provider)),
            fixed: None,
        }
    }

    pub fn provider(&self) -> &'static str {
        self.provider
    }

    /// The environment variable this source reads, for the "No API key found" hint.
    pub fn env_name(&self) -> &'static str {
        env_var(self.provider)
    }

    /// The key, if one is configured.
    pub fn resolve(&self) -> Option<ApiKey> {
        if let Some(k) = &self.fixed {
            return Some(k.clone());
        }
        if let Some(var) = self.env
            && let Ok(v) = std::env::var(var)
            && !v.trim().is_empty()
        {
            return Some(ApiKey::new(v));
        }
        let text = std::fs::read_to_string(self.file.as_ref()?).ok()?;
        let key = text.trim();
        (!key.is_empty()).then(|| ApiKey::new(key))
    }
}

/// Stores a key for `provider` under the state dir, readable by the owner only (0600, in a
/// 0700 folder). The file is written whole and renamed into place, so a reader never sees half
/// a key.
pub fn store_key(state_dir: &Path, provider: &str, key: &ApiKey) -> std::io::Result<PathBuf> {
    let path = key_file(state_dir, provider);
    let dir = path.parent().unwrap_or(state_dir);
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let tmp = dir.join(format!(".{provider}.key.tmp"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(&tmp)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    f.write_all(key.expose().as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

/// Checks a key with one cheap, free call (listing models): `Ok` when the provider accepts it.
/// The error says what went wrong without the key.
pub async fn verify(provider: &str, base_url: Option<&str>, key: &ApiKey) -> Result<(), String> {
    let http = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let req = match provider {
        "openai" => {
            let base = base_url
                .unwrap_or(crate::llm::defaults::OPENAI_BASE_URL)
                .trim_end_matches('/');
            http.get(format!("{base}/models")).bearer_auth(key.expose())
        }
        _ => {
            let base = base_url
                .unwrap_or(crate::llm::defaults::ANTHROPIC_BASE_URL)
                .trim_end_matches('/');
            let base = base.strip_suffix("/v1").unwrap_or(base);
            http.get(format!("{base}/v1/models?limit=1"))
                .header("x-api-key", key.expose())
                .header("anthropic-version", "2023-06-01")
        }
    };
    let resp = req.send().await.map_err(|e| {
        format!(
            "cannot reach {provider} to check the key ({})",
            if e.is_timeout() {
                "timed out"
            } else {
                "connection failed"
            }
        )
    })?;
    match resp.status().as_u16() {
        200..=299 => Ok(()),
        401 | 403 => Err(format!(
            "{provider} refused the key (HTTP {})",
            resp.status().as_u16()
        )),
        s => Err(format!(
            "{provider} answered HTTP {s} while checking the key; try again later"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_never_prints() {
        let key = ApiKey::new("sk-ant-very-secret");
        assert_eq!(format!("{key:?} {key}"), "<redacted> <redacted>");
        let src = KeySource::fixed("anthropic", key);
        assert!(!format!("{src:?}").contains("very-secret"));
    }

    #[test]
    fn stored_keys_are_owner_only_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = store_key(dir.path(), "openai", &ApiKey::new(" sk-abc \n")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let src = KeySource::file_only("openai", dir.path());
        assert_eq!(src.resolve().unwrap().expose(), "sk-abc");
        assert!(
            KeySource::file_only("anthropic", dir.path())
                .resolve()
                .is_none()
        );
    }
}
