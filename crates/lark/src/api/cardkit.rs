//! CardKit: cards created once and then changed in place, such as a reply that streams as the
//! model writes it (PROTOCOL §5.2).
//!
//! Every change carries a `sequence` that must grow per card; [`CardStream`] keeps that counter,
//! and derives each change's `uuid` from the card and the sequence (`c_<card>_<seq>`, as the
//! official channel does), so a retried change is applied once.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::http::{Client, Req};
use crate::model::content::{Card, to_string};
use crate::routes::Route;

#[derive(Deserialize)]
struct Created {
    card_id: String,
}

/// Where new elements go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ElementPlace {
    Append,
    InsertBefore(String),
    InsertAfter(String),
}

#[derive(Serialize)]
struct Seq<'a> {
    sequence: u64,
    uuid: &'a str,
}

impl Client {
    /// Creates a card from card JSON 2.0 and returns its id; send it with
    /// [`Card::reference`] in an `interactive` message.
    pub async fn create_card(&self, card: &serde_json::Value) -> Result<String> {
        if !card.is_object() {
            return Err(Error::InvalidArgument("card JSON must be an object".into()));
        }
        let body = serde_json::json!({ "type": "card_json", "data": to_string(card) });
        // Each call makes a new card; a lost answer must not make two.
        let req = Req::route(Route::CardCreate).json(&body).not_retry_safe();
        let c: Created = self.call(req).await?;
        Ok(c.card_id)
    }

    /// Sends one change of a card, adding its sequence and a uuid derived from both.
    async fn card_change(&self, route: Route, body: serde_json::Value, seq: u64) -> Result<()> {
        let uuid = format!("c_{}_{seq}", route_card(&route));
        let mut body = body;
        if let (Some(obj), Ok(serde_json::Value::Object(extra))) = (
            body.as_object_mut(),
            serde_json::to_value(Seq {
                sequence: seq,
                uuid: &uuid,
            }),
        ) {
            obj.extend(extra);
        }
        let _: serde::de::IgnoredAny = self.call(Req::route(route).json(&body)).await?;
        Ok(())
    }
}

/// The card id a CardKit route is about (for the uuid).
fn route_card(route: &Route) -> &str {
    match route {
        Route::CardUpdate { card_id }
        | Route::CardSettings { card_id }
        | Route::CardBatchUpdate { card_id }
        | Route::CardElementCreate { card_id }
        | Route::CardElementUpdate { card_id, .. }
        | Route::CardElementPatch { card_id, .. }
        | Route::CardElementDelete { card_id, .. }
        | Route::CardElementContent { card_id, .. } => card_id,
        _ => "",
    }
}

/// A created card and its sequence counter. Changes go out in order through `&mut self`.
#[derive(Debug, Clone)]
pub struct CardStream {
    client: Client,
    card_id: String,
    sequence: u64,
}

impl CardStream {
    /// Creates the card; use [`CardStream::card`] to send it.
    pub async fn create(client: &Client, card: &serde_json::Value) -> Result<CardStream> {
        let card_id = client.create_card(card).await?;
        Ok(CardStream::resume(client, card_id, 0))
    }

    /// Continues a card whose last sequence was `last_sequence`.
    pub fn resume(client: &Client, card_id: impl Into<String>, last_sequence: u64) -> CardStream {
        CardStream {
            client: client.clone(),
            card_id: card_id.into(),
            sequence: last_sequence,
        }
    }

    pub fn card_id(&self) -> &str {
        &self.card_id
    }

    /// The sequence of the last change sent.
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// The content of an `interactive` message that shows this card.
    pub fn card(&self) -> Card {
        Card::reference(self.card_id.clone())
    }

    fn next(&mut self) -> u64 {
        self.sequence += 1;
        self.sequence
    }

    fn element_route(&self, element_id: &str, kind: fn(String, String) -> Route) -> Route {
        kind(self.card_id.clone(), element_id.to_owned())
    }

    /// Sets the full text of a streaming element; when the old text is a prefix of the new one,
    /// readers see it typed out.
    pub async fn stream_text(&mut self, element_id: &str, full_text: &str) -> Result<()> {
        let route = self.element_route(element_id, |card_id, element_id| {
            Route::CardElementContent {
                card_id,
                element_id,
            }
        });
        let seq = self.next();
        let body = serde_json::json!({ "content": full_text });
        self.client.card_change(route, body, seq).await
    }

