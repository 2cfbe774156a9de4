//! Bootstrapping a connection: `POST /callback/ws/endpoint` for a URL and configuration, then the
//! websocket handshake. Each failure is classified: retrying helps, or it cannot.

use serde::Deserialize;

use super::config::WireConfig;
use crate::http::Client;
use crate::routes::Route;

/// Why a connection attempt failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    /// Worth another attempt later (network, server busy, internal error, handshake refused
    /// for a passing reason).
    #[error("{0}")]
    Retryable(String),
    /// Retrying cannot help (bad credentials, too many connections, forbidden).
    #[error("{0}")]
    Fatal(String),
}

/// Codes the platform uses for "busy" and "internal error": both are worth a retry.
const SYSTEM_BUSY: i64 = 1;
const INTERNAL_ERROR: i64 = 1000040343;
/// The handshake refusal for an app that already has the maximum number of connections.
const EXCEED_CONN_LIMIT: &str = "1000040350";

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    data: Option<AnswerData>,
}

#[derive(Deserialize)]
struct AnswerData {
    #[serde(rename = "URL", default)]
    url: String,
    #[serde(rename = "ClientConfig", default)]
    client_config: Option<WireConfig>,
}

/// Where to dial and what configuration came with it.
pub(crate) struct Endpoint {
    pub url: String,
    pub config: Option<WireConfig>,
    pub conn_id: String,
    pub service_id: i32,
}

/// Asks the platform for a websocket URL.
pub(crate) async fn bootstrap(client: &Client) -> Result<Endpoint, ConnectError> {
    if client.app_id().as_str().is_empty() || client.app_secret().is_empty() {
        return Err(ConnectError::Fatal(
            "App ID or App secret not configured: set channels.lark.appId / appSecret (or LARK_APP_ID / LARK_APP_SECRET)".into(),
        ));
    }
    let url = format!("{}{}", client.base_url(), Route::WsEndpoint.path());
    let body = serde_json::json!({
        "AppID": client.app_id().as_str(),
        "AppSecret": client.app_secret().expose(),
    });
    let resp = client
        .http()
        .post(url)
        .header("locale", "zh")
        .json(&body)
        .timeout(std::time::Duration::from_secs(15))
        .send()
        .await
        .map_err(|e| {
            ConnectError::Retryable(format!("endpoint request failed: {}", e.without_url()))
        })?;
    let status = resp.status();
    let bytes = resp.bytes().await.map_err(|e| {
        ConnectError::Retryable(format!("endpoint answer lost: {}", e.without_url()))
    })?;
    if !status.is_success() {
        return Err(ConnectError::Retryable(format!(
            "endpoint answered HTTP {status} (system busy)"
        )));
    }
    let answer: Answer = serde_json::from_slice(&bytes).map_err(|_| {
        ConnectError::Retryable(format!(
            "endpoint answer is not JSON: {}",
            crate::http::snippet(&bytes)
        ))
    })?;
    match answer.code {
        0 => {}
        SYSTEM_BUSY | INTERNAL_ERROR => {
            return Err(ConnectError::Retryable(format!(
                "endpoint code {}: {}",
                answer.code, answer.msg
            )));
        }
        code => {
            return Err(ConnectError::Fatal(format!(
                "endpoint refused the app (code {code}: {}); check the App ID and App Secret and that the app uses the long connection",
                answer.msg
            )));
        }
    }
    let data = answer
        .data
        .filter(|d| !d.url.is_empty())
        .ok_or_else(|| ConnectError::Retryable("endpoint answer has no URL".into()))?;
    let parsed = url::Url::parse(&data.url)
        .map_err(|e| ConnectError::Retryable(format!("endpoint URL is malformed: {e}")))?;
    let query = |key: &str| {
        parsed
            .query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    };
    let conn_id = query("device_id").unwrap_or_default();
    // The service id goes into every ping; without it the platform cannot route our pings.
    let service_id = query("service_id")
        .and_then(|s| s.parse::<i32>().ok())
        .ok_or_else(|| ConnectError::Retryable("endpoint URL has no numeric service_id".into()))?;
    Ok(Endpoint {
        url: data.url,
        config: data.client_config,
        conn_id,
        service_id,
    })
}

/// Classifies a failed websocket handshake the way the official SDKs do.
pub(crate) fn classify_handshake(err: &tokio_tungstenite::tungstenite::Error) -> ConnectError {
    use tokio_tungstenite::tungstenite::Error as WsError;
    let WsError::Http(resp) = err else {
        return ConnectError::Retryable(format!("websocket dial failed: {err}"));
    };
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let status = header("handshake-status")
        .and_then(|s| s.parse::<u16>().ok())
        .unwrap_or(resp.status().as_u16());
    let msg = header("handshake-msg").unwrap_or_default();
    let auth_code = header("handshake-autherrcode").unwrap_or_default();
    match status {
        514 if auth_code == EXCEED_CONN_LIMIT => ConnectError::Fatal(format!(
            "the app already has the maximum number of long connections (50): {msg}"
        )),
        403 => ConnectError::Fatal(format!("websocket handshake forbidden: {msg}")),
        _ => ConnectError::Retryable(format!(
            "websocket handshake refused with status {status} {msg} {auth_code}"
        )),
    }
}
