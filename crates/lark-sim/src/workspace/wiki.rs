//! The wiki (`wiki/v2`): spaces holding trees of nodes, each node holding a docx, sheet or
//! bitable of the workspace (created with the node, so `/wiki/<node_token>` links resolve to
//! real objects through `get_node`). Moving a node carries its subtree, across spaces too.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::{get, post};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Workspace;
use super::bitable::BitableApp;
use super::docx::Document;
use super::sheets::Spreadsheet;
use super::util::{
    WEB_HOST, bad, json_body, now_ms, numeric_id, page_size, paginate, query_map, token, ws,
};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::state::SimState;

const PARAM: i64 = 131002;
const NOT_FOUND: i64 = 131005;

fn param(msg: impl Into<String>) -> ApiError {
    bad(PARAM, format!("param err: {}", msg.into()))
}

fn not_found(what: &str) -> ApiError {
    bad(NOT_FOUND, format!("not found: {what}"))
}

/// A wiki space.
#[derive(Debug, Clone)]
pub struct Space {
    pub space_id: String,
    pub name: String,
    pub description: String,
    pub created_ms: i64,
}

/// A node of a space's tree.
#[derive(Debug, Clone)]
pub struct Node {
    pub space_id: String,
    pub node_token: String,
    pub obj_token: String,
    pub obj_type: String,
    /// Empty at the top of the space.
    pub parent_node_token: String,
    pub title: String,
    pub created_ms: i64,
    /// Creation order, so siblings list in the order they were made.
    seq: u64,
}

/// Every space and node of the tenant.
#[derive(Debug, Default)]
pub struct Wiki {
    pub spaces: BTreeMap<String, Space>,
    pub nodes: BTreeMap<String, Node>,
    seq: u64,
}

impl Space {
    fn json(&self) -> Value {
        json!({
            "space_id": self.space_id, "name": self.name, "description": self.description,
            "space_type": "team", "visibility": "private", "open_sharing": "closed",
        })
    }
}

impl Wiki {
    fn has_child(&self, token: &str) -> bool {
        self.nodes.values().any(|n| n.parent_node_token == token)
    }

    fn node_json(&self, n: &Node) -> Value {
        json!({
            "space_id": n.space_id, "node_token": n.node_token, "obj_token": n.obj_token,
            "obj_type": n.obj_type, "parent_node_token": n.parent_node_token,
            "node_type": "origin", "origin_node_token": n.node_token, "origin_space_id": n.space_id,
            "has_child": self.has_child(&n.node_token), "title": n.title,
            "obj_create_time": (n.created_ms / 1000).to_string(),
            "obj_edit_time": (n.created_ms / 1000).to_string(),
            "node_create_time": (n.created_ms / 1000).to_string(),
            "url": format!("{WEB_HOST}/wiki/{}", n.node_token),
        })
    }

    /// The children of `parent` ("" for the top) in `space`, oldest first.
    pub fn children(&self, space: &str, parent: &str) -> Vec<&Node> {
        let mut out: Vec<&Node> = self
            .nodes
            .values()
            .filter(|n| n.space_id == space && n.parent_node_token == parent)
            .collect();
        out.sort_by_key(|n| n.seq);
        out
    }

    /// `token` and every node below it.
    fn subtree(&self, token: &str) -> Vec<String> {
        let mut out = vec![token.to_owned()];
        let mut i = 0;
        while i < out.len() {
            let t = out[i].clone();
            out.extend(
                self.nodes
                    .values()
                    .filter(|n| n.parent_node_token == t)
                    .map(|n| n.node_token.clone()),
            );
            i += 1;
        }
        out
    }
}

impl Workspace {
    /// The title a node shows: its object's current title.
    fn node_title(&self, n: &Node) -> String {
        let t = match n.obj_type.as_str() {
            "docx" => self.docs.get(&n.obj_token).map(|d| d.title.clone()),
            "sheet" => self.sheets.get(&n.obj_token).map(|s| s.title.clone()),
            "bitable" => self.bitables.get(&n.obj_token).map(|b| b.name.clone()),
            _ => None,
        };
        t.unwrap_or_else(|| n.title.clone())
    }

    fn node_out(&self, n: &Node) -> Value {
        let mut v = self.wiki.node_json(n);
        v["title"] = json!(self.node_title(n));
        v
    }
}

/// `POST /wiki/v2/spaces`: the platform creates spaces for users only (the official SDKs send
/// this call with a user access token alone); an app's tenant token is refused.
async fn create_space(Tenant(_app): Tenant) -> Result<Response, ApiError> {
    Err(bad(
        131006,
        "permission denied: creating a wiki space takes a user access token; a space is created by a person, who adds the app as a member",
    ))
}

