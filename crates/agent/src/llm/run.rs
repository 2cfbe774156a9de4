//! One turn of the LLM agent: history in, rounds of model calls and tool calls, history out.
//! Everything the caller sees goes through [`Out`], which also keeps the length of the answer
//! so far: that is what a retried round cuts back to.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use rand::Rng;
use serde_json::Value;
use tokio::sync::mpsc::Sender;

use super::commands;
use super::guide::system_prompt;
use super::message::{Block, Message, Usage};
use super::provider::{ChatRequest, ProviderError, ProviderEvent};
use super::session::{Session, TurnRecord};
use super::{Inner, RetryPolicy};
use crate::read_tool::load_image;
use crate::tool::{ToolContext, ToolOutput};
use crate::{AgentError, AgentEvent, ChatKind, Extensions, Turn};

/// The caller's end: text, truncations and the rest, with the answer's running length.
struct Out {
    tx: Sender<Result<AgentEvent, AgentError>>,
    len: usize,
}

impl Out {
    async fn send(&self, ev: Result<AgentEvent, AgentError>) {
        // A closed channel means the caller dropped the answer; the task is being aborted.
        let _ = self.tx.send(ev).await;
    }

    async fn text(&mut self, t: String) {
        self.len += t.len();
        self.send(Ok(AgentEvent::Text(t))).await;
    }

    async fn truncate(&mut self, len: usize) {
        self.len = len;
        self.send(Ok(AgentEvent::Truncate(len))).await;
    }
}

pub(crate) async fn turn(
    inner: Arc<Inner>,
    turn: Turn,
    tx: Sender<Result<AgentEvent, AgentError>>,
) {
    let mut out = Out { tx, len: 0 };
    if let Some(cmd) = commands::parse(&turn.text) {
        let answer = commands::run(&inner, cmd, &turn.session_key).await;
        out.text(answer).await;
        return;
    }
    if let Err(e) = run_loop(&inner, &turn, &mut out).await {
        out.send(Err(e)).await;
    }
}

/// A tool call as the round received it.
struct Call {
    id: String,
    name: String,
    input: Value,
    input_error: Option<String>,
}

#[derive(Default)]
struct Round {
    text: String,
    calls: Vec<Call>,
    usage: Usage,
}

async fn run_loop(inner: &Inner, turn: &Turn, out: &mut Out) -> Result<(), AgentError> {
    let key = &turn.session_key;
    let stored = match inner.sessions.load(key).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(target: "agent", "[{key}] cannot read the session, answering without history: {e}");
            None
        }
    };
    let mut session = Session::parse(stored.as_deref());
    session.forget(&turn.message_id);
    let mut history = session.recent(turn.session_turns);
    let first_new = history.len();
    history.push(user_message(turn));

    let ext = inner.cfg.extensions.as_deref();
    if let Some(e) = ext {
        e.ready().await;
    }
    let specs = inner.tools.specs_for(&turn.tools);
    let names: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
    let skills = ext.map(|e| e.skills_for(turn, &names)).unwrap_or_default();
    let system = system_prompt(
        inner.cfg.system_prompt.as_deref(),
        turn.system_prompt.as_deref(),
        &ext.map(Extensions::workspace_section).unwrap_or_default(),
        &names,
        &crate::skills::prompt_section(&skills),
    );
    let mut ctx = tool_context(inner, turn);
    // A skill's folder may be read (its SKILL.md and the files it points to).
    for s in &skills {
        if let Some(dir) = s.path.parent()
            && !ctx.allowed_roots.iter().any(|r| r == dir)
        {
            ctx.allowed_roots.push(dir.to_owned());
        }
    }
    let mut usage = Usage::default();
    let mut reported = 0;
    let mut calls_made = 0u32;
    let mut round_no = 0u32;
    let result = loop {
        let no_more_tools = !specs.is_empty() && round_no >= inner.cfg.max_tool_rounds;
        let req = ChatRequest {
            system: system.clone(),
            messages: history.clone(),
            tools: specs.clone(),
            max_tokens: inner.cfg.max_tokens,
            no_more_tools,
        };
        let round = match call(inner, &req, out, key).await {
            Ok(r) => r,
            Err(e) => break Err(e),
        };
        calls_made += 1;
        usage.add(&round.usage);
        out.send(Ok(AgentEvent::Usage(round.usage))).await;
        let mut blocks = Vec::new();
        if !round.text.is_empty() {
            blocks.push(Block::text(round.text));
        }
        // Out of rounds, a call the model makes anyway is not run: dropping it keeps the
        // history valid (every tool_use needs its tool_result).
        let run_tools = !round.calls.is_empty() && !no_more_tools;
        if run_tools {
            for c in &round.calls {
                blocks.push(Block::ToolUse {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    input: c.input.clone(),
                });
            }
        }
        history.push(Message::assistant(blocks));
        if !run_tools {
            break Ok(());
        }
        let mut results = Vec::new();
        let mut asked = false;
        for c in round.calls {
            let output = match c.input_error {
                Some(err) => ToolOutput::error(format!(
                    "{err}; call {} again with its arguments as one JSON object that matches its schema",
                    c.name
                )),
                None => inner.tools.call(&ctx, &turn.tools, &c.name, c.input).await,
            };
            asked |= output.ends_turn && !output.is_error;
            let verdict = if output.is_error { "error" } else { "ok" };
            tracing::info!(target: "agent", "[{key}] tool {} → {verdict}", c.name);
            tracing::debug!(target: "agent", "[{key}] tool {} answered: {}", c.name, output.text_joined());
            results.push(Block::ToolResult {
                tool_use_id: c.id,
                content: output.content,
                is_error: output.is_error,
            });
            let sent = ctx.sent();
            for s in sent.into_iter().skip(reported) {
                reported += 1;
                out.send(Ok(AgentEvent::Sent(s))).await;
            }
        }
        // Steering: what the user sent meanwhile comes with the tool results, so the model
        // sees it before its next call.
        for m in turn.steer.take() {
            results.push(Block::text(format!(
                "[the user wrote while you were working (message {})]\n{}",
                m.message_id, m.text
            )));
        }
        history.push(Message::user(results));
        if asked {
            // The user was asked something: their answer is the next turn. The history ends
            // with the model's side, so that answer follows as the user's next message.
            history.push(Message::assistant(vec![Block::text(ASKED_NOTE)]));
            break Ok(());
        }
        round_no += 1;
    };

    // A failed turn keeps only the user's message, so the next turn still knows it was asked.
    let keep = if result.is_ok() {
        history.split_off(first_new)
    } else {
        vec![history.swap_remove(first_new)]
    };
    session.record(
        TurnRecord {
            message_id: turn.message_id.clone(),
            messages: keep,
            usage,
        },
        inner.cfg.session_budget_tokens,
    );
    if let Err(e) = inner.sessions.save(key, &session.to_json()).await {
        tracing::error!(target: "agent", "[{key}] cannot save the session: {e}");
    }
    tracing::info!(
        target: "agent",
        "[{key}] {} {}: {calls_made} call(s), tokens: input {}, output {}, cache read {}, cache write {}",
        inner.provider.name(), inner.provider.model(),
        usage.input_tokens, usage.output_tokens, usage.cache_read_tokens, usage.cache_write_tokens
    );
    result.map_err(AgentError::from)
}

