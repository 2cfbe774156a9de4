//! `manageDocPermission`: add, list or remove a collaborator of a document, sheet, bitable...
//!
//! The document writes this call with `action` twice (`"action": "manageDocPermission", ...,
//! "action": "add"`); after JSON parsing only `"add"` is left, so the dispatcher routes an
//! `add`/`list`/`remove` call carrying `docToken` here with `permAction` set.

use lark::api::permissions::{DocType, Perm, PermissionMember};
use serde::{Deserialize, Serialize};

use super::non_empty;
use crate::error::{ToolError, ToolResult};
use crate::registry::ActionDef;
use crate::tools::Tools;
use crate::{handler, links, p};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManageDocPermissionArgs {
    /// The token or link of the document, sheet, bitable...
    #[serde(alias = "documentId", alias = "token")]
    pub doc_token: String,
    /// docx (default), sheet, bitable, file, wiki, doc, folder, mindnote, slides.
    #[serde(default)]
    pub doc_type: Option<String>,
    /// add, list or remove.
    #[serde(default, alias = "operation")]
    pub perm_action: Option<String>,
    /// `ou_xxx` (user) or `oc_xxx` (chat).
    #[serde(default, alias = "userId", alias = "openId")]
    pub member_id: Option<String>,
    /// view (default), edit, full_access.
    #[serde(default)]
    pub perm: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct MemberPerm {
    pub member_id: String,
    pub member_type: String,
    pub perm: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PermissionResult {
    pub ok: bool,
    pub action: String,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub members: Vec<MemberPerm>,
}

fn doc_type(s: Option<&str>, link_kind: &str) -> ToolResult<DocType> {
    let s = s
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(match link_kind {
            "sheets" | "sheet" => "sheet",
            "base" => "bitable",
            "wiki" => "wiki",
            "file" => "file",
            "folder" => "folder",
            _ => "docx",
        });
    Ok(match s.to_ascii_lowercase().as_str() {
        "docx" | "document" => DocType::Docx,
        "doc" => DocType::Doc,
        "sheet" | "sheets" | "spreadsheet" => DocType::Sheet,
        "bitable" | "base" => DocType::Bitable,
        "file" => DocType::File,
        "wiki" => DocType::Wiki,
        "folder" => DocType::Folder,
        "mindnote" => DocType::Mindnote,
        "minutes" => DocType::Minutes,
        "slides" => DocType::Slides,
        other => {
            return Err(ToolError::param(
                "docType",
                format!(
                    "{other:?} is not a document type; use docx, sheet, bitable, file, wiki, doc, folder, mindnote or slides"
                ),
            ));
        }
    })
}

fn perm(s: Option<&str>) -> ToolResult<Perm> {
    match s.map(str::trim).unwrap_or("view") {
        "" | "view" | "read" | "readonly" => Ok(Perm::View),
        "edit" | "write" => Ok(Perm::Edit),
        "full_access" | "full" | "manage" => Ok(Perm::FullAccess),
        other => Err(ToolError::param(
            "perm",
            format!("{other:?} is not a permission; use \"view\" or \"edit\" (or \"full_access\")"),
        )),
    }
}

fn perm_name(p: Perm) -> &'static str {
    match p {
        Perm::View => "view",
        Perm::Edit => "edit",
        Perm::FullAccess => "full_access",
    }
}

impl Tools {
    /// `manageDocPermission`: add (default view), list or remove a collaborator.
    pub async fn manage_doc_permission(
        &self,
        args: ManageDocPermissionArgs,
    ) -> ToolResult<PermissionResult> {
        let link = links::parse(non_empty("docToken", &args.doc_token)?);
        let kind = doc_type(args.doc_type.as_deref(), &link.kind)?;
        let action = args
            .perm_action
            .as_deref()
            .map(str::trim)
            .unwrap_or("")
            .to_ascii_lowercase();
        let member = |required: &str| -> ToolResult<String> {
            args.member_id
                .as_deref()
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| {
                    ToolError::param(
                        "memberId",
                        format!("is required to {required} a collaborator (the user's ou_xxx, e.g. the message sender)"),
                    )
                })
        };
        match action.as_str() {
            "add" => {
                let id = member("add")?;
                let p = perm(args.perm.as_deref())?;
                let m = if id.starts_with("oc_") {
                    PermissionMember::chat(&id, p)
                } else {
                    PermissionMember::user(&id, p)
                };
                let added = self
                    .client
                    .add_permission_member(&link.token, kind, &m)
                    .await?;
                Ok(PermissionResult {
                    ok: true,
                    action: "add".into(),
                    members: vec![MemberPerm {
                        member_id: added.member_id,
                        member_type: added.member_type,
                        perm: perm_name(added.perm).into(),
                        name: added.name,
                    }],
                })
            }
            "list" => {
                let all = self
                    .client
                    .list_permission_members(&link.token, kind)
                    .await?;
                Ok(PermissionResult {
                    ok: true,
                    action: "list".into(),
                    members: all
                        .into_iter()
                        .map(|m| MemberPerm {
                            member_id: m.member_id,
                            member_type: m.member_type,
                            perm: perm_name(m.perm).into(),
                            name: m.name,
                        })
                        .collect(),
                })
            }
            "remove" | "delete" => {
                let id = member("remove")?;
                let member_type = if id.starts_with("oc_") {
                    "openchat"
                } else {
                    "openid"
                };
                self.client
                    .delete_permission_member(&link.token, kind, member_type, &id)
                    .await?;
                Ok(PermissionResult {
                    ok: true,
                    action: "remove".into(),
                    members: Vec::new(),
                })
            }
            "" => Err(ToolError::param(
                "permAction",
                "is required: \"add\", \"list\" or \"remove\"",
            )),
            other => Err(ToolError::param(
                "permAction",
                format!("{other:?} is not one of \"add\", \"list\", \"remove\""),
            )),
        }
    }
}

pub(crate) fn defs() -> Vec<ActionDef> {
    vec![ActionDef {
        name: "manageDocPermission",
        takes_to: false,
        description: "Grant, list or remove access to a document/sheet/bitable: permAction add|list|remove (the document's second `action` key works too), memberId ou_xxx, perm view|edit.",
        example: r#"{"action": "manageDocPermission", "docToken": "doxcnXXX", "permAction": "add", "memberId": "ou_xxx", "perm": "view"}"#,
        params: &[
            p!(
                "docToken",
                Str,
                "token or link of the document, sheet or bitable"
            ),
            p!("docType", Str, "docx (default), sheet, bitable, file, wiki"),
            p!("permAction", Str, "add, list or remove"),
            p!("memberId", Str, "ou_xxx of the user (or oc_xxx of a chat)"),
            p!("perm", Str, "view (default) or edit"),
        ],
        required: &["docToken", "permAction"],
        run: handler!(manage_doc_permission),
    }]
}
