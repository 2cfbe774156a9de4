//! The wiki (`wiki/v2`): spaces, the node tree inside each, and the resolution of a node (the
//! token of a `/wiki/` link) to the document, sheet or bitable it holds. A wiki link is not an
//! object token: every docx, sheet or bitable call on one must go through [`Client::get_wiki_node`]
//! first. Spaces are made by people (the platform takes a user token to create one); an app
//! works in the spaces it was added to.

use futures::Stream;
use serde::{Deserialize, Serialize};

use crate::api::page::{Page, paginate};
use crate::error::Result;
use crate::http::{Client, Req};
use crate::model::event::de;
use crate::model::{WikiNodeToken, WikiSpaceId};
use crate::routes::Route;
use crate::routes::workspace::WorkspaceRoute as W;

/// A wiki space.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct WikiSpace {
    /// Digits; some answers send it as a number.
    #[serde(deserialize_with = "de::string")]
    pub space_id: String,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(deserialize_with = "de::string")]
    pub description: String,
    /// `team` or `person`.
    #[serde(deserialize_with = "de::string")]
    pub space_type: String,
    /// `public` or `private`.
    #[serde(deserialize_with = "de::string")]
    pub visibility: String,
}

impl WikiSpace {
    pub fn id(&self) -> WikiSpaceId {
        WikiSpaceId::new(self.space_id.clone())
    }
}

/// A node of a wiki tree and the object it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct WikiNode {
    #[serde(deserialize_with = "de::string")]
    pub space_id: String,
    #[serde(deserialize_with = "de::string")]
    pub node_token: String,
    /// The token of the document, sheet or bitable itself.
    #[serde(deserialize_with = "de::string")]
    pub obj_token: String,
    /// `docx`, `doc`, `sheet`, `bitable`, `mindnote`, `file`, `slides`.
    #[serde(deserialize_with = "de::string")]
    pub obj_type: String,
    #[serde(deserialize_with = "de::string")]
    pub parent_node_token: String,
    /// `origin` or `shortcut`.
    #[serde(deserialize_with = "de::string")]
    pub node_type: String,
    pub has_child: bool,
    #[serde(deserialize_with = "de::string")]
    pub title: String,
    #[serde(deserialize_with = "de::string")]
    pub url: String,
}

impl WikiNode {
    pub fn token(&self) -> WikiNodeToken {
        WikiNodeToken::new(self.node_token.clone())
    }
}

/// A node to create: an object of `obj_type` titled `title`, under `parent_node_token` or at
/// the top of the space.
#[derive(Debug, Clone, Serialize)]
pub struct NewWikiNode {
    pub obj_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_node_token: Option<String>,
    pub node_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl NewWikiNode {
    /// A new object (`docx`, `sheet`, `bitable`, ...) with its own node.
    pub fn origin(obj_type: &str, title: Option<&str>) -> NewWikiNode {
        NewWikiNode {
            obj_type: obj_type.to_owned(),
            parent_node_token: None,
            node_type: "origin".into(),
            title: title.map(str::to_owned),
        }
    }

    pub fn under(mut self, parent: Option<&str>) -> NewWikiNode {
        self.parent_node_token = parent.filter(|p| !p.is_empty()).map(str::to_owned);
        self
    }
}

#[derive(Deserialize)]
struct NodeAnswer {
    node: WikiNode,
}

impl Client {
    /// One page of the spaces the app can see.
    pub async fn list_wiki_spaces_page(&self, page_token: Option<&str>) -> Result<Page<WikiSpace>> {
        let req = Req::route(Route::Workspace(W::WikiSpaceList))
            .query("page_size", 50)
            .query_opt("page_token", page_token.filter(|t| !t.is_empty()));
        self.call(req).await
    }

    /// Every space the app can see.
    pub fn list_wiki_spaces(&self) -> impl Stream<Item = Result<WikiSpace>> + Send {
        let client = self.clone();
        paginate(move |token| {
            let client = client.clone();
            async move { client.list_wiki_spaces_page(token.as_deref()).await }
        })
    }

    /// The node of `token`: a node token (from a `/wiki/` link), or with `obj_type` the token of
    /// an object placed in the wiki.
    pub async fn get_wiki_node(&self, token: &str, obj_type: Option<&str>) -> Result<WikiNode> {
        let req = Req::route(Route::Workspace(W::WikiGetNode))
            .query("token", token)
            .query_opt("obj_type", obj_type);
        let a: NodeAnswer = self.call(req).await?;
        Ok(a.node)
    }

    /// One page of the children of `parent` (the top of the space when `None`).
    pub async fn list_wiki_nodes_page(
        &self,
        space_id: &WikiSpaceId,
        parent: Option<&str>,
        page_token: Option<&str>,
    ) -> Result<Page<WikiNode>> {
        let req = Req::route(Route::Workspace(W::WikiNodeList {
            space_id: space_id.0.clone(),
        }))
        .query("page_size", 50)
        .query_opt("parent_node_token", parent.filter(|p| !p.is_empty()))
        .query_opt("page_token", page_token.filter(|t| !t.is_empty()));
        self.call(req).await
    }

    /// Every child of `parent` (the top of the space when `None`).
    pub fn list_wiki_nodes(
        &self,
        space_id: &WikiSpaceId,
        parent: Option<&str>,
    ) -> impl Stream<Item = Result<WikiNode>> + Send {
        let (client, space) = (self.clone(), space_id.clone());
        let parent = parent.map(str::to_owned);
        paginate(move |token| {
            let (client, space, parent) = (client.clone(), space.clone(), parent.clone());
            async move {
                client
                    .list_wiki_nodes_page(&space, parent.as_deref(), token.as_deref())
                    .await
            }
        })
    }

    /// A new node (and the new object it holds).
    pub async fn create_wiki_node(
        &self,
        space_id: &WikiSpaceId,
        node: &NewWikiNode,
    ) -> Result<WikiNode> {
        let req = Req::route(Route::Workspace(W::WikiNodeCreate {
            space_id: space_id.0.clone(),
        }))
        .json(node)
        .not_retry_safe();
        let a: NodeAnswer = self.call(req).await?;
        Ok(a.node)
    }

    /// Moves a node (with its children) under `target_parent`, or to the top of
    /// `target_space` (another space, or its own when `None`).
    pub async fn move_wiki_node(
        &self,
        space_id: &WikiSpaceId,
        node_token: &WikiNodeToken,
        target_parent: Option<&str>,
        target_space: Option<&WikiSpaceId>,
    ) -> Result<WikiNode> {
        let mut body = serde_json::Map::new();
        if let Some(p) = target_parent.filter(|p| !p.is_empty()) {
            body.insert("target_parent_token".into(), p.into());
        }
        if let Some(s) = target_space {
            body.insert("target_space_id".into(), s.0.clone().into());
        }
        let req = Req::route(Route::Workspace(W::WikiNodeMove {
            space_id: space_id.0.clone(),
            node_token: node_token.0.clone(),
        }))
        .json(&body);
        let a: NodeAnswer = self.call(req).await?;
        Ok(a.node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_space_ids_decode_as_text() {
        let n: WikiNode = serde_json::from_str(
            r#"{"space_id":7034502641455497244,"node_token":"wikcn1","obj_token":"doxcn1","obj_type":"docx","has_child":true,"title":null}"#,
        )
        .unwrap();
        assert_eq!(n.space_id, "7034502641455497244");
        assert_eq!(
            (n.obj_type.as_str(), n.has_child, n.title.as_str()),
            ("docx", true, "")
        );
    }
}