impl crate::state::SimState {
    /// A person creates a space and adds the app as a member; returns the space id.
    pub fn seed_wiki_space(
        &self,
        app_id: &str,
        name: &str,
    ) -> Result<String, crate::control::SimError> {
        let app = self.app_or_err(app_id)?;
        let s = Space {
            space_id: numeric_id(),
            name: name.to_owned(),
            description: String::new(),
            created_ms: now_ms(),
        };
        let id = s.space_id.clone();
        ws(&app).wiki.spaces.insert(id.clone(), s);
        Ok(id)
    }
}

/// `GET /wiki/v2/spaces`
async fn list_spaces(Tenant(app): Tenant, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = query_map(q);
    let w = ws(&app);
    let mut spaces: Vec<&Space> = w.wiki.spaces.values().collect();
    spaces.sort_by_key(|s| (s.created_ms, s.space_id.clone()));
    let items: Vec<Value> = spaces.iter().map(|s| s.json()).collect();
    paged(&items, &q)
}

fn paged(
    items: &[Value],
    q: &std::collections::HashMap<String, String>,
) -> Result<Response, ApiError> {
    let size = page_size(q, 20, 50).map_err(param)?;
    let page = paginate(items, size, q.get("page_token").map(String::as_str))
        .ok_or_else(|| param("page_token is not one this API returned"))?;
    Ok(ok(json!({
        "items": page.items, "has_more": page.has_more, "page_token": page.page_token.unwrap_or_default(),
    })))
}

/// `GET /wiki/v2/spaces/get_node?token=&obj_type=`
async fn get_node(Tenant(app): Tenant, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = query_map(q);
    let tok = q.get("token").map(String::as_str).unwrap_or("");
    if tok.is_empty() {
        return Err(param("token is required"));
    }
    let w = ws(&app);
    let node = match q
        .get("obj_type")
        .map(String::as_str)
        .filter(|t| !t.is_empty() && *t != "wiki")
    {
        None => w.wiki.nodes.get(tok),
        Some(kind) => w
            .wiki
            .nodes
            .values()
            .find(|n| n.obj_token == tok && n.obj_type == kind),
    };
    let node = node.ok_or_else(|| not_found(&format!("wiki node {tok}")))?;
    Ok(ok(json!({ "node": w.node_out(node) })))
}

/// `GET /wiki/v2/spaces/{space_id}/nodes?parent_node_token=`
async fn list_nodes(
    Tenant(app): Tenant,
    Path(space): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let w = ws(&app);
    if !w.wiki.spaces.contains_key(&space) {
        return Err(not_found(&format!("space {space}")));
    }
    let parent = q.get("parent_node_token").map(String::as_str).unwrap_or("");
    if !parent.is_empty() && w.wiki.nodes.get(parent).is_none_or(|n| n.space_id != space) {
        return Err(not_found(&format!("node {parent} in space {space}")));
    }
    let items: Vec<Value> = w
        .wiki
        .children(&space, parent)
        .into_iter()
        .map(|n| w.node_out(n))
        .collect();
    paged(&items, &q)
}

#[derive(Deserialize)]
struct CreateNode {
    obj_type: Option<String>,
    parent_node_token: Option<String>,
    node_type: Option<String>,
    title: Option<String>,
}

/// `POST /wiki/v2/spaces/{space_id}/nodes`: a new node with a new object.
async fn create_node(
    Tenant(app): Tenant,
    Path(space): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: CreateNode = json_body(&body, param)?;
    let kind = b.obj_type.unwrap_or_default();
    if b.node_type.as_deref().unwrap_or("origin") != "origin" {
        return Err(param("node_type: only origin nodes are supported"));
    }
    let parent = b.parent_node_token.unwrap_or_default();
    let title = b.title.unwrap_or_default();
    let mut w = ws(&app);
    if !w.wiki.spaces.contains_key(&space) {
        return Err(not_found(&format!("space {space}")));
    }
    if !parent.is_empty()
        && w.wiki
            .nodes
            .get(&parent)
            .is_none_or(|n| n.space_id != space)
    {
        return Err(not_found(&format!("parent node {parent} in space {space}")));
    }
    let obj_token = match kind.as_str() {
        "docx" => {
            let d = Document::new(title.clone(), String::new());
            let t = d.document_id.clone();
            w.docs.insert(t.clone(), d);
            t
        }
        "sheet" => {
            let s = Spreadsheet::new(title.clone(), String::new());
            let t = s.token.clone();
            w.sheets.insert(t.clone(), s);
            t
        }
        "bitable" => {
            let a = BitableApp::new(title.clone(), String::new());
            let t = a.app_token.clone();
            w.bitables.insert(t.clone(), a);
            t
        }
        other => {
            return Err(param(format!(
                "obj_type {other:?}: use docx, sheet or bitable"
            )));
        }
    };
    w.wiki.seq += 1;
    let node = Node {
        space_id: space,
        node_token: token("wikcn", 22),
        obj_token,
        obj_type: kind,
        parent_node_token: parent,
        title,
        created_ms: now_ms(),
        seq: w.wiki.seq,
    };
    let out = w.node_out(&node);
    w.wiki.nodes.insert(node.node_token.clone(), node);
    Ok(ok(json!({ "node": out })))
}

