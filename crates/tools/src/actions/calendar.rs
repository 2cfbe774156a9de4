//! The calendar: `listCalendarEvents`, `createCalendarEvent`, `updateCalendarEvent`,
//! `deleteCalendarEvent`, `getFreeBusy`. Events go in the bot's primary calendar unless the call
//! names another; times are RFC 3339 or wall-clock times in `timeZone` (see `times`).

use std::collections::BTreeMap;

use futures::TryStreamExt;
use lark::api::calendar::{EventFields, EventTime};
use serde::{Deserialize, Serialize};

use super::non_empty;
use crate::error::{ToolError, ToolResult};
use crate::registry::ActionDef;
use crate::times;
use crate::tools::Tools;
use crate::{handler, p};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListCalendarEventsArgs {
    pub start: String,
    pub end: String,
    #[serde(default)]
    pub calendar_id: Option<String>,
    #[serde(default, alias = "timezone")]
    pub time_zone: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct EventOut {
    pub event_id: String,
    pub summary: String,
    pub start: String,
    pub end: String,
    pub attendees: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CalendarEvents {
    pub ok: bool,
    pub events: Vec<EventOut>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCalendarEventArgs {
    #[serde(alias = "title")]
    pub summary: String,
    pub start: String,
    pub end: String,
    /// Open ids (`ou_…`) to invite.
    #[serde(default)]
    pub attendees: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub calendar_id: Option<String>,
    #[serde(default, alias = "timezone")]
    pub time_zone: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct EventSaved {
    pub ok: bool,
    pub event_id: String,
    pub calendar_id: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub url: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateCalendarEventArgs {
    pub event_id: String,
    #[serde(default, alias = "title")]
    pub summary: Option<String>,
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub end: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// More open ids to invite.
    #[serde(default)]
    pub attendees: Vec<String>,
    #[serde(default)]
    pub calendar_id: Option<String>,
    #[serde(default, alias = "timezone")]
    pub time_zone: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteCalendarEventArgs {
    pub event_id: String,
    #[serde(default)]
    pub calendar_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetFreeBusyArgs {
    pub user_ids: Vec<String>,
    pub start: String,
    pub end: String,
    #[serde(default, alias = "timezone")]
    pub time_zone: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Span {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FreeBusy {
    pub ok: bool,
    /// Busy spans per open id.
    pub busy: BTreeMap<String, Vec<Span>>,
}

fn open_ids(param: &str, ids: &[String]) -> ToolResult<Vec<String>> {
    ids.iter()
        .map(|i| {
            let t = i.trim();
            if t.starts_with("ou_") {
                Ok(t.to_owned())
            } else {
                Err(ToolError::param(
                    param,
                    format!("{t:?} is not an open id; give users as ou_xxx (the sender of a message, or getChatMembers)"),
                ))
            }
        })
        .collect()
}

fn event_time(t: jiff::Timestamp, tz: Option<&jiff::tz::TimeZone>) -> EventTime {
    let name = tz.and_then(|z| z.iana_name()).unwrap_or("UTC");
    EventTime::at(t.as_second(), name)
}

fn shown(t: &EventTime, tz: Option<&jiff::tz::TimeZone>) -> String {
    t.seconds()
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .map(|ts| times::show(ts, tz))
        .unwrap_or_default()
}

impl Tools {
    async fn calendar(&self, given: Option<&str>) -> ToolResult<String> {
        match given.map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => Ok(c.to_owned()),
            None => Ok(self.client.primary_calendar_id().await?),
        }
    }

    /// `listCalendarEvents`: the events between two times, with their attendees.
    pub async fn list_calendar_events(
        &self,
        args: ListCalendarEventsArgs,
    ) -> ToolResult<CalendarEvents> {
        let tz = times::zone(args.time_zone.as_deref())?;
        let (s, e) = times::window(("start", &args.start), ("end", &args.end), tz.as_ref())?;
        let cal = self.calendar(args.calendar_id.as_deref()).await?;
        let all: Vec<_> = self
            .client
            .list_events(&cal, (s.as_second(), e.as_second()))
            .try_collect()
            .await?;
        let mut events = Vec::new();
        for ev in all.into_iter().filter(|e| e.status != "cancelled") {
            let attendees = self
                .client
                .list_attendees(&cal, &ev.event_id)
                .await?
                .into_iter()
                .filter(|a| a.kind == "user")
                .map(|a| a.user_id)
                .collect();
            events.push(EventOut {
                start: shown(&ev.start_time, tz.as_ref()),
                end: shown(&ev.end_time, tz.as_ref()),
                event_id: ev.event_id,
                summary: ev.summary,
                attendees,
            });
        }
        Ok(CalendarEvents { ok: true, events })
    }

    /// `createCalendarEvent`: an event, with its attendees invited.
    pub async fn create_calendar_event(
        &self,
        args: CreateCalendarEventArgs,
    ) -> ToolResult<EventSaved> {
        let summary = non_empty("summary", &args.summary)?;
        let tz = times::zone(args.time_zone.as_deref())?;
        let (s, e) = times::window(("start", &args.start), ("end", &args.end), tz.as_ref())?;
        let attendees = open_ids("attendees", &args.attendees)?;
        let cal = self.calendar(args.calendar_id.as_deref()).await?;
        let fields = EventFields {
            summary: Some(summary.to_owned()),
            description: args.description.clone(),
            start_time: Some(event_time(s, tz.as_ref())),
            end_time: Some(event_time(e, tz.as_ref())),
        };
        let ev = self.client.create_event(&cal, &fields).await?;
        if !attendees.is_empty() {
            self.client
                .add_attendees(&cal, &ev.event_id, &attendees)
                .await?;
        }
        Ok(EventSaved {
            ok: true,
            event_id: ev.event_id,
            calendar_id: cal,
            url: ev.app_link,
        })
    }

    /// `updateCalendarEvent`: changes the fields given; invites more attendees.
    pub async fn update_calendar_event(
        &self,
        args: UpdateCalendarEventArgs,
    ) -> ToolResult<EventSaved> {
        let id = non_empty("eventId", &args.event_id)?;
        let tz = times::zone(args.time_zone.as_deref())?;
        let when = |param: &str, v: &Option<String>| -> ToolResult<Option<jiff::Timestamp>> {
            v.as_deref()
                .filter(|v| !v.trim().is_empty())
                .map(|v| times::parse(param, v, tz.as_ref()).map(|(t, _)| t))
                .transpose()
        };
        let (start, end) = (when("start", &args.start)?, when("end", &args.end)?);
        if let (Some(s), Some(e)) = (start, end)
            && e <= s
        {
            return Err(ToolError::param(
                "end",
                "is not after start; the end must come after the start",
            ));
        }
        let attendees = open_ids("attendees", &args.attendees)?;
        let fields = EventFields {
            summary: args.summary.clone().filter(|s| !s.trim().is_empty()),
            description: args.description.clone(),
            start_time: start.map(|t| event_time(t, tz.as_ref())),
            end_time: end.map(|t| event_time(t, tz.as_ref())),
        };
        let nothing = fields.summary.is_none()
            && fields.description.is_none()
            && fields.start_time.is_none()
            && fields.end_time.is_none();
        if nothing && attendees.is_empty() {
            return Err(ToolError::param(
                "summary",
                "nothing to change: give summary, start, end, description or attendees",
            ));
        }
        let cal = self.calendar(args.calendar_id.as_deref()).await?;
        let url = if nothing {
            String::new()
        } else {
            self.client.update_event(&cal, id, &fields).await?.app_link
        };
        if !attendees.is_empty() {
            self.client.add_attendees(&cal, id, &attendees).await?;
        }
        Ok(EventSaved {
            ok: true,
            event_id: id.to_owned(),
            calendar_id: cal,
            url,
        })
    }

    /// `deleteCalendarEvent`
    pub async fn delete_calendar_event(
        &self,
        args: DeleteCalendarEventArgs,
    ) -> ToolResult<EventSaved> {
        let id = non_empty("eventId", &args.event_id)?;
        let cal = self.calendar(args.calendar_id.as_deref()).await?;
        self.client.delete_event(&cal, id).await?;
        Ok(EventSaved {
            ok: true,
            event_id: id.to_owned(),
            calendar_id: cal,
            url: String::new(),
        })
    }

    /// `getFreeBusy`: each user's busy spans between two times.
    pub async fn get_free_busy(&self, args: GetFreeBusyArgs) -> ToolResult<FreeBusy> {
        if args.user_ids.is_empty() {
            return Err(ToolError::param(
                "userIds",
                "is empty; give the open ids (ou_xxx) to look up",
            ));
        }
        let users = open_ids("userIds", &args.user_ids)?;
        let tz = times::zone(args.time_zone.as_deref())?;
        let (s, e) = times::window(("start", &args.start), ("end", &args.end), tz.as_ref())?;
        let lists = self
            .client
            .free_busy(&users, &s.to_string(), &e.to_string())
            .await?;
        let mut busy: BTreeMap<String, Vec<Span>> =
            users.iter().map(|u| (u.clone(), Vec::new())).collect();
        let again = |v: &str| {
            v.parse::<jiff::Timestamp>()
                .map(|t| times::show(t, tz.as_ref()))
                .unwrap_or_else(|_| v.to_owned())
        };
        for l in lists {
            busy.insert(
                l.user_id,
                l.freebusy_items
                    .iter()
                    .map(|b| Span {
                        start: again(&b.start_time),
                        end: again(&b.end_time),
                    })
                    .collect(),
            );
        }
        Ok(FreeBusy { ok: true, busy })
    }
}

pub(crate) fn defs() -> Vec<ActionDef> {
    const TZ: crate::registry::Param = p!(
        "timeZone",
        Str,
        "IANA zone for wall-clock times, e.g. Asia/Shanghai"
    );
    const CAL: crate::registry::Param = p!(
        "calendarId",
        Str,
        "optional; the bot's primary calendar by default"
    );
    vec![
        ActionDef {
            name: "listCalendarEvents",
            takes_to: false,
            description: "List calendar events between start and end: {events: [{eventId, summary, start, end, attendees}]}. Times: RFC 3339, or \"2026-12-05 10:00\" with timeZone.",
            example: r#"{"action": "listCalendarEvents", "start": "2026-12-05 00:00", "end": "2026-12-06 00:00", "timeZone": "Asia/Shanghai"}"#,
            params: &[
                p!("start", Str, "window start"),
                p!("end", Str, "window end"),
                TZ,
                CAL,
            ],
            required: &["start", "end"],
            run: handler!(list_calendar_events),
        },
        ActionDef {
            name: "createCalendarEvent",
            takes_to: false,
            description: "Put an event in the calendar and invite attendees (open ids); returns {eventId, calendarId, url}.",
            example: r#"{"action": "createCalendarEvent", "summary": "周会", "start": "2026-12-05 10:00", "end": "2026-12-05 11:00", "timeZone": "Asia/Shanghai", "attendees": ["ou_xxx"]}"#,
            params: &[
                p!("summary", Str, "the title"),
                p!("start", Str, "RFC 3339, or wall-clock with timeZone"),
                p!("end", Str, "after start"),
                p!("attendees", StrArray, "open ids ou_xxx to invite"),
                p!("description", Str, "optional"),
                TZ,
                CAL,
            ],
            required: &["summary", "start", "end"],
            run: handler!(create_calendar_event),
        },
        ActionDef {
            name: "updateCalendarEvent",
            takes_to: false,
            description: "Change an event's summary, times or description, or invite more attendees.",
            example: r#"{"action": "updateCalendarEvent", "eventId": "xxx_0", "start": "2026-12-05 14:00", "end": "2026-12-05 15:00", "timeZone": "Asia/Shanghai"}"#,
            params: &[
                p!(
                    "eventId",
                    Str,
                    "from createCalendarEvent or listCalendarEvents"
                ),
                p!("summary", Str, "new title"),
                p!("start", Str, "new start"),
                p!("end", Str, "new end"),
                p!("description", Str, "new description"),
                p!("attendees", StrArray, "more open ids to invite"),
                TZ,
                CAL,
            ],
            required: &["eventId"],
            run: handler!(update_calendar_event),
        },
        ActionDef {
            name: "deleteCalendarEvent",
            takes_to: false,
            description: "Delete (cancel) a calendar event.",
            example: r#"{"action": "deleteCalendarEvent", "eventId": "xxx_0"}"#,
            params: &[p!("eventId", Str, "the event"), CAL],
            required: &["eventId"],
            run: handler!(delete_calendar_event),
        },
        ActionDef {
            name: "getFreeBusy",
            takes_to: false,
            description: "When users are busy between start and end: {busy: {\"ou_xxx\": [{start, end}]}}.",
            example: r#"{"action": "getFreeBusy", "userIds": ["ou_xxx"], "start": "2026-12-05 09:00", "end": "2026-12-05 18:00", "timeZone": "Asia/Shanghai"}"#,
            params: &[
                p!("userIds", StrArray, "open ids ou_xxx"),
                p!("start", Str, "window start"),
                p!("end", Str, "window end"),
                TZ,
            ],
            required: &["userIds", "start", "end"],
            run: handler!(get_free_busy),
        },
    ]
}
