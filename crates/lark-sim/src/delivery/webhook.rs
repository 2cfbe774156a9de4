//! Webhook pushes: the url_verification challenge first, then each event POSTed to the app's
//! `webhook_url`, encrypted with its encrypt key and signed over timestamp, nonce, key and the
//! raw body (PROTOCOL §3). A response other than 200 within the ACK timeout is a failed attempt.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use lark::webhook::crypto;
use serde_json::{Value, json};

use super::{DispatchCtx, Outcome};
use crate::ids::random_hex;
use crate::state::App;

/// The body and signature headers of one push.
struct Sealed {
    body: Vec<u8>,
    timestamp: String,
    nonce: String,
    signature: String,
}

/// Encrypts the plaintext when the app has an encrypt key, and signs the exact bytes sent.
fn seal(app: &App, plaintext: &[u8]) -> Sealed {
    let key = app.spec.encrypt_key.clone().unwrap_or_default();
    let body = if key.is_empty() {
        plaintext.to_vec()
    } else {
        // Compact, with `encrypt` as the only key: the Node SDK re-serializes the parsed body to
        // check the signature, and this is the form that survives that round trip byte for byte.
        serde_json::to_vec(&json!({ "encrypt": crypto::encrypt(&key, plaintext) }))
            .unwrap_or_default()
    };
    let timestamp = (crate::ids::now_ms() / 1000).to_string();
    let nonce = random_hex(16);
    let signature = crypto::signature(&timestamp, &nonce, &key, &body);
    Sealed {
        body,
        timestamp,
        nonce,
        signature,
    }
}

async fn post(ctx: &DispatchCtx, url: &str, sealed: Sealed) -> Result<(u16, String), Outcome> {
    let req = ctx
        .http
        .post(url)
        .header("Content-Type", "application/json; charset=utf-8")
        .header("X-Lark-Request-Timestamp", &sealed.timestamp)
        .header("X-Lark-Request-Nonce", &sealed.nonce)
        .header("X-Lark-Signature", &sealed.signature)
        .body(sealed.body);
    let fut = async {
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let text = resp.text().await?;
        Ok::<_, reqwest::Error>((status, text))
    };
    match tokio::time::timeout(ctx.policy.ack_timeout, fut).await {
        Err(_) => Err(Outcome::Timeout),
        Ok(Err(e)) if e.is_timeout() => Err(Outcome::Timeout),
        Ok(Err(e)) => Err(Outcome::Error {
            reason: e.to_string(),
        }),
        Ok(Ok(r)) => Ok(r),
    }
}

/// Sends the url_verification challenge and checks the echo.
pub async fn verify(ctx: &DispatchCtx, app: &Arc<App>) -> Result<(), String> {
    let url = app
        .spec
        .webhook_url
        .clone()
        .ok_or_else(|| "the app has no webhook_url".to_owned())?;
    let challenge = random_hex(24);
    let plain = json!({
        "challenge": challenge,
        "token": app.spec.verification_token.clone().unwrap_or_default(),
        "type": "url_verification",
    });
    let plaintext = serde_json::to_vec(&plain).unwrap_or_default();
    let (status, body) = post(ctx, &url, seal(app, &plaintext))
        .await
        .map_err(|o| format!("{o:?}"))?;
    if status != 200 {
        return Err(format!("HTTP {status}: {body}"));
    }
    let echoed = serde_json::from_str::<Value>(&body).ok().and_then(|v| {
        v.get("challenge")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    if echoed.as_deref() != Some(challenge.as_str()) {
        return Err(format!("the challenge was not echoed: {body}"));
    }
    app.runtime.webhook_verified.store(true, Ordering::Relaxed);
    Ok(())
}

/// One push attempt of an event, verifying the URL first if it has not been verified yet.
pub async fn push(ctx: &DispatchCtx, app: &Arc<App>, plaintext: &[u8]) -> Outcome {
    if !app.runtime.webhook_verified.load(Ordering::Relaxed)
        && let Err(reason) = verify(ctx, app).await
    {
        return Outcome::VerificationFailed { reason };
    }
    let Some(url) = app.spec.webhook_url.clone() else {
        return Outcome::Error {
            reason: "the app has no webhook_url".into(),
        };
    };
    match post(ctx, &url, seal(app, plaintext)).await {
        Ok((status, body)) => Outcome::Acked {
            code: status,
            data: Some(body),
        },
        Err(outcome) => outcome,
    }
}
