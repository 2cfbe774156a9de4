//! The `web_fetch` tool: a URL as readable text. HTML becomes markdown (`htmd`), text and JSON
//! come as they are; other types (PDFs, images, archives) are refused with their type named,
//! so the model can say so instead of guessing. Results are capped and the model is told when
//! one was cut.

use async_trait::async_trait;
use serde_json::{Value, json};

use super::fetch::{Fetched, Fetcher};
use crate::tool::{Tool, ToolContext, ToolOutput, ToolSpec};
use crate::utf8::cut_at_chars;

/// Characters of text returned when the call does not ask for fewer.
const DEFAULT_MAX_CHARS: usize = 50_000;

/// The `web_fetch` tool.
#[derive(Debug, Clone)]
pub struct WebFetchTool {
    fetcher: Fetcher,
}

impl WebFetchTool {
    pub fn new(fetcher: Fetcher) -> WebFetchTool {
        WebFetchTool { fetcher }
    }
}

#[async_trait]
impl Tool for WebFetchTool {
    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: "web_fetch".into(),
            description: "Fetch a web page (http or https) and read it as text: HTML comes back \
                          as markdown, plain text and JSON as they are. Use it for links people \
                          paste. Internal and private addresses are refused."
                .into(),
            input_schema: json!({
                "type": "object",
                "properties": {
                    "url": { "type": "string", "description": "The http(s) URL to fetch." },
                    "maxChars": { "type": "integer", "minimum": 100, "description": "The most characters to return (default 50000)." }
                },
                "required": ["url"]
            }),
        }
    }

    async fn call(&self, _ctx: &ToolContext, input: Value) -> ToolOutput {
        let Some(url) = input.get("url").and_then(Value::as_str) else {
            return ToolOutput::error(
                "`url` is required, e.g. {\"url\": \"https://example.com/page\"}",
            );
        };
        let max_chars = input
            .get("maxChars")
            .and_then(Value::as_u64)
            .map_or(DEFAULT_MAX_CHARS, |n| {
                (n as usize).clamp(100, DEFAULT_MAX_CHARS)
            });
        let fetched = match self.fetcher.get(url).await {
            Ok(f) => f,
            Err(e) => return ToolOutput::error(e.to_string()),
        };
        let final_url = fetched.url.to_string();
        // The conversion walks a DOM: keep it off the async workers.
        let text = match tokio::task::spawn_blocking(move || readable(&fetched)).await {
            Ok(Ok(t)) => t,
            Ok(Err(e)) => return ToolOutput::error(e),
            Err(_) => return ToolOutput::error("converting the page failed"),
        };
        let total = text.chars().count();
        let mut out = format!("URL: {final_url}\n\n");
        out.push_str(cut_at_chars(&text, max_chars));
        if total > max_chars {
            out.push_str(&format!(
                "\n\n[cut: showing {max_chars} of {total} characters; the rest of the page was \
                 not returned]"
            ));
        }
        ToolOutput::text(out)
    }
}

/// The body as text, or why it cannot be read.
pub fn readable(f: &Fetched) -> Result<String, String> {
    let ty = f.content_type.as_deref().unwrap_or("");
    let head = String::from_utf8_lossy(&f.body[..f.body.len().min(2048)]).to_ascii_lowercase();
    let looks_html = head.trim_start().starts_with("<!doctype html") || head.contains("<html");
    if ty == "text/html" || ty == "application/xhtml+xml" || (ty.is_empty() && looks_html) {
        let label = f.charset.clone().or_else(|| meta_charset(&head));
        let html = decode(&f.body, label.as_deref());
        let converter = htmd::HtmlToMarkdown::builder()
            .skip_tags(vec![
                "script", "style", "noscript", "template", "svg", "head", "iframe",
            ])
            .build();
        return converter
            .convert(&html)
            .map(|md| md.trim().to_owned())
            .map_err(|e| format!("{} could not be converted to text: {e}", f.url));
    }
    let textual = ty.starts_with("text/")
        || matches!(
            ty,
            "application/json" | "application/xml" | "application/javascript"
        )
        || ty.ends_with("+json")
        || ty.ends_with("+xml");
    if textual || (ty.is_empty() && std::str::from_utf8(&f.body).is_ok()) {
        return Ok(decode(&f.body, f.charset.as_deref()));
    }
    let shown = if ty.is_empty() { "binary data" } else { ty };
    Err(format!(
        "{} is {shown}, which web_fetch cannot read (it reads HTML, text and JSON); tell the \
         user, or ask for a link to a web page instead",
        f.url
    ))
}

/// The text in the page's encoding (`charset`, a byte-order mark, else UTF-8): pages in GBK
/// or Big5 read as well as UTF-8 ones.
fn decode(body: &[u8], label: Option<&str>) -> String {
    let encoding = label
        .and_then(|l| encoding_rs::Encoding::for_label(l.trim().as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    encoding.decode(body).0.into_owned()
}

/// `<meta charset="gbk">` or `<meta http-equiv=... content="text/html; charset=gbk">`, from the
/// page's head (already lowercased).
fn meta_charset(head: &str) -> Option<String> {
    let at = head.find("charset=")? + "charset=".len();
    let label: String = head[at..]
        .trim_start_matches(['"', '\'', ' '])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!label.is_empty()).then_some(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(ty: Option<&str>, charset: Option<&str>, body: &[u8]) -> Fetched {
        Fetched {
            url: url::Url::parse("https://example.com/p").unwrap(),
            content_type: ty.map(str::to_owned),
            charset: charset.map(str::to_owned),
            body: bytes::Bytes::copy_from_slice(body),
        }
    }

    #[test]
    fn pages_are_read_in_their_encoding() {
        // "你好" in GBK.
        let gbk = [0xc4, 0xe3, 0xba, 0xc3];
        let mut html = b"<html><head><meta charset=\"gbk\"></head><body><p>".to_vec();
        html.extend_from_slice(&gbk);
        html.extend_from_slice(b"</p></body></html>");
        assert_eq!(
            readable(&page(Some("text/html"), None, &html)).unwrap(),
            "你好"
        );
        assert_eq!(
            readable(&page(Some("text/plain"), Some("gbk"), &gbk)).unwrap(),
            "你好"
        );
        assert_eq!(
            readable(&page(None, None, "ok ✓".as_bytes())).unwrap(),
            "ok ✓"
        );
        let err = readable(&page(Some("image/png"), None, b"\x89PNG")).unwrap_err();
        assert!(err.contains("image/png, which web_fetch cannot read"));
    }
}
