//! The custom-bot webhook against a local HTTP endpoint: the body the hook receives (text and
//! card), the signature it can verify, and errors that never show the hook URL.

use std::time::{SystemTime, UNIX_EPOCH};

use lark::Secret;
use lark::custom_bot::{CustomBot, sign};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// A one-route HTTP server: records each request's path and JSON body, answers `answer`.
async fn hook(
    answer: &'static str,
) -> (String, mpsc::UnboundedReceiver<(String, serde_json::Value)>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // Read the head, then as many body bytes as Content-Length says.
            let (head_end, len) = loop {
                let n = sock.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    return;
                }
                buf.extend_from_slice(&chunk[..n]);
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..i]).to_lowercase();
                    let len = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    break (i + 4, len);
                }
            };
            while buf.len() < head_end + len {
                let n = sock.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
            let path = head.split_whitespace().nth(1).unwrap_or("").to_owned();
            let body = serde_json::from_slice(&buf[head_end..]).unwrap_or_default();
            let _ = tx.send((path, body));
            let resp = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                answer.len()
            );
            let _ = sock.write_all(resp.as_bytes()).await;
        }
    });
    (
        format!("http://{addr}/open-apis/bot/v2/hook/hook-id-123"),
        rx,
    )
}

#[tokio::test]
async fn text_and_card_reach_the_hook_signed() {
    let (url, mut rx) = hook(r#"{"code":0,"msg":"success","data":{}}"#).await;
    let bot = CustomBot::new(url, Some(Secret::new("s3cret"))).unwrap();
    bot.send_text("deploy done").await.unwrap();
    let (path, body) = rx.recv().await.unwrap();
    assert_eq!(path, "/open-apis/bot/v2/hook/hook-id-123");
    assert_eq!(body["msg_type"], "text");
    assert_eq!(body["content"]["text"], "deploy done");
    // What the platform checks: the sign matches the timestamp, which is recent.
    let ts: u64 = body["timestamp"].as_str().unwrap().parse().unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(now.abs_diff(ts) < 60);
    assert_eq!(body["sign"], sign(ts, &Secret::new("s3cret")));

    let card = serde_json::json!({"header":{"title":{"tag":"plain_text","content":"Alert"}},"elements":[]});
    bot.send_card(&card).await.unwrap();
    let (_, body) = rx.recv().await.unwrap();
    assert_eq!(body["msg_type"], "interactive");
    assert_eq!(body["card"], card);
    assert!(body.get("content").is_none());
}

#[tokio::test]
async fn errors_carry_the_code_but_never_the_url() {
    let (url, _rx) = hook(r#"{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time","data":{}}"#).await;
    let bot = CustomBot::new(url, Some(Secret::new("wrong"))).unwrap();
    let err = bot.send_text("x").await.unwrap_err();
    assert_eq!(err.code(), Some(19021));
    assert!(!err.to_string().contains("hook-id-123"), "{err}");

    // Nothing listens here: a network error, without the URL.
    let dead =
        CustomBot::new("http://127.0.0.1:9/open-apis/bot/v2/hook/hook-id-123", None).unwrap();
    let err = dead.send_text("x").await.unwrap_err();
    assert!(matches!(err, lark::Error::Network(_)), "{err}");
    assert!(!err.to_string().contains("hook-id-123"), "{err}");
    assert!(!format!("{err:?}").contains("hook-id-123"), "{err:?}");
}

#[tokio::test]
async fn legacy_status_code_answers_are_understood() {
    let (url, _rx) = hook(r#"{"StatusCode":0,"StatusMessage":"success"}"#).await;
    CustomBot::new(url, None)
        .unwrap()
        .send_text("ok")
        .await
        .unwrap();
    let (url, _rx) = hook(r#"{"StatusCode":9499,"StatusMessage":"Bad Request"}"#).await;
    let err = CustomBot::new(url, None)
        .unwrap()
        .send_text("x")
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(9499));
}
