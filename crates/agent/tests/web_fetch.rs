//! `web_fetch` and the SSRF guard against real sockets: a local page read as markdown with the
//! private-URL allowance on; with it off, loopback, a name resolving to 10.x and a rebinding
//! name (a public answer to the check, loopback to any later lookup) never reach the local
//! server; 50 MB bodies and unreadable types refused, each with its reason.

mod common;

use std::io;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use common::ext::*;
use common::*;
use futures::future::BoxFuture;
use openclaw_agent::web::{FetchError, FetchPolicy, Fetcher, Lookup, WebFetchTool};
use openclaw_agent::{ExtensionsOptions, Tool, collect};
use serde_json::json;

const PAGE: &str = "<!doctype html><html><head><title>Notes</title><style>.x{color:red}</style>\
<script>var leaked = 'script text';</script></head><body><h1>Release notes</h1>\
<p>Version <b>2.0</b> is out.</p><ul><li>faster</li><li>smaller</li></ul></body></html>";
const FIFTY_MB: usize = 50 * 1024 * 1024;

/// Hits on the loopback server's secret route.
#[derive(Clone, Default)]
struct Hits(Arc<AtomicUsize>);

async fn serve(addr: &str, hits: Hits, marker: &'static str) -> u16 {
    let app = axum::Router::new()
        .route(
            "/page",
            get(move || async move {
                (
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    PAGE.replace("Notes", marker),
                )
            }),
        )
        .route(
            "/secret",
            get(|State(h): State<Hits>| async move {
                h.0.fetch_add(1, Ordering::SeqCst);
                "internal secret"
            }),
        )
        .route(
            "/to-self",
            get(|| async {
                // Redirects to the same name: its next lookup is the rebinding one.
                Response::builder()
                    .status(302)
                    .header(header::LOCATION, "/secret")
                    .body(Body::empty())
                    .unwrap()
            }),
        )
        .route(
            "/big",
            get(|| async { ([(header::CONTENT_TYPE, "text/plain")], vec![b'a'; FIFTY_MB]) }),
        )
        .route(
            "/big-chunked",
            get(|| async {
                let chunk = bytes::Bytes::from(vec![b'a'; 1024 * 1024]);
                let stream =
                    futures::stream::iter((0..50).map(move |_| Ok::<_, io::Error>(chunk.clone())));
                (
                    [(header::CONTENT_TYPE, "text/plain")],
                    Body::from_stream(stream),
                )
                    .into_response()
            }),
        )
        .route(
            "/doc.pdf",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/pdf")],
                    b"%PDF-1.4 ...".to_vec(),
                )
            }),
        )
        .route("/long", get(|| async { "y".repeat(120_000) }))
        .with_state(hits);
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    port
}

/// Answers each name from a script: `rebind.test` public (the stand-in) first, loopback after.
#[derive(Default)]
struct Hook {
    calls: Arc<AtomicUsize>,
}

impl Lookup for Hook {
    fn lookup(&self, host: &str) -> BoxFuture<'static, io::Result<Vec<IpAddr>>> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let ip = match host {
            "intranet.test" => "10.0.0.7",
            "rebind.test" if n == 0 => STAND_IN,
            "rebind.test" => "127.0.0.1",
            _ => return Box::pin(async { Err(io::Error::other("unknown name")) }),
        };
        let ip: IpAddr = ip.parse().unwrap();
        Box::pin(async move { Ok(vec![ip]) })
    }
}

/// The stand-in for a public server: a second loopback address the policy is told to treat
/// as public, serving on the same port as the loopback server with the secret.
const STAND_IN: &str = "127.0.0.2";

fn guarded(hook: Hook) -> Fetcher {
    Fetcher::new(FetchPolicy {
        allow_private: false,
        allowed_ips: vec![STAND_IN.parse().unwrap()],
        timeout: Duration::from_secs(10),
        lookup: Arc::new(hook),
        ..FetchPolicy::default()
    })
}

/// The loopback server with the secret, and the stand-in on the same port.
async fn servers() -> (u16, Hits) {
    let hits = Hits::default();
    let port = serve("127.0.0.1:0", hits.clone(), "Secret side").await;
    serve(
        &format!("{STAND_IN}:{port}"),
        Hits::default(),
        "Public side",
    )
    .await;
    (port, hits)
}

