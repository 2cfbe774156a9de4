"""Drives lark-sim's calendar and task APIs with the unmodified official Python SDK (lark-oapi):
the primary calendar, an event with attendees, listing, a move, free/busy, cancelling; a task
created, listed, completed and commented.

Usage: calendar_tasks_sdk.py <base_url> <app_id> <app_secret>
Prints one JSON object with what it got; exits non-zero on any failure.
"""
import json
import sys

import lark_oapi as lark
import lark_oapi.api.calendar.v4 as cal
import lark_oapi.api.task.v2 as task

T0 = 1796436000  # 2026-12-05T02:00:00Z


def need(resp, what):
    if not resp.success():
        raise SystemExit(f"{what} failed: code={resp.code} msg={resp.msg}")
    return getattr(resp, "data", None)


def at(seconds):
    return cal.TimeInfo.builder().timestamp(str(seconds)).timezone("Asia/Shanghai").build()


def main():
    base, app_id, secret = sys.argv[1:4]
    client = lark.Client.builder().app_id(app_id).app_secret(secret).domain(base).build()
    c = client.calendar.v4
    primary = need(c.calendar.primary(cal.PrimaryCalendarRequest.builder().user_id_type("open_id").build()),
                   "primary").calendars[0].calendar.calendar_id
    ev = need(c.calendar_event.create(cal.CreateCalendarEventRequest.builder().calendar_id(primary).request_body(
        cal.CalendarEvent.builder().summary("SDK sync").description("from the SDK")
        .start_time(at(T0)).end_time(at(T0 + 3600)).build()).build()), "event.create").event
    need(c.calendar_event_attendee.create(cal.CreateCalendarEventAttendeeRequest.builder().calendar_id(primary)
        .event_id(ev.event_id).user_id_type("open_id").request_body(
            cal.CreateCalendarEventAttendeeRequestBody.builder().attendees([
                cal.CalendarEventAttendee.builder().type("user").user_id("ou_ada").build(),
                cal.CalendarEventAttendee.builder().type("user").user_id("ou_bob").build(),
            ]).build()).build()), "attendee.create")
    listed = need(c.calendar_event.list(cal.ListCalendarEventRequest.builder().calendar_id(primary)
        .start_time(str(T0 - 3600)).end_time(str(T0 + 7200)).build()), "event.list")
    people = need(c.calendar_event_attendee.list(cal.ListCalendarEventAttendeeRequest.builder()
        .calendar_id(primary).event_id(ev.event_id).user_id_type("open_id").build()), "attendee.list")
    moved = need(c.calendar_event.patch(cal.PatchCalendarEventRequest.builder().calendar_id(primary)
        .event_id(ev.event_id).request_body(cal.CalendarEvent.builder().start_time(at(T0 + 1800))
        .end_time(at(T0 + 5400)).build()).build()), "event.patch").event
    fb = need(c.freebusy.batch(cal.BatchFreebusyRequest.builder().user_id_type("open_id").request_body(
        cal.BatchFreebusyRequestBody.builder().time_min("2026-12-05T00:00:00Z").time_max("2026-12-06T00:00:00Z")
        .user_ids(["ou_ada", "ou_carol"]).build()).build()), "freebusy.batch")
    out = {
        "calendar_id": primary, "event_id": ev.event_id,
        "listed": [e.summary for e in listed.items], "attendees": sorted(a.user_id for a in people.items),
        "moved_start": moved.start_time.timestamp,
        "busy": {u.user_id: [[i.start_time, i.end_time] for i in (u.freebusy_items or [])] for u in fb.freebusy_lists},
    }
    need(c.calendar_event.delete(cal.DeleteCalendarEventRequest.builder().calendar_id(primary)
        .event_id(ev.event_id).build()), "event.delete")

    t = client.task.v2
    made = need(t.task.create(task.CreateTaskRequest.builder().user_id_type("open_id").request_body(
        task.InputTask.builder().summary("SDK task").due(task.Due.builder().timestamp(T0 * 1000).is_all_day(False).build())
        .members([task.Member.builder().id("ou_ada").type("user").role("assignee").build()]).build()).build()),
        "task.create").task
    need(t.task.patch(task.PatchTaskRequest.builder().task_guid(made.guid).user_id_type("open_id").request_body(
        task.PatchTaskRequestBody.builder().task(task.InputTask.builder().completed_at(T0 * 1000).build())
        .update_fields(["completed_at"]).build()).build()), "task.patch")
    done = need(t.task.list(task.ListTaskRequest.builder().completed(True).build()), "task.list")
    comment = need(t.comment.create(task.CreateCommentRequest.builder().request_body(
        task.InputComment.builder().content("SDK comment").resource_type("task").resource_id(made.guid).build())
        .build()), "comment.create").comment
    got = need(t.task.get(task.GetTaskRequest.builder().task_guid(made.guid).build()), "task.get").task
    out.update(task_guid=made.guid, task_due=made.due.timestamp, done=[x.summary for x in done.items],
               completed_at=got.completed_at, comment_id=comment.id,
               assignees=[m.id for m in made.members if m.role == "assignee"])
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
