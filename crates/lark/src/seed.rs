//! The seed's library API: the functions the original Lark channel exposed
//! (`sendMessageLark`, `replyMessageLark`, `sendImageLark`, `sendInteractiveCardLark`,
//! `sendPostLark`, `uploadImageLark`, `probeLarkBot`), as thin free functions over [`Client`].
//!
//! Targets are strings as users write them: `oc_...` chats, `ou_...` open ids, `on_...` union
//! ids, e-mail addresses, or user ids, optionally prefixed `chat:` / `user:`.

use std::time::{Duration, Instant};

use crate::api::images::ImageType;
use crate::api::messages::{Message, ReplyOptions};
use crate::api::source::Source;
use crate::error::Result;
use crate::http::Client;
use crate::model::content::{Card, Content, Post};
use crate::model::{ImageKey, MessageId, OpenId, ReceiveId};

/// Sends a text message (which may carry `<at user_id="ou_...">name</at>` mentions).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let sim = lark_sim::Sim::start("127.0.0.1:0", Default::default()).await?;
/// sim.state().add_app(lark_sim::AppSpec::websocket("cli_a1b2c3d4e5f60718", "secret"));
/// let chat = sim.state().seed_chat("cli_a1b2c3d4e5f60718", lark_sim::SeedChat::default())?;
/// let client = lark::Client::builder("cli_a1b2c3d4e5f60718", "secret")
///     .base_url(sim.base_url())
///     .build()?;
///
/// lark::seed::send_message_lark(&client, &chat, "Hello!").await?;
///
/// let seen = sim.state().chat_messages("cli_a1b2c3d4e5f60718", &chat)?;
/// assert_eq!(seen[0]["content"]["text"], "Hello!");
/// assert_eq!(seen[0]["sender"]["sender_type"], "app");
/// # Ok(()) }
/// ```
pub async fn send_message_lark(client: &Client, to: &str, text: &str) -> Result<Message> {
    client
        .send_message(&ReceiveId::infer(to), &Content::text(text), None)
        .await
}

/// Replies to a message with text.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let sim = lark_sim::Sim::start("127.0.0.1:0", Default::default()).await?;
/// # sim.state().add_app(lark_sim::AppSpec::websocket("cli_a1b2c3d4e5f60718", "secret"));
/// # let chat = sim.state().seed_chat("cli_a1b2c3d4e5f60718", lark_sim::SeedChat::default())?;
/// # let client = lark::Client::builder("cli_a1b2c3d4e5f60718", "secret").base_url(sim.base_url()).build()?;
/// let ada = lark_sim::Person::new("ou_ada", "Ada");
/// let asked = sim.state().user_sends(
///     "cli_a1b2c3d4e5f60718",
///     lark_sim::UserMessage::text(&chat, ada, "ping"),
/// )?;
///
/// let reply = lark::seed::reply_message_lark(&client, &asked.message_id, "pong").await?;
///
/// assert_eq!(reply.parent_id.unwrap().as_str(), asked.message_id);
/// let seen = sim.state().chat_messages("cli_a1b2c3d4e5f60718", &chat)?;
/// assert_eq!(seen[1]["content"]["text"], "pong");
/// # Ok(()) }
/// ```
pub async fn reply_message_lark(client: &Client, message_id: &str, text: &str) -> Result<Message> {
    client
        .reply_message(
            &MessageId::new(message_id),
            &Content::text(text),
            &ReplyOptions::default(),
        )
        .await
}

/// Uploads an image (a path or bytes) and sends it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let sim = lark_sim::Sim::start("127.0.0.1:0", Default::default()).await?;
/// # sim.state().add_app(lark_sim::AppSpec::websocket("cli_a1b2c3d4e5f60718", "secret"));
/// # let chat = sim.state().seed_chat("cli_a1b2c3d4e5f60718", lark_sim::SeedChat::default())?;
/// # let client = lark::Client::builder("cli_a1b2c3d4e5f60718", "secret").base_url(sim.base_url()).build()?;
/// let png: Vec<u8> = b"\x89PNG\r\n\x1a\n not really a picture".to_vec();
///
/// let sent = lark::seed::send_image_lark(&client, &chat, png).await?;
///
/// assert_eq!(sent.msg_type, lark::api::messages::MsgType::Image);
/// let seen = sim.state().chat_messages("cli_a1b2c3d4e5f60718", &chat)?;
/// assert!(seen[0]["content"]["image_key"].as_str().unwrap().starts_with("img_"));
/// # Ok(()) }
/// ```
pub async fn send_image_lark(
    client: &Client,
    to: &str,
    image: impl Into<Source>,
) -> Result<Message> {
    let key = upload_image_lark(client, image).await?;
    client
        .send_message(&ReceiveId::infer(to), &Content::image(key), None)
        .await
}