#[derive(Deserialize)]
struct MoveNode {
    target_parent_token: Option<String>,
    target_space_id: Option<String>,
}

/// `POST /wiki/v2/spaces/{space_id}/nodes/{node_token}/move`
async fn move_node(
    Tenant(app): Tenant,
    Path((space, tok)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: MoveNode = json_body(&body, param)?;
    let mut w = ws(&app);
    if w.wiki.nodes.get(&tok).is_none_or(|n| n.space_id != space) {
        return Err(not_found(&format!("node {tok} in space {space}")));
    }
    let parent = b.target_parent_token.unwrap_or_default();
    let target_space = match (&b.target_space_id, w.wiki.nodes.get(&parent)) {
        (Some(s), _) if !s.is_empty() => s.clone(),
        (_, Some(p)) => p.space_id.clone(),
        _ => space.clone(),
    };
    if !w.wiki.spaces.contains_key(&target_space) {
        return Err(not_found(&format!("space {target_space}")));
    }
    if parent.is_empty() && b.target_space_id.as_deref().is_none_or(str::is_empty) {
        return Err(param("give target_parent_token or target_space_id"));
    }
    if !parent.is_empty()
        && w.wiki
            .nodes
            .get(&parent)
            .is_none_or(|n| n.space_id != target_space)
    {
        return Err(not_found(&format!(
            "target node {parent} in space {target_space}"
        )));
    }
    let moved = w.wiki.subtree(&tok);
    if moved.contains(&parent) {
        return Err(param("a node cannot move under itself or its own children"));
    }
    for t in &moved {
        if let Some(n) = w.wiki.nodes.get_mut(t) {
            n.space_id = target_space.clone();
        }
    }
    if let Some(n) = w.wiki.nodes.get_mut(&tok) {
        n.parent_node_token = parent;
    }
    let out = w.node_out(&w.wiki.nodes[&tok]);
    Ok(ok(json!({ "node": out })))
}

pub(super) fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route(
            "/open-apis/wiki/v2/spaces",
            get(list_spaces).post(create_space),
        )
        .route("/open-apis/wiki/v2/spaces/get_node", get(get_node))
        .route(
            "/open-apis/wiki/v2/spaces/{space_id}/nodes",
            get(list_nodes).post(create_node),
        )
        .route(
            "/open-apis/wiki/v2/spaces/{space_id}/nodes/{node_token}/move",
            post(move_node),
        )
}

impl Workspace {
    /// Every space with its tree, nodes in order, for the control API and the chat page.
    pub fn wiki_view(&self) -> Value {
        let mut spaces: Vec<&Space> = self.wiki.spaces.values().collect();
        spaces.sort_by_key(|s| (s.created_ms, s.space_id.clone()));
        let nodes = |space: &str| {
            let mut out = Vec::new();
            let mut stack: Vec<(String, usize)> = self
                .wiki
                .children(space, "")
                .into_iter()
                .rev()
                .map(|n| (n.node_token.clone(), 0))
                .collect();
            while let Some((tok, depth)) = stack.pop() {
                let Some(n) = self.wiki.nodes.get(&tok) else {
                    continue;
                };
                let mut v = self.node_out(n);
                v["depth"] = json!(depth);
                out.push(v);
                stack.extend(
                    self.wiki
                        .children(space, &tok)
                        .into_iter()
                        .rev()
                        .map(|c| (c.node_token.clone(), depth + 1)),
                );
            }
            out
        };
        json!({ "spaces": spaces.iter().map(|s| {
            let mut v = s.json();
            v["nodes"] = json!(nodes(&s.space_id));
            v
        }).collect::<Vec<_>>() })
    }
}
