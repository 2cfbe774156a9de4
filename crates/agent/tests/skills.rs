//! Skills and workspace files in the system prompt the model receives: skills from
//! `<state>/skills/`, `agent.skills.dirs` and `<workspace>/skills/` listed with their
//! descriptions and paths but not their bodies, one read with `read`; a user's skill replacing
//! our shipped one; a group's `skills` narrowing the list; the workspace files included.

mod common;

use std::path::Path;

use common::ext::*;
use common::*;
use openclaw_agent::skills::lark::{ActionDoc, NAME, skill};
use openclaw_agent::{Agent, ExtensionsOptions, collect};
use serde_json::json;

fn write_skill(dir: &Path, name: &str, description: &str, body: &str) {
    let d = dir.join(name);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(
        d.join("SKILL.md"),
        format!("---\nname: {name}\ndescription: {description}\nmetadata: {{ \"openclaw\": {{}} }}\n---\n\n{body}\n"),
    )
    .unwrap();
}

fn shipped() -> openclaw_agent::skills::ShippedSkill {
    skill(&[ActionDoc {
        name: "send".into(),
        description: "Send a message.".into(),
        takes_to: true,
        example: r#"{"to":"chat:oc_1","text":"hi"}"#.into(),
        input_schema: json!({"type":"object","properties":{"to":{"type":"string","description":"chat:oc_xxx"}},"required":["to"]}),
    }])
}

#[tokio::test]
async fn skills_are_listed_not_included_and_read_on_demand() {
    let state = tempfile::tempdir().unwrap();
    let extra = tempfile::tempdir().unwrap();
    write_skill(
        &state.path().join("skills"),
        "notes",
        "Take meeting notes",
        "Step 1: list the attendees.",
    );
    write_skill(
        extra.path(),
        "release",
        "Write release notes",
        "Start with the version number.",
    );
    let cfg = agent_config(
        &format!("{{ skills: {{ dirs: [{:?}] }} }}", extra.path()),
        state.path(),
    );
    let ext = extensions(
        &cfg,
        state.path(),
        ExtensionsOptions {
            shipped: vec![shipped()],
            ..ExtensionsOptions::default()
        },
    );
    let workspace = ext.workspace_dir().to_owned();
    assert_eq!(workspace, state.path().join("workspace"));
    std::fs::write(workspace.join("SOUL.md"), "You are calm and exact.").unwrap();
    std::fs::write(workspace.join("USER.md"), "The user is Ada.").unwrap();

    let notes = state
        .path()
        .join("skills/notes/SKILL.md")
        .canonicalize()
        .unwrap();
    let server = Server::start(vec![
        Reply::sse(tool_round(
            "toolu_1",
            "read",
            &json!({"path": notes}).to_string(),
        )),
        Reply::sse(a_answer(&["Noted."])),
    ])
    .await;
    let agent = agent(&server, ext.clone());
    let answer = collect(agent.run(turn("lark:default:dm:ou_user", "om_1", "take notes")))
        .await
        .unwrap();
    assert_eq!(answer, "Noted.");
    let reqs = server.requests();
    let system = system_text(&reqs[0].body);
    for want in [
        "<name>notes</name>\n<description>Take meeting notes</description>",
        "<name>release</name>\n<description>Write release notes</description>",
        &format!(
            "<location>{}</location>",
            state.path().join("skills/notes/SKILL.md").display()
        ),
        &format!(
            "<location>{}</location>",
            extra.path().join("release/SKILL.md").display()
        ),
        &format!("<name>{NAME}</name>"),
        "### SOUL.md\n\nYou are calm and exact.",
        "### USER.md\n\nThe user is Ada.",
    ] {
        assert!(system.contains(want), "missing {want:?} in:\n{system}");
    }
    assert!(
        !system.contains("Step 1: list the attendees")
            && !system.contains("Start with the version")
    );
    let (text, is_error) = tool_result(&reqs[1].body);
    assert!(!is_error, "{text}");
    assert!(text.contains("Step 1: list the attendees."), "{text}");

    // Our shipped skill is a file `read` can open, written from the registry.
    let ours = state
        .path()
        .join("bundled-skills")
        .join(NAME)
        .join("SKILL.md");
    assert!(
        std::fs::read_to_string(&ours)
            .unwrap()
            .contains("### send (uses `to`)")
    );

    // A user's skill of the same name replaces ours; a group's `skills` narrows the list.
    write_skill(
        &workspace.join("skills"),
        NAME,
        "Our team's own Lark rules",
        "Use cards.",
    );
    server.push(Reply::sse(a_answer(&["ok"])));
    let mut group = turn("lark:default:group:oc_1", "om_2", "hi");
    group.skills = Some(vec!["release".into(), NAME.into()]);
    collect(agent.run(group)).await.unwrap();
    let system = system_text(&server.requests()[2].body);
    assert!(
        system.contains("<description>Our team's own Lark rules</description>"),
        "{system}"
    );
    assert!(
        system.contains(
            &workspace
                .join("skills")
                .join(NAME)
                .join("SKILL.md")
                .display()
                .to_string()
        )
    );
    assert!(system.contains("<name>release</name>") && !system.contains("<name>notes</name>"));

    // Without `read` a turn is not offered skills it could not open.
    server.push(Reply::sse(a_answer(&["ok"])));
    let mut no_read = turn("lark:default:group:oc_2", "om_3", "hi");
    no_read.tools.deny = vec!["read".into()];
    collect(agent.run(no_read)).await.unwrap();
    assert!(!system_text(&server.requests()[3].body).contains("<available_skills>"));

    let status = ext.status();
    assert_eq!(status.skills, [NAME, "notes", "release"]);
    let files: Vec<&str> = status
        .workspace
        .files
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(files, ["SOUL.md", "USER.md"]);
    assert_eq!(
        status.workspace.total_chars,
        "You are calm and exact.".len() + "The user is Ada.".len()
    );
    let json = serde_json::to_value(&status).unwrap();
    assert_eq!(json["workspace"]["maxTotalChars"], 50_000);
}
