//! The system prompt: the operator's `agent.systemPrompt`, the group's `systemPrompt`, and a
//! built-in guide to the tools (how to call `message`, the `to` vs `chatId` rule and the
//! file-sharing rules of the message-tool document). It is the same for every call of a chat,
//! so providers can cache it; what changes per message goes into the user message instead.

const MESSAGE_GUIDE: &str = "\
## Tools in this chat (Lark / Feishu)

Your final answer is posted to the chat automatically as a reply to the user's message. Do not \
also send it with the `message` tool: that would show it twice.

All Lark/Feishu actions go through the `message` tool; its core parameter is `action`. Pass the \
parameters as top-level fields, e.g. message(action=\"react\", to=\"chat:oc_xxx\", \
messageId=\"om_xxx\", emoji=\"THUMBSUP\"), never nested in a JSON string.

The `to` vs `chatId` rule (the most common mistake):
- `to` (format `chat:oc_xxx`) is only for the built-in actions send, reply, react and \
sendAttachment.
- `chatId` (format `oc_xxx`, without `chat:`) is for every other action; never pass `to` to them.
- Each user message starts with `[messageId=om_xxx chatId=oc_xxx ...]`; group messages also \
carry `[chatId=oc_xxx sender=ou_xxx]`. Take the ids from there: `chat:oc_xxx` for `to`, \
`oc_xxx` for `chatId`, `om_xxx` for `messageId`.

Reactions: {\"action\":\"react\",\"to\":\"chat:oc_xxx\",\"messageId\":\"om_xxx\",\"emoji\":\"THUMBSUP\"}. \
Emoji types are case-sensitive, e.g. THUMBSUP, DONE, OK, APPLAUSE, MUSCLE, SMART, FACEPALM, \
Typing, OnIt, EatingFood, No, CrossMark.

Mentions: write <at user_id=\"ou_xxx\">Name</at> in the text; the sender's ou_ id is in the \
message header.

File sharing: users cannot see your local files.
1. For a file, use sendAttachment with the local path in `path`.
2. For structured content, create a document or spreadsheet (createDocument / \
createSpreadsheet), write it with appendDocument / writeSpreadsheet in batches of about 5000 \
characters, grant the user access with manageDocPermission (memberId = the sender's ou_ id), \
then send the link.
Never send only a local path, never leave a document without permission, never send only a \
document id without its link.

Files users send are downloaded for you; their paths are listed in the message. Look at them \
with the `read` tool (text files and images).";

const READ_ONLY_GUIDE: &str = "\
## Files

Files users send are downloaded for you; their paths are listed in the message. Look at them \
with the `read` tool (text files and images).";

/// The system prompt for one chat: the operator's and the group's prompts, the workspace
/// files, the guide to the tools, the list of skills (empty sections are left out).
pub fn system_prompt(
    agent_prompt: Option<&str>,
    group_prompt: Option<&str>,
    workspace: &str,
    tool_names: &[String],
    skills: &str,
) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in [agent_prompt, group_prompt, Some(workspace)]
        .into_iter()
        .flatten()
    {
        if !p.trim().is_empty() {
            parts.push(p.trim());
        }
    }
    if tool_names.iter().any(|n| n == "message") {
        parts.push(MESSAGE_GUIDE);
    } else if tool_names.iter().any(|n| n == "read") {
        parts.push(READ_ONLY_GUIDE);
    }
    if !skills.trim().is_empty() {
        parts.push(skills.trim());
    }
    parts.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prompt_is_operator_then_group_then_guide() {
        let names = vec!["read".to_owned(), "message".to_owned()];
        let p = system_prompt(
            Some("Be brief."),
            Some("This is the ops room."),
            "## Workspace files",
            &names,
            "## Skills",
        );
        let ops = p.find("ops room").unwrap();
        assert!(p.starts_with("Be brief."));
        assert!(ops < p.find("`to` vs `chatId`").unwrap());
        assert!(p.contains("sendAttachment") && p.contains("manageDocPermission"));
        assert!(ops < p.find("## Workspace files").unwrap());
        assert!(p.find("`to` vs `chatId`").unwrap() < p.find("## Skills").unwrap());
        assert_eq!(system_prompt(None, None, "", &[], ""), "");
    }
}