#[tokio::test]
async fn without_the_allowance_internal_targets_are_refused_and_rebinding_goes_nowhere() {
    let (port, hits) = servers().await;
    let hook = Hook::default();
    let calls = hook.calls.clone();
    let fetcher = guarded(hook);

    let err = fetcher
        .get(&format!("http://127.0.0.1:{port}/secret"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::Internal { ip, .. } if ip.to_string() == "127.0.0.1"),
        "{err}"
    );
    assert!(err.to_string().contains("SSRF guard"));

    let err = fetcher
        .get(&format!("http://intranet.test:{port}/secret"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::Internal { ip, .. } if ip.to_string() == "10.0.0.7"),
        "{err}"
    );

    // The check's answer is the address connected to: no second lookup to rebind.
    calls.store(0, Ordering::SeqCst);
    let page = fetcher
        .get(&format!("http://rebind.test:{port}/page"))
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&page.body).contains("Public side"));
    assert_eq!(calls.load(Ordering::SeqCst), 1, "one lookup per hop");

    // A redirect back to the same name is a new hop: its lookup (now loopback) is refused.
    let err = fetcher
        .get(&format!("http://rebind.test:{port}/to-self"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::Internal { ip, .. } if ip.to_string() == "127.0.0.1"),
        "{err}"
    );

    assert!(
        fetcher
            .get("file:///etc/passwd")
            .await
            .unwrap_err()
            .to_string()
            .contains("only http and https")
    );
    assert_eq!(
        hits.0.load(Ordering::SeqCst),
        0,
        "the internal server was reached"
    );

    // The tool says why, for the model.
    let tool = WebFetchTool::new(guarded(Hook::default()));
    let out = tool
        .call(
            &ctx(),
            json!({"url": format!("http://127.0.0.1:{port}/page")}),
        )
        .await;
    assert!(
        out.is_error && out.text_joined().contains("points at 127.0.0.1"),
        "{}",
        out.text_joined()
    );
    let out = tool.call(&ctx(), json!({})).await;
    assert!(out.is_error && out.text_joined().contains("`url` is required"));
}

fn ctx() -> openclaw_agent::ToolContext {
    openclaw_agent::ToolContext::standalone(vec![])
}

#[tokio::test]
async fn fifty_megabytes_and_unreadable_types_are_refused_long_pages_cut() {
    let port = serve("127.0.0.1:0", Hits::default(), "x").await;
    let open = Fetcher::new(FetchPolicy {
        allow_private: true,
        ..FetchPolicy::default()
    });
    for path in ["big", "big-chunked"] {
        let err = open
            .get(&format!("http://127.0.0.1:{port}/{path}"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, FetchError::TooLarge { max, .. } if max == 20 * 1024 * 1024),
            "{path}: {err}"
        );
        assert!(err.to_string().contains("larger than the 20971520 bytes"));
    }
    let tool = WebFetchTool::new(open);
    let out = tool
        .call(
            &ctx(),
            json!({"url": format!("http://127.0.0.1:{port}/doc.pdf")}),
        )
        .await;
    assert!(out.is_error, "{}", out.text_joined());
    assert!(
        out.text_joined()
            .contains("application/pdf, which web_fetch cannot read")
    );

    let out = tool
        .call(
            &ctx(),
            json!({"url": format!("http://127.0.0.1:{port}/long")}),
        )
        .await;
    assert!(!out.is_error);
    assert!(out.text_joined().ends_with(
        "[cut: showing 50000 of 120000 characters; the rest of the page was not returned]"
    ));
}

#[tokio::test]
async fn the_agent_reads_a_local_page_as_markdown_with_the_allowance_on() {
    let port = serve("127.0.0.1:0", Hits::default(), "Notes").await;
    let state = tempfile::tempdir().unwrap();
    let cfg = agent_config("{}", state.path());
    let ext = extensions(
        &cfg,
        state.path(),
        ExtensionsOptions {
            allow_private_urls: true,
            ..ExtensionsOptions::default()
        },
    );
    let url = format!("http://127.0.0.1:{port}/page");
    let server = Server::start(vec![
        Reply::sse(tool_round(
            "toolu_1",
            "web_fetch",
            &json!({"url": url}).to_string(),
        )),
        Reply::sse(a_answer(&["Version 2.0 is out."])),
    ])
    .await;
    let agent = agent(&server, ext);
    let answer = collect(openclaw_agent::Agent::run(
        &agent,
        turn("lark:default:dm:ou_user", "om_1", "what's new?"),
    ))
    .await
    .unwrap();
    assert_eq!(answer, "Version 2.0 is out.");
    let (text, is_error) = tool_result(&server.requests()[1].body);
    assert!(!is_error, "{text}");
    assert!(text.starts_with(&format!("URL: {url}\n\n")), "{text}");
    assert!(
        text.contains("# Release notes") && text.contains("Version **2.0** is out."),
        "{text}"
    );
    assert!(
        text.contains("faster") && !text.contains("script text") && !text.contains("color:red"),
        "{text}"
    );
}