/// Sends an interactive card (card JSON v1 or v2).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let sim = lark_sim::Sim::start("127.0.0.1:0", Default::default()).await?;
/// # sim.state().add_app(lark_sim::AppSpec::websocket("cli_a1b2c3d4e5f60718", "secret"));
/// # let chat = sim.state().seed_chat("cli_a1b2c3d4e5f60718", lark_sim::SeedChat::default())?;
/// # let client = lark::Client::builder("cli_a1b2c3d4e5f60718", "secret").base_url(sim.base_url()).build()?;
/// let card = serde_json::json!({
///     "header": {"title": {"tag": "plain_text", "content": "Alert"}, "template": "red"},
///     "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": "**Status:** down"}}]
/// });
///
/// lark::seed::send_interactive_card_lark(&client, &chat, &card).await?;
///
/// let seen = sim.state().chat_messages("cli_a1b2c3d4e5f60718", &chat)?;
/// assert_eq!(seen[0]["msg_type"], "interactive");
/// assert_eq!(seen[0]["content"]["header"]["title"]["content"], "Alert");
/// # Ok(()) }
/// ```
pub async fn send_interactive_card_lark(
    client: &Client,
    to: &str,
    card: &serde_json::Value,
) -> Result<Message> {
    let content = Content::Interactive(Card::Json(card.clone()));
    client
        .send_message(&ReceiveId::infer(to), &content, None)
        .await
}

/// Sends a rich-text post.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let sim = lark_sim::Sim::start("127.0.0.1:0", Default::default()).await?;
/// # sim.state().add_app(lark_sim::AppSpec::websocket("cli_a1b2c3d4e5f60718", "secret"));
/// # let chat = sim.state().seed_chat("cli_a1b2c3d4e5f60718", lark_sim::SeedChat::default())?;
/// # let client = lark::Client::builder("cli_a1b2c3d4e5f60718", "secret").base_url(sim.base_url()).build()?;
/// use lark::model::content::{Post, PostElement, TextStyle};
/// let post = Post::single(
///     "Deploy",
///     vec![vec![PostElement::styled("done", &[TextStyle::Bold]), PostElement::link("log", "https://example.com")]],
/// );
///
/// lark::seed::send_post_lark(&client, &chat, &post).await?;
///
/// let seen = sim.state().chat_messages("cli_a1b2c3d4e5f60718", &chat)?;
/// assert_eq!(seen[0]["msg_type"], "post");
/// assert_eq!(seen[0]["content"]["zh_cn"]["title"], "Deploy");
/// # Ok(()) }
/// ```
pub async fn send_post_lark(client: &Client, to: &str, post: &Post) -> Result<Message> {
    let content = Content::Post(post.clone());
    client
        .send_message(&ReceiveId::infer(to), &content, None)
        .await
}

/// Uploads an image for messages (a path or bytes, up to 10 MB) and returns its key.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let sim = lark_sim::Sim::start("127.0.0.1:0", Default::default()).await?;
/// # sim.state().add_app(lark_sim::AppSpec::websocket("cli_a1b2c3d4e5f60718", "secret"));
/// # let client = lark::Client::builder("cli_a1b2c3d4e5f60718", "secret").base_url(sim.base_url()).build()?;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("chart.png");
/// std::fs::write(&path, b"\x89PNG\r\n\x1a\n...")?;
///
/// let key = lark::seed::upload_image_lark(&client, path).await?;
///
/// assert!(key.as_str().starts_with("img_"));
/// // An empty image is refused before anything is sent.
/// assert!(lark::seed::upload_image_lark(&client, Vec::new()).await.is_err());
/// # Ok(()) }
/// ```
pub async fn upload_image_lark(client: &Client, image: impl Into<Source>) -> Result<ImageKey> {
    client.upload_image(image, ImageType::Message).await
}

/// The outcome of [`probe_lark_bot`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// The credentials work and the bot capability is on.
    pub ok: bool,
    pub bot_open_id: Option<OpenId>,
    pub bot_name: Option<String>,
    /// How long the check took (token included when none was cached).
    pub latency: Duration,
    /// What went wrong, with the platform's code and log id when it answered.
    pub error: Option<String>,
    pub code: Option<i64>,
    /// What to do about it, for the codes users meet when setting a bot up.
    pub hint: Option<String>,
}

/// Checks the credentials and the bot: fetches a token and the bot's identity. Never fails;
/// the outcome says what is wrong.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let sim = lark_sim::Sim::start("127.0.0.1:0", Default::default()).await?;
/// sim.state().add_app(lark_sim::AppSpec::websocket("cli_a1b2c3d4e5f60718", "secret"));
/// let good = lark::Client::builder("cli_a1b2c3d4e5f60718", "secret").base_url(sim.base_url()).build()?;
/// let bad = lark::Client::builder("cli_a1b2c3d4e5f60718", "wrong").base_url(sim.base_url()).build()?;
///
/// let probe = lark::seed::probe_lark_bot(&good).await;
/// assert!(probe.ok, "{probe:?}");
/// assert!(probe.bot_open_id.unwrap().as_str().starts_with("ou_"));
///
/// let probe = lark::seed::probe_lark_bot(&bad).await;
/// assert!(!probe.ok);
/// assert!(probe.error.is_some());
/// # Ok(()) }
/// ```
pub async fn probe_lark_bot(client: &Client) -> Probe {
    let started = Instant::now();
    let result = client.bot_info().await;
    let latency = started.elapsed();
    match result {
        Ok(bot) => Probe {
            ok: true,
            bot_open_id: Some(bot.open_id),
            bot_name: Some(bot.app_name).filter(|n| !n.is_empty()),
            latency,
            error: None,
            code: None,
            hint: None,
        },
        Err(e) => Probe {
            ok: false,
            bot_open_id: None,
            bot_name: None,
            latency,
            code: e.code(),
            hint: e.api().and_then(|a| a.hint()).map(str::to_owned),
            error: Some(e.to_string()),
        },
    }
}
