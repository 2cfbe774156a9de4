//! Calendar and tasks, judged by lark-sim's state: an event with two attendees shows in their
//! free/busy and in the listing (wall-clock and RFC 3339 times alike), is moved and cancelled;
//! a task is created with a due time and an assignee, listed, completed, commented; bad input
//! (an end before its start, a wall-clock time without a zone, an unknown zone) says how to fix
//! the call.

mod common;

use common::*;
use serde_json::{Value, json};

async fn ok(env: &Env, call: Value) -> Value {
    env.call(call.clone())
        .await
        .unwrap_or_else(|e| panic!("{call} failed: {e}"))
}

#[tokio::test]
async fn an_event_with_two_attendees_shows_in_their_free_busy() {
    let env = env().await;
    let made = ok(
        &env,
        json!({"action": "createCalendarEvent", "summary": "Design review", "start": "2026-12-05 10:00",
               "end": "2026-12-05 11:30", "timeZone": "Asia/Shanghai", "attendees": ["ou_ada", "ou_bob"],
               "description": "bring the numbers"}),
    )
    .await;
    let event_id = made["eventId"].as_str().unwrap().to_owned();
    assert!(made["calendarId"].as_str().unwrap().contains("calendar"));
    let view = env.workspace(|w| w.calendar_view());
    assert_eq!(view.len(), 1);
    assert_eq!(view[0]["attendees"], json!(["ou_ada", "ou_bob"]));
    // 10:00 in Shanghai is 02:00 UTC.
    assert_eq!(view[0]["start_time"]["timestamp"], "1796436000");
    assert_eq!(view[0]["start_time"]["timezone"], "Asia/Shanghai");

    let fb = ok(
        &env,
        json!({"action": "getFreeBusy", "userIds": ["ou_ada", "ou_bob", "ou_carol"],
               "start": "2026-12-05T00:00:00Z", "end": "2026-12-06T00:00:00Z"}),
    )
    .await;
    let span = json!([{"start": "2026-12-05T02:00:00Z", "end": "2026-12-05T03:30:00Z"}]);
    assert_eq!(fb["busy"]["ou_ada"], span);
    assert_eq!(fb["busy"]["ou_bob"], span);
    assert_eq!(fb["busy"]["ou_carol"], json!([]));

    let listed = ok(
        &env,
        json!({"action": "listCalendarEvents", "start": "2026-12-05", "end": "2026-12-06", "timeZone": "Asia/Shanghai"}),
    )
    .await;
    assert_eq!(
        listed["events"],
        json!([{"eventId": event_id, "summary": "Design review", "start": "2026-12-05T10:00:00+08:00",
                "end": "2026-12-05T11:30:00+08:00", "attendees": ["ou_ada", "ou_bob"]}])
    );

    // Moved to the afternoon, a third attendee invited; then cancelled.
    ok(
        &env,
        json!({"action": "updateCalendarEvent", "eventId": event_id, "start": "2026-12-05T14:00:00+08:00",
               "end": "2026-12-05T15:00:00+08:00", "attendees": ["ou_carol"]}),
    )
    .await;
    let fb = ok(
        &env,
        json!({"action": "getFreeBusy", "userIds": ["ou_carol"], "start": "2026-12-05 00:00",
               "end": "2026-12-06 00:00", "timeZone": "Asia/Shanghai"}),
    )
    .await;
    assert_eq!(
        fb["busy"]["ou_carol"],
        json!([{"start": "2026-12-05T14:00:00+08:00", "end": "2026-12-05T15:00:00+08:00"}])
    );
    ok(
        &env,
        json!({"action": "deleteCalendarEvent", "eventId": event_id}),
    )
    .await;
    assert!(env.workspace(|w| w.calendar_view()).is_empty());
    let listed = ok(&env, json!({"action": "listCalendarEvents", "start": "2026-12-05T00:00:00Z", "end": "2026-12-06T00:00:00Z"})).await;
    assert_eq!(listed["events"], json!([]));
}

