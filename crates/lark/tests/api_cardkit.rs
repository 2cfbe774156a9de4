//! CardKit against lark-sim: a card created, sent by reference, streamed with increasing
//! sequences (typewriter when the text grows), its elements changed, and streaming closed.

mod api_common;

use api_common::*;
use lark::api::cardkit::{CardStream, ElementPlace, streaming_card};
use lark::model::ReceiveId;
use lark::model::content::Content;

#[tokio::test]
async fn stream_a_reply_into_a_card() {
    let (sim, client) = setup().await;
    let chat = group(&sim);
    let mut card = CardStream::create(&client, &streaming_card("stream_md", "", "Thinking…"))
        .await
        .unwrap();
    client
        .send_message(&ReceiveId::from(&chat), &Content::from(card.card()), None)
        .await
        .unwrap();
    let sent = &seen(&sim, &chat)[0];
    assert_eq!(sent["msg_type"], "interactive");

    for text in ["Hel", "Hello", "Hello, world"] {
        card.stream_text("stream_md", text).await.unwrap();
    }
    card.stream_text("stream_md", "Replaced").await.unwrap();
    card.add_elements(
        ElementPlace::Append,
        &serde_json::json!([{"tag":"markdown","element_id":"foot","content":"— bot"}]),
    )
    .await
    .unwrap();
    card.patch_element("foot", &serde_json::json!({"content":"— the bot"}))
        .await
        .unwrap();
    card.finish("Hello, world").await.unwrap();
    assert_eq!(card.sequence(), 7);

    let view = ws(&sim, |w| w.card_view(card.card_id())).expect("card exists");
    assert!(view.sent);
    assert_eq!(view.sequence, 7);
    let streamed: Vec<_> = view
        .streamed
        .iter()
        .map(|s| (s.sequence, s.content.as_str(), s.typewriter))
        .collect();
    assert_eq!(
        streamed,
        vec![
            (1, "Hel", true),
            (2, "Hello", true),
            (3, "Hello, world", true),
            (4, "Replaced", false),
        ]
    );
    assert_eq!(view.card["config"]["streaming_mode"], false);
    let text = view.card.to_string();
    assert!(text.contains("the bot"), "{text}");
}

#[tokio::test]
async fn an_old_sequence_is_never_applied() {
    let (sim, client) = setup().await;
    let mut card = CardStream::create(&client, &streaming_card("md", "", "s"))
        .await
        .unwrap();
    card.stream_text("md", "one").await.unwrap();
    // A retry of a change reuses its sequence and so its uuid (`c_<card>_<seq>`): applied once.
    // The same goes for a stale handle that forgot where the first got to: its change with an
    // old sequence is never applied, whether the platform answers it as a replay or an error.
    let mut stale = CardStream::resume(&client, card.card_id(), 0);
    let _ = stale.stream_text("md", "two").await;
    let view = ws(&sim, |w| w.card_view(card.card_id())).unwrap();
    assert_eq!(view.streamed.len(), 1);
    assert_eq!(view.streamed[0].content, "one");
    card.update(&streaming_card("md", "whole new card", "s"))
        .await
        .unwrap();
    let view = ws(&sim, |w| w.card_view(card.card_id())).unwrap();
    assert!(view.card.to_string().contains("whole new card"));
}
