//! The paths of the wiki (`wiki/v2`) and of document comments (`drive/v1/files/.../comments`),
//! kept apart from [`super::Route`]'s older families so each family reads on its own.

use reqwest::Method;

use super::seg;

/// An endpoint of the wiki or of document comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkspaceRoute {
    WikiSpaceList,
    /// `GET /wiki/v2/spaces/get_node?token=`: a node (or the node of an object).
    WikiGetNode,
    WikiNodeList {
        space_id: String,
    },
    WikiNodeCreate {
        space_id: String,
    },
    WikiNodeMove {
        space_id: String,
        node_token: String,
    },
    CommentList {
        file_token: String,
    },
    CommentCreate {
        file_token: String,
    },
    CommentGet {
        file_token: String,
        comment_id: String,
    },
    /// Resolve or reopen a comment (`is_solved`).
    CommentPatch {
        file_token: String,
        comment_id: String,
    },
    CommentReplyList {
        file_token: String,
        comment_id: String,
    },
    CommentReplyCreate {
        file_token: String,
        comment_id: String,
    },
}

impl WorkspaceRoute {
    pub fn method(&self) -> Method {
        use WorkspaceRoute::*;
        match self {
            WikiSpaceList
            | WikiGetNode
            | WikiNodeList { .. }
            | CommentList { .. }
            | CommentGet { .. }
            | CommentReplyList { .. } => Method::GET,
            WikiNodeCreate { .. }
            | WikiNodeMove { .. }
            | CommentCreate { .. }
            | CommentReplyCreate { .. } => Method::POST,
            CommentPatch { .. } => Method::PATCH,
        }
    }

    pub fn path(&self) -> String {
        use WorkspaceRoute::*;
        let comments = |f: &str| format!("/open-apis/drive/v1/files/{}/comments", seg(f));
        match self {
            WikiSpaceList => "/open-apis/wiki/v2/spaces".into(),
            WikiGetNode => "/open-apis/wiki/v2/spaces/get_node".into(),
            WikiNodeList { space_id } | WikiNodeCreate { space_id } => {
                format!("/open-apis/wiki/v2/spaces/{}/nodes", seg(space_id))
            }
            WikiNodeMove {
                space_id,
                node_token,
            } => format!(
                "/open-apis/wiki/v2/spaces/{}/nodes/{}/move",
                seg(space_id),
                seg(node_token)
            ),
            CommentList { file_token } | CommentCreate { file_token } => comments(file_token),
            CommentGet {
                file_token,
                comment_id,
            }
            | CommentPatch {
                file_token,
                comment_id,
            } => format!("{}/{}", comments(file_token), seg(comment_id)),
            CommentReplyList {
                file_token,
                comment_id,
            }
            | CommentReplyCreate {
                file_token,
                comment_id,
            } => format!("{}/{}/replies", comments(file_token), seg(comment_id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::WorkspaceRoute::*;

    #[test]
    fn paths() {
        let (s, n, f, c) = (
            || "SPACE".to_string(),
            || "NODE".to_string(),
            || "FILE".to_string(),
            || "CMT".to_string(),
        );
        let cases = [
            (WikiSpaceList, "GET", "/open-apis/wiki/v2/spaces"),
            (WikiGetNode, "GET", "/open-apis/wiki/v2/spaces/get_node"),
            (
                WikiNodeList { space_id: s() },
                "GET",
                "/open-apis/wiki/v2/spaces/SPACE/nodes",
            ),
            (
                WikiNodeCreate { space_id: s() },
                "POST",
                "/open-apis/wiki/v2/spaces/SPACE/nodes",
            ),
            (
                WikiNodeMove {
                    space_id: s(),
                    node_token: n(),
                },
                "POST",
                "/open-apis/wiki/v2/spaces/SPACE/nodes/NODE/move",
            ),
            (
                CommentList { file_token: f() },
                "GET",
                "/open-apis/drive/v1/files/FILE/comments",
            ),
            (
                CommentCreate { file_token: f() },
                "POST",
                "/open-apis/drive/v1/files/FILE/comments",
            ),
            (
                CommentGet {
                    file_token: f(),
                    comment_id: c(),
                },
                "GET",
                "/open-apis/drive/v1/files/FILE/comments/CMT",
            ),
            (
                CommentPatch {
                    file_token: f(),
                    comment_id: c(),
                },
                "PATCH",
                "/open-apis/drive/v1/files/FILE/comments/CMT",
            ),
            (
                CommentReplyList {
                    file_token: f(),
                    comment_id: c(),
                },
                "GET",
                "/open-apis/drive/v1/files/FILE/comments/CMT/replies",
            ),
            (
                CommentReplyCreate {
                    file_token: f(),
                    comment_id: c(),
                },
                "POST",
                "/open-apis/drive/v1/files/FILE/comments/CMT/replies",
            ),
        ];
        for (route, method, path) in cases {
            let r = super::super::Route::Workspace(route);
            assert_eq!(r.method().as_str(), method, "{r:?}");
            assert_eq!(r.path(), path, "{r:?}");
        }
        assert_eq!(
            WikiNodeList {
                space_id: "a/b".into()
            }
            .path(),
            "/open-apis/wiki/v2/spaces/a%2Fb/nodes"
        );
    }
}
