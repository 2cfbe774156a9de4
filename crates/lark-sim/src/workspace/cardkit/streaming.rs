//! Streaming into a card (`PUT .../elements/{element_id}/content`): while
//! `config.streaming_mode` is on, each call replaces a text element's content, and the
//! simulator keeps every write so tests can see the typewriter effect.

use axum::extract::Path;
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::elements::find_element;
use super::{
    Card, ONLY_TEXT, STREAMING_CLOSED, StreamedContent, UPDATE_ELEMENT_FAILED, card_mut, invalid,
};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::workspace::util::{bad, json_body, ws};

impl Card {
    fn streaming(&self) -> bool {
        self.json.pointer("/config/streaming_mode") == Some(&Value::Bool(true))
    }

    fn stream(&mut self, element_id: &str, content: String, sequence: i64) -> Result<(), ApiError> {
        if !self.streaming() {
            return Err(bad(
                STREAMING_CLOSED,
                "Card streaming closed: set config.streaming_mode to true first",
            ));
        }
        let el = find_element(&mut self.json, element_id).ok_or_else(|| {
            bad(
                UPDATE_ELEMENT_FAILED,
                format!("element {element_id} not found in card"),
            )
        })?;
        let tag = el.get("tag").and_then(Value::as_str).unwrap_or("");
        if tag != "markdown" && tag != "plain_text" {
            return Err(bad(
                ONLY_TEXT,
                format!(
                    "Only update text: element {element_id} is a {tag:?}, not markdown or plain_text"
                ),
            ));
        }
        let old = el
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        el["content"] = Value::String(content.clone());
        self.streamed.push(StreamedContent {
            element_id: element_id.to_owned(),
            sequence,
            typewriter: content.starts_with(&old),
            content,
        });
        Ok(())
    }
}

#[derive(Deserialize)]
struct ContentBody {
    content: Option<String>,
    sequence: Option<i64>,
    uuid: Option<String>,
}

/// `PUT /cardkit/v1/cards/{card_id}/elements/{element_id}/content`
pub(super) async fn stream_content(
    Tenant(app): Tenant,
    Path((card_id, element_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: ContentBody = json_body(&body, invalid)?;
    let content = b
        .content
        .ok_or_else(|| invalid("content is required".into()))?;
    let mut w = ws(&app);
    card_mut(&mut w, &card_id)?.once(
        b.sequence,
        b.uuid.as_deref(),
        "element.content",
        |c, seq| c.stream(&element_id, content, seq),
    )?;
    Ok(ok(json!({})))
}
