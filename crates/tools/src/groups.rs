//! The action groups and their on/off switches: each action belongs to one group (`im`, `doc`,
//! `comment`, `wiki`, `sheet`, `bitable`, `drive`, `perm`, `calendar`, `task`, `chat`,
//! `reaction`), and a group switched off refuses its
//! actions at every door, saying which switch turns it back on (`tools.<group>` in the config).

use std::collections::BTreeSet;

/// Every group, in the order of the document.
pub const GROUPS: [&str; 12] = [
    "im", "doc", "comment", "wiki", "sheet", "bitable", "drive", "perm", "calendar", "task",
    "chat", "reaction",
];

/// The group of an action (by its name).
pub fn group_of(action: &str) -> &'static str {
    match action {
        "createDocument"
        | "appendDocument"
        | "readDocument"
        | "editDocument"
        | "deleteDocumentBlocks" => "doc",
        "listDocComments" | "addDocComment" | "replyDocComment" | "resolveDocComment" => "comment",
        a if a.contains("Wiki") => "wiki",
        a if a.contains("Spreadsheet") => "sheet",
        a if a.contains("Bitable") => "bitable",
        "searchDrive" | "uploadFile" | "listDriveFiles" | "getFileMeta" | "createFolder"
        | "moveFile" | "copyFile" | "deleteFile" | "downloadFile" => "drive",
        "manageDocPermission" => "perm",
        "getChatInfo" | "getChatMembers" => "chat",
        "react" | "listReactions" => "reaction",
        "getFreeBusy" => "calendar",
        a if a.contains("CalendarEvent") => "calendar",
        a if a.contains("Task") => "task",
        _ => "im",
    }
}

/// Which groups are off; all are on by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolGroups {
    off: BTreeSet<&'static str>,
}

impl ToolGroups {
    pub fn enabled(&self, group: &str) -> bool {
        !self.off.contains(group)
    }

    /// Switches `group` on or off; an unknown group name is refused with the known ones.
    pub fn set(&mut self, group: &str, on: bool) -> Result<(), String> {
        let Some(g) = GROUPS.iter().find(|g| **g == group) else {
            return Err(format!(
                "unknown tool group {group:?}: the groups are {}",
                GROUPS.join(", ")
            ));
        };
        if on {
            self.off.remove(g);
        } else {
            self.off.insert(g);
        }
        Ok(())
    }

    /// An account's `tools.<group>` switches and its `actions.reactions` (the `reaction`
    /// group); names the message tool lacks (OpenClaw's `scopes`) are left out.
    pub fn from_switches(
        tools: &std::collections::BTreeMap<String, bool>,
        reactions: Option<bool>,
    ) -> ToolGroups {
        let mut groups = ToolGroups::default();
        for (name, on) in tools {
            let _ = groups.set(name, *on);
        }
        if let Some(on) = reactions {
            let _ = groups.set("reaction", on);
        }
        groups
    }

    /// Whether the action `name` may run.
    pub fn allows(&self, name: &str) -> bool {
        self.enabled(group_of(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_known_group_and_switches_work() {
        for a in crate::registry::actions() {
            assert!(GROUPS.contains(&group_of(a.name)), "{}", a.name);
        }
        assert_eq!(group_of("getWikiNode"), "wiki");
        assert_eq!(group_of("createBitableRecord"), "bitable");
        assert_eq!(group_of("listPins"), "im");
        assert_eq!(group_of("getChatInfo"), "chat");
        assert_eq!(group_of("react"), "reaction");
        assert_eq!(group_of("getFreeBusy"), "calendar");
        assert_eq!(group_of("addTaskComment"), "task");
        let mut g = ToolGroups::default();
        assert!(g.allows("editDocument"));
        g.set("doc", false).unwrap();
        assert!(!g.allows("editDocument") && g.allows("send"));
        assert!(
            g.set("calendar2", false)
                .unwrap_err()
                .contains("the groups are im, doc")
        );
    }
}
