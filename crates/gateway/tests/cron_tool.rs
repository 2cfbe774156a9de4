//! The agent's `cron` tool from a DM, with a scripted model: "remind me in 2 seconds" becomes a
//! one-shot job whose reminder arrives in that DM once, and the tool's answer states the time in
//! the job's zone; a group's jobs are that group's alone.

mod common;
mod model;

use common::*;
use lark_sim::ChatMode;
use model::{answer, named_tool_call};
use openclaw_gateway::store::RunOutcome;
use serde_json::json;

use common::llm::write_key;

/// Waits (bounded) until the job's latest firing has ended, and returns its outcome.
async fn settled(h: &Harness, id: &openclaw_gateway::store::JobId) -> RunOutcome {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let runs = h.gateway().ctx.store.job_runs(id, 10).await.unwrap();
        match runs.first().map(|r| r.outcome) {
            Some(o) if o != RunOutcome::Running => return o,
            _ => {}
        }
        assert!(tokio::time::Instant::now() < deadline, "{runs:?}");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_set_from_a_dm_arrives_in_that_dm_once() {
    let model = model::Model::start(|body, n| match n {
        0 => named_tool_call(
            "cron",
            &json!({"action": "add", "at": "in 2s", "tz": "Europe/London", "message": "Time to call Ada"}),
        ),
        1 => {
            // The tool's result, as the model reads it: the job and the time in its zone.
            let said = body["messages"].to_string();
            if said.contains("Europe/London") && said.contains("in 2s") {
                answer(&["I'll remind you in 2 seconds."])
            } else {
                answer(&["the tool said something else"])
            }
        }
        _ => answer(&["?"]),
    })
    .await;
    let h = start(r#"dmPolicy: "open", streaming: false"#, &model.agent()).await;
    write_key(&h);
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);

    let m = h.say(
        "oc_dm",
        "ou_ada",
        "remind me in 2 seconds to call Ada",
        false,
    );
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    assert_eq!(text_of(&r[0]), "I'll remind you in 2 seconds.");
    let reminders = || {
        h.messages("oc_dm")
            .into_iter()
            .filter(|x| x["sender"]["sender_type"] == "app" && text_of(x) == "Time to call Ada")
            .count()
    };
    wait_until("the reminder in the DM", || reminders() >= 1).await;
    let store = &h.gateway().ctx.store;
    let jobs = store.jobs().await.unwrap();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    let job = &jobs[0];
    assert_eq!(job.target, "chat:oc_dm");
    assert!(!job.enabled, "a one-shot is off once it fired: {job:?}");
    assert_eq!(settled(&h, &job.id).await, RunOutcome::Sent);
    assert_eq!(store.job_runs(&job.id, 10).await.unwrap().len(), 1);
    assert_eq!(reminders(), 1);
    // Counted right after its record.
    wait_until("the firing counted as sent", || {
        h.gateway().ctx.metrics.get(
            "openclaw_cron_firings_total",
            &[("account", "default"), ("outcome", "sent")],
        ) == 1
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_groups_jobs_are_that_groups_alone_and_a_bad_call_says_how_to_fix_it() {
    let model = model::Model::start(|body, n| {
        let text = body["messages"].to_string();
        match n {
            0 => named_tool_call(
                "cron",
                &json!({"action": "add", "every": "1h", "message": "hourly"}),
            ),
            1 => answer(&["added"]),
            // The other group lists: nothing of the first group's.
            2 => named_tool_call("cron", &json!({"action": "list"})),
            3 if text.contains("\\\"jobs\\\":[]") => answer(&["none here"]),
            3 => answer(&["saw another group's job"]),
            4 => named_tool_call("cron", &json!({"action": "bogus"})),
            5 if text.contains("use add, list or remove") => answer(&["fixed"]),
            _ => answer(&["?"]),
        }
    })
    .await;
    let h = start(
        r#"groupPolicy: "open", requireMention: false, streaming: false"#,
        &model.agent(),
    )
    .await;
    write_key(&h);
    h.seed("oc_g1", ChatMode::Group, &[("ou_ada", "Ada")]);
    h.seed("oc_g2", ChatMode::Group, &[("ou_ada", "Ada")]);
    let m = h.say("oc_g1", "ou_ada", "post hourly here", false);
    assert_eq!(
        text_of(&h.wait_replies("oc_g1", &m.message_id, 1).await[0]),
        "added"
    );
    let m = h.say("oc_g2", "ou_ada", "what jobs are there?", false);
    assert_eq!(
        text_of(&h.wait_replies("oc_g2", &m.message_id, 1).await[0]),
        "none here"
    );
    let m = h.say("oc_g2", "ou_ada", "do something odd", false);
    assert_eq!(
        text_of(&h.wait_replies("oc_g2", &m.message_id, 1).await[0]),
        "fixed"
    );
    let jobs = h.gateway().ctx.store.jobs().await.unwrap();
    assert_eq!(jobs[0].scope_chat.as_deref(), Some("oc_g1"));
}

/// A `command` agent's JSON line asks for a send to another chat: the line is not part of the
/// answer, and the other chat gets the message once, through the scheduler's outbox.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_agents_send_instruction_posts_to_another_chat_once() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("agent.sh");
    std::fs::write(
        &script,
        "cat >/dev/null\nprintf '%s\\n' 'Done here.' '{\"openclaw\":\"send\",\"to\":\"chat:oc_ops\",\"message\":\"Deploy finished\"}'\n",
    )
    .unwrap();
    let agent = format!(
        r#"{{ provider: "command", command: ["sh", "{}"], timeoutSeconds: 20 }}"#,
        script.display()
    );
    let h = start(r#"dmPolicy: "open""#, &agent).await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    h.seed("oc_ops", ChatMode::Group, &[("ou_ada", "Ada")]);
    let m = h.say("oc_dm", "ou_ada", "deploy and tell ops", false);
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    assert_eq!(text_of(&r[0]), "Done here.");
    let posted = || {
        h.messages("oc_ops")
            .into_iter()
            .filter(|x| x["sender"]["sender_type"] == "app")
            .map(|x| text_of(&x))
            .collect::<Vec<_>>()
    };
    wait_until("the send in oc_ops", || !posted().is_empty()).await;
    let store = &h.gateway().ctx.store;
    let jobs = store.jobs().await.unwrap();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!(settled(&h, &jobs[0].id).await, RunOutcome::Sent);
    assert_eq!(posted(), ["Deploy finished"]);
}
