//! The wiki: `listWikiSpaces`, `listWikiNodes`, `getWikiNode`, `createWikiNode`,
//! `moveWikiNode`; and the resolution of `/wiki/` links that the document
//! actions use (a wiki node token is not a document id on the platform).

use futures::TryStreamExt;
use lark::api::wiki::{NewWikiNode, WikiNode};
use lark::model::{WikiNodeToken, WikiSpaceId};
use serde::{Deserialize, Serialize};

use super::non_empty;
use crate::error::{ToolError, ToolResult};
use crate::registry::ActionDef;
use crate::tools::Tools;
use crate::{handler, links, p};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListWikiSpacesArgs {}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SpaceOut {
    pub space_id: String,
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub description: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WikiSpaces {
    pub ok: bool,
    pub spaces: Vec<SpaceOut>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListWikiNodesArgs {
    pub space_id: String,
    /// The node (token or `/wiki/` link) whose children to list; the top of the space if absent.
    #[serde(default, alias = "parentToken")]
    pub parent_node_token: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct NodeOut {
    pub node_token: String,
    pub obj_token: String,
    pub obj_type: String,
    pub space_id: String,
    pub title: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub parent_node_token: String,
    pub has_child: bool,
    pub url: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WikiNodes {
    pub ok: bool,
    pub nodes: Vec<NodeOut>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetWikiNodeArgs {
    /// A node token or a `/wiki/` link (`url` is the same).
    #[serde(default, alias = "url", alias = "nodeToken")]
    pub token: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct NodeFound {
    pub ok: bool,
    #[serde(flatten)]
    pub node: NodeOut,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateWikiNodeArgs {
    pub space_id: String,
    #[serde(default, alias = "parentToken")]
    pub parent_node_token: Option<String>,
    #[serde(default)]
    pub title: String,
    /// `docx` (default), `sheet` or `bitable`.
    #[serde(default)]
    pub obj_type: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MoveWikiNodeArgs {
    pub space_id: String,
    #[serde(alias = "token")]
    pub node_token: String,
    #[serde(default, alias = "targetParentNodeToken")]
    pub target_parent_token: Option<String>,
    #[serde(default)]
    pub target_space_id: Option<String>,
}

fn node_out(n: WikiNode) -> NodeOut {
    NodeOut {
        url: n.url,
        node_token: n.node_token,
        obj_token: n.obj_token,
        obj_type: n.obj_type,
        space_id: n.space_id,
        title: n.title,
        parent_node_token: n.parent_node_token,
        has_child: n.has_child,
    }
}

fn space_id(v: &str) -> ToolResult<WikiSpaceId> {
    let t = non_empty("spaceId", v)?;
    if !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(ToolError::param(
            "spaceId",
            format!(
                "{t:?} is not a wiki space id; take `spaceId` from listWikiSpaces or getWikiNode"
            ),
        ));
    }
    Ok(WikiSpaceId::new(t))
}

/// A node token from a token or a `/wiki/` link; another kind of link is refused.
fn node_token(param: &str, v: &str) -> ToolResult<String> {
    let link = links::parse(non_empty(param, v)?);
    if !link.kind.is_empty() && link.kind != "wiki" {
        return Err(ToolError::param(
            param,
            format!(
                "{v:?} is a /{}/ link, not a wiki node; give the token of a /wiki/ link",
                link.kind
            ),
        ));
    }
    Ok(link.token)
}

impl Tools {
    /// The document id behind `input`: a docx token or link as it is, a `/wiki/` link resolved
    /// through the wiki to the document its node holds.
    pub(crate) async fn doc_token(&self, param: &str, input: &str) -> ToolResult<String> {
        let link = links::parse(non_empty(param, input)?);
        if link.kind != "wiki" {
            return Ok(link.token);
        }
        let node = self.client.get_wiki_node(&link.token, None).await?;
        if node.obj_type != "docx" {
            return Err(ToolError::param(
                param,
                format!(
                    "the wiki node {} holds a {} ({}), not a document; use the {} actions on it",
                    link.token,
                    node.obj_type,
                    node.obj_token,
                    match node.obj_type.as_str() {
                        "sheet" => "spreadsheet (spreadsheetToken)",
                        "bitable" => "bitable (appToken)",
                        _ => "matching",
                    }
                ),
            ));
        }
        Ok(node.obj_token)
    }

    /// `listWikiSpaces`: the spaces the app can see.
    pub async fn list_wiki_spaces(&self, _args: ListWikiSpacesArgs) -> ToolResult<WikiSpaces> {
        let spaces: Vec<_> = self.client.list_wiki_spaces().try_collect().await?;
        Ok(WikiSpaces {
            ok: true,
            spaces: spaces
                .into_iter()
                .map(|s| SpaceOut {
                    space_id: s.space_id,
                    name: s.name,
                    description: s.description,
                })
                .collect(),
        })
    }

    /// `listWikiNodes`: the children of a node, or the top of a space.
    pub async fn list_wiki_nodes(&self, args: ListWikiNodesArgs) -> ToolResult<WikiNodes> {
        let space = space_id(&args.space_id)?;
        let parent = match args
            .parent_node_token
            .as_deref()
            .filter(|p| !p.trim().is_empty())
        {
            Some(p) => Some(node_token("parentNodeToken", p)?),
            None => None,
        };
        let nodes: Vec<_> = self
            .client
            .list_wiki_nodes(&space, parent.as_deref())
            .try_collect()
            .await?;
        Ok(WikiNodes {
            ok: true,
            nodes: nodes.into_iter().map(node_out).collect(),
        })
    }

    /// `getWikiNode`: what a node (or `/wiki/` link) holds: its object type and token.
    pub async fn get_wiki_node(&self, args: GetWikiNodeArgs) -> ToolResult<NodeFound> {
        let tok = node_token("token", &args.token)?;
        let n = self.client.get_wiki_node(&tok, None).await?;
        Ok(NodeFound {
            ok: true,
            node: node_out(n),
        })
    }

    /// `createWikiNode`: a new document, sheet or bitable in a space.
    pub async fn create_wiki_node(&self, args: CreateWikiNodeArgs) -> ToolResult<NodeFound> {
        let space = space_id(&args.space_id)?;
        let kind = args.obj_type.as_deref().map(str::trim).unwrap_or("docx");
        let kind = match kind {
            "docx" | "doc" | "document" => "docx",
            "sheet" | "sheets" | "spreadsheet" => "sheet",
            "bitable" | "base" => "bitable",
            other => {
                return Err(ToolError::param(
                    "objType",
                    format!("{other:?} is not a node type; use docx, sheet or bitable"),
                ));
            }
        };
        let parent = match args
            .parent_node_token
            .as_deref()
            .filter(|p| !p.trim().is_empty())
        {
            Some(p) => Some(node_token("parentNodeToken", p)?),
            None => None,
        };
        let title = Some(args.title.trim()).filter(|t| !t.is_empty());
        let node = NewWikiNode::origin(kind, title).under(parent.as_deref());
        let n = self.client.create_wiki_node(&space, &node).await?;
        Ok(NodeFound {
            ok: true,
            node: node_out(n),
        })
    }

    /// `moveWikiNode`: a node (with its children) under another node, or to another space.
    pub async fn move_wiki_node(&self, args: MoveWikiNodeArgs) -> ToolResult<NodeFound> {
        let space = space_id(&args.space_id)?;
        let tok = WikiNodeToken::new(node_token("nodeToken", &args.node_token)?);
        let parent = match args
            .target_parent_token
            .as_deref()
            .filter(|p| !p.trim().is_empty())
        {
            Some(p) => Some(node_token("targetParentToken", p)?),
            None => None,
        };
        let target_space = match args
            .target_space_id
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
            Some(s) => Some(space_id(s)?),
            None => None,
        };
        if parent.is_none() && target_space.is_none() {
            return Err(ToolError::param(
                "targetParentToken",
                "is required (or targetSpaceId to move the node to the top of another space)",
            ));
        }
        let n = self
            .client
            .move_wiki_node(&space, &tok, parent.as_deref(), target_space.as_ref())
            .await?;
        Ok(NodeFound {
            ok: true,
            node: node_out(n),
        })
    }
}

pub(crate) fn defs() -> Vec<ActionDef> {
    vec![
        ActionDef {
            name: "listWikiSpaces",
            takes_to: false,
            description: "List the wiki spaces the bot can see: [{spaceId, name}]. A bot cannot create spaces (the platform takes a person's token for that): a person creates one and adds the bot as a member.",
            example: r#"{"action": "listWikiSpaces"}"#,
            params: &[],
            required: &[],
            run: handler!(list_wiki_spaces),
        },
        ActionDef {
            name: "listWikiNodes",
            takes_to: false,
            description: "List the nodes at the top of a wiki space, or the children of parentNodeToken: [{nodeToken, objToken, objType, title, hasChild, url}].",
            example: r#"{"action": "listWikiNodes", "spaceId": "7034502641455497244"}"#,
            params: &[
                p!("spaceId", Str, "the wiki space id"),
                p!(
                    "parentNodeToken",
                    Str,
                    "optional: a node token or /wiki/ link"
                ),
            ],
            required: &["spaceId"],
            run: handler!(list_wiki_nodes),
        },
        ActionDef {
            name: "getWikiNode",
            takes_to: false,
            description: "What a wiki node or /wiki/ link holds: {nodeToken, objToken, objType, spaceId, title}. objToken is the documentId / spreadsheetToken / appToken to use with the other actions.",
            example: r#"{"action": "getWikiNode", "token": "https://xxx.feishu.cn/wiki/ABC123def"}"#,
            params: &[p!(
                "token",
                Str,
                "a wiki node token or /wiki/ link (or `url`)"
            )],
            required: &["token"],
            run: handler!(get_wiki_node),
        },
        ActionDef {
            name: "createWikiNode",
            takes_to: false,
            description: "Create a document, sheet or bitable in a wiki space; returns {nodeToken, objToken, objType, url}. Write into a docx with appendDocument(documentId=objToken).",
            example: r#"{"action": "createWikiNode", "spaceId": "7034502641455497244", "title": "周报", "objType": "docx"}"#,
            params: &[
                p!("spaceId", Str, "the wiki space id"),
                p!("title", Str, "the title"),
                p!("objType", Str, "docx (default), sheet or bitable"),
                p!(
                    "parentNodeToken",
                    Str,
                    "optional parent node token or /wiki/ link"
                ),
            ],
            required: &["spaceId"],
            run: handler!(create_wiki_node),
        },
        ActionDef {
            name: "moveWikiNode",
            takes_to: false,
            description: "Move a wiki node (with its children) under another node, or to the top of another space.",
            example: r#"{"action": "moveWikiNode", "spaceId": "7034502641455497244", "nodeToken": "wikcnXXX", "targetParentToken": "wikcnYYY"}"#,
            params: &[
                p!("spaceId", Str, "the space the node is in"),
                p!("nodeToken", Str, "the node token or /wiki/ link"),
                p!("targetParentToken", Str, "the new parent node"),
                p!("targetSpaceId", Str, "optional: another space"),
            ],
            required: &["spaceId", "nodeToken"],
            run: handler!(move_wiki_node),
        },
    ]
}