    /// Changes the card's settings, e.g. `{"config":{"streaming_mode":false}}` to end streaming.
    pub async fn settings(&mut self, settings: &serde_json::Value) -> Result<()> {
        let route = Route::CardSettings {
            card_id: self.card_id.clone(),
        };
        let seq = self.next();
        let body = serde_json::json!({ "settings": to_string(settings) });
        self.client.card_change(route, body, seq).await
    }

    /// Ends streaming mode, with the summary shown in chat lists.
    pub async fn finish(&mut self, summary: &str) -> Result<()> {
        self.settings(&serde_json::json!({
            "config": { "streaming_mode": false, "summary": { "content": summary } }
        }))
        .await
    }

    /// Replaces the whole card.
    pub async fn update(&mut self, card: &serde_json::Value) -> Result<()> {
        let route = Route::CardUpdate {
            card_id: self.card_id.clone(),
        };
        let seq = self.next();
        let body = serde_json::json!({ "card": { "type": "card_json", "data": to_string(card) } });
        self.client.card_change(route, body, seq).await
    }

    /// Adds elements (a JSON array of card elements).
    pub async fn add_elements(
        &mut self,
        place: ElementPlace,
        elements: &serde_json::Value,
    ) -> Result<()> {
        let route = Route::CardElementCreate {
            card_id: self.card_id.clone(),
        };
        let (kind, target) = match place {
            ElementPlace::Append => ("append", None),
            ElementPlace::InsertBefore(t) => ("insert_before", Some(t)),
            ElementPlace::InsertAfter(t) => ("insert_after", Some(t)),
        };
        let mut body = serde_json::json!({ "type": kind, "elements": to_string(elements) });
        if let Some(t) = target {
            body["target_element_id"] = serde_json::Value::String(t);
        }
        let seq = self.next();
        self.client.card_change(route, body, seq).await
    }

    /// Replaces one element.
    pub async fn update_element(
        &mut self,
        element_id: &str,
        element: &serde_json::Value,
    ) -> Result<()> {
        let route =
            self.element_route(element_id, |card_id, element_id| Route::CardElementUpdate {
                card_id,
                element_id,
            });
        let seq = self.next();
        let body = serde_json::json!({ "element": to_string(element) });
        self.client.card_change(route, body, seq).await
    }

    /// Changes some properties of one element.
    pub async fn patch_element(
        &mut self,
        element_id: &str,
        partial: &serde_json::Value,
    ) -> Result<()> {
        let route = self.element_route(element_id, |card_id, element_id| Route::CardElementPatch {
            card_id,
            element_id,
        });
        let seq = self.next();
        let body = serde_json::json!({ "partial_element": to_string(partial) });
        self.client.card_change(route, body, seq).await
    }

    pub async fn delete_element(&mut self, element_id: &str) -> Result<()> {
        let route =
            self.element_route(element_id, |card_id, element_id| Route::CardElementDelete {
                card_id,
                element_id,
            });
        let seq = self.next();
        self.client
            .card_change(route, serde_json::json!({}), seq)
            .await
    }

    /// Several operations at once (a JSON array of actions).
    pub async fn batch_update(&mut self, actions: &serde_json::Value) -> Result<()> {
        let route = Route::CardBatchUpdate {
            card_id: self.card_id.clone(),
        };
        let seq = self.next();
        let body = serde_json::json!({ "actions": to_string(actions) });
        self.client.card_change(route, body, seq).await
    }
}

/// A streaming card 2.0 with one markdown element `element_id`, as the official channel builds it.
pub fn streaming_card(element_id: &str, initial: &str, summary: &str) -> serde_json::Value {
    serde_json::json!({
        "schema": "2.0",
        "config": {
            "streaming_mode": true,
            "summary": { "content": summary },
            "streaming_config": {
                "print_frequency_ms": { "default": 70 },
                "print_step": { "default": 1 },
                "print_strategy": "fast"
            }
        },
        "body": { "elements": [ { "tag": "markdown", "element_id": element_id, "content": initial } ] }
    })
}
