//! The echo agent: answers the turn's own text, for trying the gateway out without a model.

use futures::stream;

use crate::{Agent, AgentEvent, AgentStream, Turn};

/// Answers the turn's text as is (without the group prefix `[chatId=... sender=...]`), plus a
/// line `received <kind> <file name or path>` per attachment.
#[derive(Debug, Clone, Copy, Default)]
pub struct EchoAgent;

impl Agent for EchoAgent {
    fn name(&self) -> &str {
        "echo"
    }

    fn run(&self, turn: Turn) -> AgentStream {
        Box::pin(stream::once(
            async move { Ok(AgentEvent::Text(echo(&turn))) },
        ))
    }
}

fn echo(turn: &Turn) -> String {
    let mut lines: Vec<String> = Vec::new();
    let text = strip_group_prefix(&turn.text);
    if !text.is_empty() {
        lines.push(text.to_owned());
    }
    for media in &turn.media {
        let name = match &media.file_name {
            Some(name) => name.clone(),
            None => media.path.display().to_string(),
        };
        lines.push(format!("received {} {name}", media.kind));
    }
    lines.join("\n")
}

/// Drops the `[chatId=oc_x sender=ou_x]` the gateway puts before group text, and the one space or
/// newline after it, so that echoing a group message gives back what the user wrote.
fn strip_group_prefix(text: &str) -> &str {
    // A group's `[chatId=… sender=…]` line, or a document comment's `[docComment … sender=…]`.
    let Some(rest) = text
        .strip_prefix("[chatId=")
        .or_else(|| text.strip_prefix("[docComment "))
    else {
        return text;
    };
    let Some(end) = rest.find(']') else {
        return text;
    };
    if !rest[..end].contains(" sender=") {
        return text;
    }
    let after = &rest[end + 1..];
    after
        .strip_prefix("\r\n")
        .or_else(|| after.strip_prefix('\n'))
        .or_else(|| after.strip_prefix(' '))
        .unwrap_or(after)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::{ChatKind, MediaFile, collect};

    fn turn(text: &str, media: Vec<MediaFile>) -> Turn {
        Turn {
            account: "default".into(),
            session_key: "lark:default:group:oc_x".into(),
            chat_id: "oc_x".into(),
            chat_type: ChatKind::Group,
            sender_open_id: "ou_x".into(),
            sender_name: None,
            message_id: "om_x".into(),
            thread_id: None,
            text: text.into(),
            media,
            media_errors: vec![],
            system_prompt: None,
            tools: Default::default(),
            skills: None,
            doc_comment: None,
            messages: Vec::new(),
            steer: Default::default(),
            history: Vec::new(),
            notes: Vec::new(),
            session_turns: None,
            card_action: None,
        }
    }

    #[tokio::test]
    async fn echoes_text_without_the_group_prefix() {
        let out = collect(EchoAgent.run(turn("[chatId=oc_x sender=ou_x] hi there", vec![])));
        assert_eq!(out.await.unwrap(), "hi there");
        let out = collect(EchoAgent.run(turn("[chatId=oc_x sender=ou_x]\nline", vec![])));
        assert_eq!(out.await.unwrap(), "line");
        let out = collect(EchoAgent.run(turn("[not a prefix] hi", vec![])));
        assert_eq!(out.await.unwrap(), "[not a prefix] hi");
    }

    #[tokio::test]
    async fn lists_received_media() {
        let media = vec![
            MediaFile {
                path: PathBuf::from("/tmp/a.png"),
                kind: "image".into(),
                file_name: None,
            },
            MediaFile {
                path: PathBuf::from("/tmp/b"),
                kind: "file".into(),
                file_name: Some("report.pdf".into()),
            },
        ];
        let out = collect(EchoAgent.run(turn("look", media))).await.unwrap();
        assert_eq!(
            out,
            "look\nreceived image /tmp/a.png\nreceived file report.pdf"
        );
    }
}
