//! CardKit (`cardkit/v1`): card entities that a bot creates, sends once by reference and then
//! streams into. The card JSON is the user's JSON and is kept as such; what the platform
//! enforces is modelled: JSON 2.0 only, `update_multi` not false, one strictly increasing
//! `sequence` per card shared by every update endpoint, streaming only while
//! `config.streaming_mode` is on, and only into text elements.
//!
//! This file holds the card state, the sequence and replay rule every update goes through, and
//! the routes. [`lifecycle`] creates cards and replaces them or their settings, [`elements`]
//! adds, replaces, patches and deletes components, [`streaming`] types text into an element
//! and [`batch`] applies several of those operations at once.

mod batch;
mod elements;
mod lifecycle;
mod streaming;

use std::sync::Arc;

use axum::Router;
use axum::routing::{patch, post, put};
use serde::Serialize;
use serde_json::Value;

use super::Workspace;
use super::util::bad;
use crate::error::ApiError;
use crate::state::SimState;

const INVALID_PARAM: i64 = 10002;
const NOT_FOUND: i64 = 200740;
const BAD_CONTENT: i64 = 200220;
const TOO_LARGE: i64 = 200860;
const DUPLICATE_ELEMENT_ID: i64 = 300301;
const UPDATE_MULTI_FALSE: i64 = 300302;
const SCHEMA_2_ONLY: i64 = 300303;
const EMPTY_DSL: i64 = 300307;
const STREAMING_CLOSED: i64 = 300309;
const ONLY_TEXT: i64 = 300310;
const UPDATE_ELEMENT_FAILED: i64 = 300313;
const DELETE_ELEMENT_FAILED: i64 = 300314;
const ADD_ELEMENT_FAILED: i64 = 300315;
const SEQUENCE: i64 = 300317;
const SETTINGS_FAILED: i64 = 300122;
/// A card entity was already sent in a message (the IM send answers with this).
const ALREADY_SENT: i64 = 230099;

/// A card body limit of 30 KB, as for card messages.
const MAX_CARD_BYTES: usize = 30 * 1024;

/// One streamed write into an element: what the user would see typed out.
#[derive(Debug, Clone, Serialize)]
pub struct StreamedContent {
    pub element_id: String,
    pub sequence: i64,
    pub content: String,
    /// True when the previous text was a prefix of this one (the typewriter effect).
    pub typewriter: bool,
}

/// A card entity.
#[derive(Debug, Clone)]
pub struct Card {
    pub card_id: String,
    /// The current card JSON (user JSON, updated by every operation).
    pub json: Value,
    /// The last accepted `sequence` (0 before any update).
    pub sequence: i64,
    pub sent: bool,
    pub created_ms: i64,
    pub streamed: Vec<StreamedContent>,
    /// Each accepted operation, e.g. `settings`, `update`, `element.create`.
    pub operations: Vec<(i64, String)>,
    uuids: Vec<String>,
}

impl Workspace {
    /// Whether a CardKit card with this id exists (for IM sends by `card_id`).
    pub fn card_exists(&self, card_id: &str) -> bool {
        self.cards.contains_key(card_id)
    }

    /// Records that the card was sent in a message. A card entity can be sent only once.
    pub fn mark_card_sent(&mut self, card_id: &str) -> Result<(), ApiError> {
        let card = self.cards.get_mut(card_id).ok_or_else(|| {
            crate::error::ApiError::invalid_param(format!("card_id {card_id} does not exist"))
        })?;
        if card.sent {
            return Err(bad(
                ALREADY_SENT,
                format!(
                    "Failed to create card content, ext=card entity {card_id} has already been sent; a card entity can be sent only once"
                ),
            ));
        }
        card.sent = true;
        Ok(())
    }
}

impl Card {
    /// Accepts `sequence` for one operation: it must exceed every earlier one. A repeated
    /// `uuid` is a replay of an operation already applied, answered as success (`Ok(false)`),
    /// which is what a client retrying a timed-out call needs.
    fn begin(&mut self, sequence: Option<i64>, uuid: Option<&str>) -> Result<bool, ApiError> {
        let sequence =
            sequence.ok_or_else(|| bad(INVALID_PARAM, "invalid param: sequence is required"))?;
        if let Some(u) = uuid.filter(|u| !u.is_empty())
            && self.uuids.iter().any(|x| x == u)
        {
            return Ok(false);
        }
        if sequence <= self.sequence {
            return Err(bad(
                SEQUENCE,
                format!(
                    "The sequence number for operating on the card did not increment consecutively: got {sequence}, last accepted {}",
                    self.sequence
                ),
            ));
        }
        Ok(true)
    }

    fn commit(&mut self, sequence: i64, uuid: Option<&str>, op: &str) {
        self.sequence = sequence;
        if let Some(u) = uuid.filter(|u| !u.is_empty()) {
            self.uuids.push(u.to_owned());
        }
        self.operations.push((sequence, op.to_owned()));
    }

    /// Runs one update operation under the sequence rule: `apply` gets the accepted sequence,
    /// and the operation is recorded as `op` only once `apply` succeeds. A replayed `uuid`
    /// runs nothing and succeeds.
    fn once(
        &mut self,
        sequence: Option<i64>,
        uuid: Option<&str>,
        op: &str,
        apply: impl FnOnce(&mut Card, i64) -> Result<(), ApiError>,
    ) -> Result<(), ApiError> {
        if self.begin(sequence, uuid)? {
            let seq = sequence.unwrap_or_default();
            apply(self, seq)?;
            self.commit(seq, uuid, op);
        }
        Ok(())
    }
}

fn card_mut<'a>(ws: &'a mut Workspace, id: &str) -> Result<&'a mut Card, ApiError> {
    ws.cards
        .get_mut(id)
        .ok_or_else(|| bad(NOT_FOUND, format!("card entity {id} does not exist")))
}

fn invalid(e: String) -> ApiError {
    bad(INVALID_PARAM, format!("invalid param: {e}"))
}

pub(super) fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route("/open-apis/cardkit/v1/cards", post(lifecycle::create))
        .route(
            "/open-apis/cardkit/v1/cards/{card_id}",
            put(lifecycle::update),
        )
        .route(
            "/open-apis/cardkit/v1/cards/{card_id}/settings",
            patch(lifecycle::settings),
        )
        .route(
            "/open-apis/cardkit/v1/cards/{card_id}/batch_update",
            post(batch::batch_update),
        )
        .route(
            "/open-apis/cardkit/v1/cards/{card_id}/elements",
            post(elements::create_elements),
        )
        .route(
            "/open-apis/cardkit/v1/cards/{card_id}/elements/{element_id}",
            put(elements::update_element)
                .patch(elements::patch_element)
                .delete(elements::delete_element),
        )
        .route(
            "/open-apis/cardkit/v1/cards/{card_id}/elements/{element_id}/content",
            put(streaming::stream_content),
        )
}