/// What the history says once the model asked the user and ended its turn.
const ASKED_NOTE: &str = "(I asked the user with a card and am waiting for the answer.)";

/// One model call, retried: each failed attempt first takes back the text it showed.
async fn call(
    inner: &Inner,
    req: &ChatRequest,
    out: &mut Out,
    key: &str,
) -> Result<Round, ProviderError> {
    let policy = &inner.cfg.retry;
    let mut attempt = 1;
    loop {
        let mark = out.len;
        let err = match attempt_once(inner, req, out).await {
            Ok(r) => return Ok(r),
            Err(e) => e,
        };
        if out.len > mark {
            out.truncate(mark).await;
        }
        if !err.is_retryable() || attempt >= policy.attempts.max(1) {
            return Err(err);
        }
        let wait = backoff(policy, attempt, err.retry_after());
        tracing::warn!(target: "agent", "[{key}] {err}; retrying in {wait:?} (attempt {} of {})", attempt + 1, policy.attempts);
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

async fn attempt_once(
    inner: &Inner,
    req: &ChatRequest,
    out: &mut Out,
) -> Result<Round, ProviderError> {
    let mut stream = inner.provider.start(req).await?;
    let mut r = Round::default();
    while let Some(ev) = stream.next().await {
        match ev? {
            ProviderEvent::Text(t) => {
                // Text of a later round is a new paragraph of the same answer.
                if r.text.is_empty() && out.len > 0 {
                    out.text("\n\n".into()).await;
                }
                r.text.push_str(&t);
                out.text(t).await;
            }
            ProviderEvent::ToolCall {
                id,
                name,
                input,
                input_error,
            } => r.calls.push(Call {
                id,
                name,
                input,
                input_error,
            }),
            ProviderEvent::Usage(u) => r.usage = u,
            ProviderEvent::Done { .. } => return Ok(r),
        }
    }
    Err(ProviderError::Dropped {
        provider: inner.provider.name(),
        message: "the stream ended without its end event".into(),
    })
}

/// The wait before attempt `attempt + 1`: what `retry-after` asked, else doubling with jitter;
/// never more than the policy's maximum.
fn backoff(p: &RetryPolicy, attempt: u32, asked: Option<Duration>) -> Duration {
    let wait = asked.unwrap_or_else(|| {
        let exp = p.base.saturating_mul(1u32 << (attempt - 1).min(10));
        exp.mul_f64(rand::rng().random_range(0.8..1.2))
    });
    wait.min(p.max_wait)
}

/// The user's message: a header with the ids the tools need, the text, the attachments (images
/// as image input), and what could not be downloaded.
fn user_message(turn: &Turn) -> Message {
    let kind = match turn.chat_type {
        ChatKind::Dm => "dm",
        ChatKind::Group => "group",
        ChatKind::Topic => "topic",
        ChatKind::DocComment => "docComment",
    };
    let mut head = match &turn.doc_comment {
        // No chat: the ids the comment actions take (the answer itself goes to the thread).
        Some(c) => format!(
            "[chatType={kind} docToken={} docType={} commentId={} replyId={} sender={}",
            c.file_token, c.file_type, c.comment_id, c.reply_id, turn.sender_open_id
        ),
        None => format!(
            "[messageId={} chatId={} chatType={kind} sender={}",
            turn.message_id, turn.chat_id, turn.sender_open_id
        ),
    };
    if let Some(t) = turn
        .thread_id
        .as_ref()
        .filter(|_| turn.doc_comment.is_none())
    {
        head.push_str(&format!(" threadId={t}"));
    }
    head.push(']');
    let mut text = format!("{}{head}\n{}", super::context::block(turn), turn.text);
    let mut images = Vec::new();
    for m in &turn.media {
        let name = m
            .file_name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        text.push_str(&format!(
            "\n[attachment: {} {}{name}]",
            m.kind,
            m.path.display()
        ));
        if m.kind == "image" || m.kind == "sticker" {
            match load_image(&m.path) {
                Ok((media_type, data_base64)) => images.push(Block::Image {
                    media_type,
                    data_base64,
                }),
                Err(e) => text.push_str(&format!("\n[the image could not be shown: {e}]")),
            }
        }
    }
    for e in &turn.media_errors {
        text.push_str(&format!("\n[attachment not available: {e}]"));
    }
    let mut blocks = vec![Block::text(text)];
    blocks.extend(images);
    Message::user(blocks)
}

fn tool_context(inner: &Inner, turn: &Turn) -> ToolContext {
    let mut roots: Vec<PathBuf> = inner.cfg.roots.clone();
    for m in &turn.media {
        if let Some(dir) = m.path.parent()
            && !roots.iter().any(|r| r == dir)
        {
            roots.push(dir.to_owned());
        }
    }
    ToolContext {
        account: turn.account.clone(),
        chat_id: turn.chat_id.clone(),
        chat_type: turn.chat_type,
        message_id: turn.message_id.clone(),
        thread_id: turn.thread_id.clone(),
        sender_open_id: turn.sender_open_id.clone(),
        allowed_roots: roots,
        sent: Arc::new(Mutex::new(Vec::new())),
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;

    #[test]
    fn a_retry_after_date_is_waited_for_up_to_the_policys_maximum() {
        let p = RetryPolicy {
            attempts: 4,
            base: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
        };
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        let asked = |now| super::super::http::retry_after_at(&h, now);
        // 20 s before the date: wait 20 s (not the old fixed 5 s), whatever the attempt.
        let now = at - Duration::from_secs(20);
        assert_eq!(backoff(&p, 1, asked(now)), Duration::from_secs(20));
        assert_eq!(backoff(&p, 3, asked(now)), Duration::from_secs(20));
        // An hour away: bounded by the policy.
        let now = at - Duration::from_secs(3600);
        assert_eq!(backoff(&p, 1, asked(now)), p.max_wait);
        // Past: at once.
        assert_eq!(
            backoff(&p, 1, asked(at + Duration::from_secs(1))),
            Duration::ZERO
        );
        // No header: the policy's own doubling with jitter, within bounds.
        let w = backoff(&p, 2, None);
        assert!(
            w >= Duration::from_millis(1600) && w <= Duration::from_millis(2400),
            "{w:?}"
        );
    }

    #[test]
    fn a_document_comment_turn_names_the_document_and_thread_not_a_chat() {
        let turn = Turn {
            account: "default".into(),
            session_key: "lark:default:doc:doxcn1".into(),
            chat_id: "doxcn1".into(),
            chat_type: ChatKind::DocComment,
            sender_open_id: "ou_ada".into(),
            sender_name: None,
            message_id: "7002".into(),
            thread_id: Some("7001".into()),
            text: "summarize".into(),
            media: Vec::new(),
            media_errors: Vec::new(),
            system_prompt: None,
            tools: Default::default(),
            skills: None,
            doc_comment: Some(crate::DocComment {
                file_token: "doxcn1".into(),
                file_type: "docx".into(),
                comment_id: "7001".into(),
                reply_id: "7002".into(),
                quote: String::new(),
            }),
            messages: Vec::new(),
            steer: Default::default(),
            history: Vec::new(),
            notes: Vec::new(),
            session_turns: None,
            card_action: None,
        };
        assert_eq!(
            user_message(&turn).text(),
            "[chatType=docComment docToken=doxcn1 docType=docx commentId=7001 replyId=7002 sender=ou_ada]\nsummarize"
        );
    }
}
