//! The client against lark-sim `--platform-limits`: a burst over every family the gateway uses
//! (replies to twenty chats, typing reactions, documents) is paced by the client's own budgets so
//! that the platform never refuses a call for rate, and nothing is lost.

use lark::Client;
use lark::api::messages::ReplyOptions;
use lark::model::content::Content;
use lark::model::{ChatId, MessageId};
use lark::ratelimit::Family;
use lark_sim::{AppSpec, ChatMode, Person, SeedChat, Sim, SimConfig, UserMessage};

const APP: &str = "cli_a1b2c3d4e5f60718";
const CHATS: usize = 20;
const REPLIES_PER_CHAT: usize = 8;

#[tokio::test]
async fn a_burst_over_every_family_provokes_no_99991400() {
    let sim = Sim::start(
        "127.0.0.1:0",
        SimConfig {
            platform_limits: true,
            ..SimConfig::default()
        },
    )
    .await
    .unwrap();
    sim.state().add_app(AppSpec::websocket(APP, "secret"));
    let client = Client::builder(APP, "secret")
        .base_url(sim.base_url())
        .build()
        .unwrap();
    let ada = Person::new("ou_ada", "Ada");
    let mut asked = Vec::new();
    for c in 0..CHATS {
        let seed = SeedChat {
            name: format!("burst {c}"),
            chat_mode: ChatMode::Group,
            members: vec![ada.clone()],
            ..SeedChat::default()
        };
        let chat = sim.state().seed_chat(APP, seed).unwrap();
        let msg = sim
            .state()
            .user_sends(APP, UserMessage::text(&chat, ada.clone(), "go"))
            .unwrap();
        // What the long connection does for every message event it delivers.
        let (m, ch) = (MessageId::new(msg.message_id), ChatId::new(chat));
        client.learn_chat(&m, &ch);
        asked.push((ch, m));
    }

    let replies = asked.iter().flat_map(|(_, m)| {
        let client = &client;
        (0..REPLIES_PER_CHAT).map(move |i| {
            let (client, m) = (client.clone(), m.clone());
            tokio::spawn(async move {
                let opts = ReplyOptions {
                    reply_in_thread: false,
                    uuid: Some(format!("{}-{i}", m.as_str())),
                };
                client
                    .reply_message(&m, &Content::text(format!("answer {i}")), &opts)
                    .await
                    .map(drop)
            })
        })
    });
    let reactions = asked.iter().flat_map(|(_, m)| {
        ["Typing", "OK", "DONE", "THUMBSUP"].map(|emoji| {
            let (client, m) = (client.clone(), m.clone());
            tokio::spawn(async move { client.add_reaction(&m, emoji).await.map(drop) })
        })
    });
    let documents = (0..7).map(|i| {
        let client = client.clone();
        let title = format!("doc {i}");
        tokio::spawn(async move { client.create_document(Some(&title), None).await.map(drop) })
    });
    let all: Vec<_> = replies.chain(reactions).chain(documents).collect();
    for call in futures::future::join_all(all).await {
        call.unwrap().expect("every call succeeds");
    }

    let calls = sim.state().calls(APP);
    let refused: Vec<_> = calls
        .iter()
        .filter(|c| c.code == Some(99991400) || c.status == 429)
        .map(|c| format!("{} {}", c.method, c.path))
        .collect();
    assert!(refused.is_empty(), "refused for rate: {refused:?}");
    assert_eq!(client.stats().rate_limited, 0);
    assert!(
        client.stats().limiter_waits > 0,
        "the client paced the burst"
    );
    // What the budgets have left shows the burst (all of it within the minute), family by
    // family: the eighty reactions count on the reactions budget, nothing on the pins'.
    let reactions_left = client.budget_remaining(Family::ReactionAdd).unwrap();
    assert!(
        reactions_left <= 1000 - 80,
        "{reactions_left} reactions left"
    );
    assert_eq!(client.budget_remaining(Family::Pins), Some(50));
    assert!(!client.budget_low(Family::Pins));
    for (chat, _) in &asked {
        let messages = sim.state().chat_messages(APP, chat.as_str()).unwrap();
        assert_eq!(
            messages.len(),
            1 + REPLIES_PER_CHAT,
            "every reply in {chat:?}"
        );
    }
}