#[tokio::test]
async fn bad_times_say_how_to_fix_the_call_and_make_nothing() {
    let env = env().await;
    let err = env
        .call(json!({"action": "createCalendarEvent", "summary": "x", "start": "2026-12-05 11:00", "end": "2026-12-05 10:00", "timeZone": "Asia/Shanghai"}))
        .await
        .unwrap_err();
    assert!(
        err.contains("parameter `end`")
            && err.contains("must come after the start")
            && err.contains("A correct call"),
        "{err}"
    );
    let err = env
        .call(json!({"action": "createCalendarEvent", "summary": "x", "start": "2026-12-05 10:00", "end": "2026-12-05 11:00"}))
        .await
        .unwrap_err();
    assert!(
        err.contains("parameter `timeZone`: is required") && err.contains("+08:00"),
        "{err}"
    );
    let err = env
        .call(json!({"action": "getFreeBusy", "userIds": ["ou_ada"], "start": "2026-12-05 10:00", "end": "2026-12-05 11:00", "timeZone": "Moon/Base"}))
        .await
        .unwrap_err();
    assert!(err.contains("IANA"), "{err}");
    let err = env
        .call(json!({"action": "createCalendarEvent", "summary": "x", "start": "tomorrow", "end": "2026-12-05T11:00:00Z"}))
        .await
        .unwrap_err();
    assert!(err.contains("\"tomorrow\" is not a time"), "{err}");
    let err = env
        .call(json!({"action": "createCalendarEvent", "summary": "x", "start": "2026-12-05T10:00:00Z", "end": "2026-12-05T11:00:00Z", "attendees": ["Ada"]}))
        .await
        .unwrap_err();
    assert!(err.contains("not an open id"), "{err}");
    assert!(
        env.workspace(|w| w.calendar_view()).is_empty(),
        "no event was made"
    );
}

#[tokio::test]
async fn a_task_is_created_listed_completed_and_commented() {
    let env = env().await;
    let t = ok(
        &env,
        json!({"action": "createTask", "summary": "Send the report", "due": "2026-12-05 18:00",
               "timeZone": "Asia/Shanghai", "assignees": ["ou_ada"]}),
    )
    .await;
    let id = t["taskId"].as_str().unwrap().to_owned();
    assert!(t["url"].as_str().unwrap().contains(&id));
    ok(&env, json!({"action": "createTask", "summary": "Book the room", "due": "2026-12-06", "timeZone": "Europe/Paris"})).await;
    let tasks = env.workspace(|w| w.task_view());
    assert_eq!(tasks.len(), 2);
    assert_eq!(tasks[0]["due"]["timestamp"], "1796464800000");
    assert_eq!(tasks[1]["due"]["is_all_day"], true);

    let open = ok(
        &env,
        json!({"action": "listTasks", "completed": false, "timeZone": "Asia/Shanghai"}),
    )
    .await;
    assert_eq!(
        open["tasks"][0],
        json!({"taskId": id, "summary": "Send the report", "completed": false,
               "due": "2026-12-05T18:00:00+08:00", "assignees": ["ou_ada"]})
    );
    let done = ok(
        &env,
        json!({"action": "updateTask", "taskId": id, "completed": true, "summary": "Report sent"}),
    )
    .await;
    assert_eq!(
        (done["completed"].as_bool(), done["summary"].as_str()),
        (Some(true), Some("Report sent"))
    );
    let finished = ok(&env, json!({"action": "listTasks", "completed": true})).await;
    assert_eq!(finished["tasks"].as_array().unwrap().len(), 1);
    assert_eq!(finished["tasks"][0]["taskId"], id.as_str());
    let c = ok(
        &env,
        json!({"action": "addTaskComment", "taskId": id, "content": "attached to the doc"}),
    )
    .await;
    assert!(!c["commentId"].as_str().unwrap().is_empty());
    assert_eq!(
        env.workspace(|w| w.task_view())[0]["comments"],
        json!(["attached to the doc"])
    );
    ok(
        &env,
        json!({"action": "updateTask", "taskId": id, "completed": false}),
    )
    .await;
    assert_eq!(env.workspace(|w| w.task_view())[0]["status"], "todo");

    let err = env
        .call(json!({"action": "updateTask", "taskId": id}))
        .await
        .unwrap_err();
    assert!(err.contains("nothing to change"), "{err}");
    let err = env
        .call(json!({"action": "createTask", "summary": "x", "due": "2026-12-05 18:00"}))
        .await
        .unwrap_err();
    assert!(err.contains("timeZone"), "{err}");
}
