//! Interactive cards: user-supplied card JSON (v1 or v2), or a reference to a CardKit card.

use crate::error::{Error, Result};

/// The card of an `interactive` message.
#[derive(Debug, Clone, PartialEq)]
pub enum Card {
    /// Card JSON as the user wrote it: v1 (`{config, header, elements}`) or v2
    /// (`{schema:"2.0", config, header, body:{elements}}`). Sent as is.
    Json(serde_json::Value),
    /// A card created with CardKit (`POST /cardkit/v1/cards`), sent by its id.
    Reference { card_id: String },
}

impl Card {
    /// Parses card JSON text; the platform wants an object.
    pub fn from_json_str(json: &str) -> Result<Card> {
        let v: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| Error::InvalidArgument(format!("card JSON does not parse: {e}")))?;
        if !v.is_object() {
            return Err(Error::InvalidArgument(
                "card JSON must be an object".to_owned(),
            ));
        }
        Ok(Card::Json(v))
    }

    pub fn reference(card_id: impl Into<String>) -> Card {
        Card::Reference {
            card_id: card_id.into(),
        }
    }

    /// The `content` string: the card JSON itself, or `{"type":"card","data":{"card_id":"…"}}`.
    pub fn to_json_string(&self) -> String {
        match self {
            Card::Json(v) => super::to_string(v),
            Card::Reference { card_id } => {
                // A struct, not `json!`, to keep the documented key order `type`, `data`.
                #[derive(serde::Serialize)]
                struct Data<'a> {
                    card_id: &'a str,
                }
                #[derive(serde::Serialize)]
                struct Reference<'a> {
                    #[serde(rename = "type")]
                    kind: &'a str,
                    data: Data<'a>,
                }
                super::to_string(&Reference {
                    kind: "card",
                    data: Data { card_id },
                })
            }
        }
    }
}
