//! The paths of the wiki (`wiki/v2`), document comments (`drive/v1/files/.../comments`) and drive
//! folders (`drive/v1/files`, `metas`), calendars (`calendar/v4`) and tasks (`task/v2`),
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
    /// `GET /drive/v1/files?folder_token=`
    DriveFileList,
    DriveFolderCreate,
    DriveFileMove {
        file_token: String,
    },
    DriveFileCopy {
        file_token: String,
    },
    DriveFileDelete {
        file_token: String,
    },
    DriveMetaBatch,
    CalendarPrimary,
    CalendarEventList {
        calendar_id: String,
    },
    CalendarEventCreate {
        calendar_id: String,
    },
    CalendarEventPatch {
        calendar_id: String,
        event_id: String,
    },
    CalendarEventDelete {
        calendar_id: String,
        event_id: String,
    },
    CalendarAttendeeList {
        calendar_id: String,
        event_id: String,
    },
    CalendarAttendeeCreate {
        calendar_id: String,
        event_id: String,
    },
    FreebusyBatch,
    TaskCreate,
    TaskList,
    TaskPatch {
        task_guid: String,
    },
    TaskCommentCreate,
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
            | CommentReplyList { .. }
            | DriveFileList
            | CalendarEventList { .. }
            | CalendarAttendeeList { .. }
            | TaskList => Method::GET,
            WikiNodeCreate { .. }
            | WikiNodeMove { .. }
            | CommentCreate { .. }
            | CommentReplyCreate { .. }
            | DriveFolderCreate
            | DriveFileMove { .. }
            | DriveFileCopy { .. }
            | DriveMetaBatch
            | CalendarPrimary
            | CalendarEventCreate { .. }
            | CalendarAttendeeCreate { .. }
            | FreebusyBatch
            | TaskCreate
            | TaskCommentCreate => Method::POST,
            CommentPatch { .. } | CalendarEventPatch { .. } | TaskPatch { .. } => Method::PATCH,
            DriveFileDelete { .. } | CalendarEventDelete { .. } => Method::DELETE,
        }
    }

    pub fn path(&self) -> String {
        use WorkspaceRoute::*;
        let file = |f: &str| format!("/open-apis/drive/v1/files/{}", seg(f));
        let events = |c: &str| format!("/open-apis/calendar/v4/calendars/{}/events", seg(c));
        let comments = |f: &str| format!("{}/comments", file(f));
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
            DriveFileList => "/open-apis/drive/v1/files".into(),
            DriveFolderCreate => "/open-apis/drive/v1/files/create_folder".into(),
            DriveFileMove { file_token } => format!("{}/move", file(file_token)),
            DriveFileCopy { file_token } => format!("{}/copy", file(file_token)),
            DriveFileDelete { file_token } => file(file_token),
            DriveMetaBatch => "/open-apis/drive/v1/metas/batch_query".into(),
            CalendarPrimary => "/open-apis/calendar/v4/calendars/primary".into(),
            CalendarEventList { calendar_id } | CalendarEventCreate { calendar_id } => {
                events(calendar_id)
            }
            CalendarEventPatch {
                calendar_id,
                event_id,
            }
            | CalendarEventDelete {
                calendar_id,
                event_id,
            } => format!("{}/{}", events(calendar_id), seg(event_id)),
            CalendarAttendeeList {
                calendar_id,
                event_id,
            }
            | CalendarAttendeeCreate {
                calendar_id,
                event_id,
            } => format!("{}/{}/attendees", events(calendar_id), seg(event_id)),
            FreebusyBatch => "/open-apis/calendar/v4/freebusy/batch".into(),
            TaskCreate | TaskList => "/open-apis/task/v2/tasks".into(),
            TaskPatch { task_guid } => format!("/open-apis/task/v2/tasks/{}", seg(task_guid)),
            TaskCommentCreate => "/open-apis/task/v2/comments".into(),
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
            (DriveFileList, "GET", "/open-apis/drive/v1/files"),
            (
                DriveFolderCreate,
                "POST",
                "/open-apis/drive/v1/files/create_folder",
            ),
            (
                DriveFileMove { file_token: f() },
                "POST",
                "/open-apis/drive/v1/files/FILE/move",
            ),
            (
                DriveFileCopy { file_token: f() },
                "POST",
                "/open-apis/drive/v1/files/FILE/copy",
            ),
            (
                DriveFileDelete { file_token: f() },
                "DELETE",
                "/open-apis/drive/v1/files/FILE",
            ),
            (
                DriveMetaBatch,
                "POST",
                "/open-apis/drive/v1/metas/batch_query",
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
