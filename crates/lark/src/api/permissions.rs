//! Who may open a document: permission members of drive files, docs, sheets and bitables
//! (`/drive/v1/permissions/:token/members`, PROTOCOL §5.6). A document the bot creates is the
//! bot's; users see it only after they are added here.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::http::{Client, Req};
use crate::routes::Route;

/// The kind of document a token names (the `type` query parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocType {
    Doc,
    Docx,
    Sheet,
    Bitable,
    File,
    Wiki,
    Folder,
    Mindnote,
    Minutes,
    Slides,
}

impl DocType {
    pub fn as_str(self) -> &'static str {
        match self {
            DocType::Doc => "doc",
            DocType::Docx => "docx",
            DocType::Sheet => "sheet",
            DocType::Bitable => "bitable",
            DocType::File => "file",
            DocType::Wiki => "wiki",
            DocType::Folder => "folder",
            DocType::Mindnote => "mindnote",
            DocType::Minutes => "minutes",
            DocType::Slides => "slides",
        }
    }
}

/// A level of access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Perm {
    View,
    Edit,
    FullAccess,
}

/// A member of a document's permissions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PermissionMember {
    /// `openid`, `unionid`, `email`, `openchat`, `opendepartmentid`, `userid`, `groupid`, ...
    pub member_type: String,
    pub member_id: String,
    pub perm: Perm,
    /// `user`, `chat`, `department`, `group`, ...
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `container` for wiki pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perm_type: Option<String>,
    #[serde(default, skip_serializing)]
    pub name: Option<String>,
}

impl PermissionMember {
    /// A user by open id (`ou_...`).
    pub fn user(open_id: &str, perm: Perm) -> PermissionMember {
        PermissionMember {
            member_type: "openid".into(),
            member_id: open_id.to_owned(),
            perm,
            kind: Some("user".into()),
            perm_type: None,
            name: None,
        }
    }

    /// Everyone in a chat (`oc_...`).
    pub fn chat(chat_id: &str, perm: Perm) -> PermissionMember {
        PermissionMember {
            member_type: "openchat".into(),
            member_id: chat_id.to_owned(),
            perm,
            kind: Some("chat".into()),
            perm_type: None,
            name: None,
        }
    }
}

#[derive(Deserialize)]
struct Added {
    member: PermissionMember,
}

#[derive(Deserialize)]
struct Listed {
    #[serde(default, deserialize_with = "crate::api::de::null_as_default")]
    items: Vec<PermissionMember>,
}

impl Client {
    /// Grants `member` access to the document `token`, without notifying them.
    pub async fn add_permission_member(
        &self,
        token: &str,
        doc_type: DocType,
        member: &PermissionMember,
    ) -> Result<PermissionMember> {
        let req = Req::route(Route::PermissionMemberCreate {
            token: token.to_owned(),
        })
        .query("type", doc_type.as_str())
        .query("need_notification", false)
        .json(member);
        let a: Added = self.call(req).await?;
        Ok(a.member)
    }

    pub async fn list_permission_members(
        &self,
        token: &str,
        doc_type: DocType,
    ) -> Result<Vec<PermissionMember>> {
        let req = Req::route(Route::PermissionMemberList {
            token: token.to_owned(),
        })
        .query("type", doc_type.as_str());
        let l: Listed = self.call(req).await?;
        Ok(l.items)
    }

    /// Revokes the access of `member_id` (of `member_type`, e.g. `openid`).
    pub async fn delete_permission_member(
        &self,
        token: &str,
        doc_type: DocType,
        member_type: &str,
        member_id: &str,
    ) -> Result<()> {
        let req = Req::route(Route::PermissionMemberDelete {
            token: token.to_owned(),
            member_id: member_id.to_owned(),
        })
        .query("type", doc_type.as_str())
        .query("member_type", member_type);
        let _: serde::de::IgnoredAny = self.call(req).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_body() {
        assert_eq!(
            serde_json::to_string(&PermissionMember::user("ou_1", Perm::FullAccess)).unwrap(),
            r#"{"member_type":"openid","member_id":"ou_1","perm":"full_access","type":"user"}"#
        );
    }
}
