//! Calendars (`calendar/v4`): the bot's primary calendar, its events (times as second
//! timestamps with a time zone, as the platform takes them), their attendees, and the busy
//! times of users, which are the events they attend.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::{get, patch, post};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::util::{WEB_HOST, bad, json_body, page_size, paginate, query_map, ws};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::state::{App, SimState};

const PARAM: i64 = 190002;
const NOT_FOUND: i64 = 195100;

fn param(msg: impl Into<String>) -> ApiError {
    bad(
        PARAM,
        format!("invalid parameters in request: {}", msg.into()),
    )
}

/// An event of a calendar.
#[derive(Debug, Clone)]
pub struct Event {
    pub event_id: String,
    pub calendar_id: String,
    pub summary: String,
    pub description: String,
    /// Seconds since the epoch.
    pub start: i64,
    pub end: i64,
    pub timezone: String,
    /// Open ids of the user attendees.
    pub attendees: Vec<String>,
    pub deleted: bool,
}

/// The tenant's calendars: the bot's primary one and its events.
#[derive(Debug, Default)]
pub struct Calendars {
    pub events: BTreeMap<String, Event>,
    seq: u64,
    /// The event made for each `idempotency_key`, so a retried create makes one event.
    keys: BTreeMap<String, String>,
}

/// The bot's primary calendar id.
pub fn primary_id(app: &App) -> String {
    format!(
        "feishu.cn_{}@group.calendar.feishu.cn",
        app.bot_open_id.trim_start_matches("ou_")
    )
}

fn time_json(t: i64, tz: &str) -> Value {
    json!({ "timestamp": t.to_string(), "timezone": tz })
}

impl Event {
    fn json(&self) -> Value {
        json!({
            "event_id": self.event_id, "organizer_calendar_id": self.calendar_id,
            "summary": self.summary, "description": self.description,
            "start_time": time_json(self.start, &self.timezone),
            "end_time": time_json(self.end, &self.timezone),
            "status": if self.deleted { "cancelled" } else { "confirmed" },
            "visibility": "default", "free_busy_status": "busy",
            "app_link": format!("{WEB_HOST}/calendar/event/{}", self.event_id),
        })
    }
}

/// A `{timestamp, timezone}` object as seconds and its zone.
fn time_of(v: Option<&Value>, what: &str) -> Result<(i64, String), ApiError> {
    let v = v.ok_or_else(|| param(format!("{what} is required")))?;
    let ts = v.get("timestamp").and_then(|t| match t {
        Value::String(s) => s.parse::<i64>().ok(),
        Value::Number(n) => n.as_i64(),
        _ => None,
    });
    let ts =
        ts.ok_or_else(|| param(format!("{what}.timestamp must be seconds since the epoch")))?;
    let tz = v
        .get("timezone")
        .and_then(Value::as_str)
        .unwrap_or("Asia/Shanghai")
        .to_owned();
    Ok((ts, tz))
}

fn check_calendar(app: &App, id: &str) -> Result<(), ApiError> {
    if id == primary_id(app) {
        Ok(())
    } else {
        Err(bad(NOT_FOUND, format!("calendar not found: {id}")))
    }
}

/// `POST /calendar/v4/calendars/primary`
async fn primary(Tenant(app): Tenant) -> Result<Response, ApiError> {
    Ok(ok(json!({ "calendars": [{
        "calendar": { "calendar_id": primary_id(&app), "summary": app.bot_name, "type": "primary",
                      "role": "owner", "permissions": "private", "is_deleted": false },
        "user_id": app.bot_open_id,
    }]})))
}

#[derive(Deserialize)]
struct NewEvent {
    summary: Option<String>,
    description: Option<String>,
    start_time: Option<Value>,
    end_time: Option<Value>,
}

/// `POST /calendar/v4/calendars/{calendar_id}/events`
async fn create(
    Tenant(app): Tenant,
    Path(cal): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_calendar(&app, &cal)?;
    let key = query_map(q)
        .remove("idempotency_key")
        .filter(|k| !k.is_empty());
    if let Some(k) = &key {
        let w = ws(&app);
        if let Some(e) = w
            .calendars
            .keys
            .get(k)
            .and_then(|id| w.calendars.events.get(id))
        {
            return Ok(ok(json!({ "event": e.json() })));
        }
    }
    let b: NewEvent = json_body(&body, param)?;
    let (start, tz) = time_of(b.start_time.as_ref(), "start_time")?;
    let (end, _) = time_of(b.end_time.as_ref(), "end_time")?;
    if end <= start {
        return Err(param("end_time must be after start_time"));
    }
    let mut w = ws(&app);
    w.calendars.seq += 1;
    let e = Event {
        event_id: format!("{:08x}-{:04x}-sim_0", rand_id(), w.calendars.seq),
        calendar_id: cal,
        summary: b.summary.unwrap_or_default(),
        description: b.description.unwrap_or_default(),
        start,
        end,
        timezone: tz,
        attendees: Vec::new(),
        deleted: false,
    };
    let out = e.json();
    if let Some(k) = key {
        w.calendars.keys.insert(k, e.event_id.clone());
    }
    w.calendars.events.insert(e.event_id.clone(), e);
    Ok(ok(json!({ "event": out })))
}

fn rand_id() -> u32 {
    use rand::Rng;
    rand::rng().random()
}

fn event_mut<'a>(
    w: &'a mut super::Workspace,
    cal: &str,
    id: &str,
) -> Result<&'a mut Event, ApiError> {
    w.calendars
        .events
        .get_mut(id)
        .filter(|e| e.calendar_id == cal && !e.deleted)
        .ok_or_else(|| bad(NOT_FOUND, format!("event not found: {id}")))
}

/// `GET /calendar/v4/calendars/{calendar_id}/events?start_time=&end_time=` (seconds)
async fn list(
    Tenant(app): Tenant,
    Path(cal): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    check_calendar(&app, &cal)?;
    let q = query_map(q);
    let num = |k: &str| {
        q.get(k).map(|s| {
            s.parse::<i64>()
                .map_err(|_| param(format!("{k} must be seconds")))
        })
    };
    let from = num("start_time").transpose()?.unwrap_or(i64::MIN);
    let to = num("end_time").transpose()?.unwrap_or(i64::MAX);
    let size = page_size(&q, 50, 1000).map_err(param)?;
    let w = ws(&app);
    let mut events: Vec<&Event> = w
        .calendars
        .events
        .values()
        .filter(|e| e.calendar_id == cal && !e.deleted && e.end > from && e.start < to)
        .collect();
    events.sort_by_key(|e| (e.start, e.event_id.clone()));
    let items: Vec<Value> = events.iter().map(|e| e.json()).collect();
    let page = paginate(&items, size, q.get("page_token").map(String::as_str))
        .ok_or_else(|| param("page_token is not one this API returned"))?;
    Ok(ok(
        json!({ "items": page.items, "has_more": page.has_more, "page_token": page.page_token.unwrap_or_default() }),
    ))
}

/// `PATCH .../events/{event_id}`
async fn update(
    Tenant(app): Tenant,
    Path((cal, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: NewEvent = json_body(&body, param)?;
    let mut w = ws(&app);
    let e = event_mut(&mut w, &cal, &id)?;
    let (mut start, mut end, mut tz) = (e.start, e.end, e.timezone.clone());
    if b.start_time.is_some() {
        (start, tz) = time_of(b.start_time.as_ref(), "start_time")?;
    }
    if b.end_time.is_some() {
        end = time_of(b.end_time.as_ref(), "end_time")?.0;
    }
    if end <= start {
        return Err(param("end_time must be after start_time"));
    }
    (e.start, e.end, e.timezone) = (start, end, tz);
    if let Some(s) = b.summary {
        e.summary = s;
    }
    if let Some(d) = b.description {
        e.description = d;
    }
    Ok(ok(json!({ "event": e.json() })))
}

/// `DELETE .../events/{event_id}`
async fn remove(
    Tenant(app): Tenant,
    Path((cal, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let mut w = ws(&app);
    event_mut(&mut w, &cal, &id)?.deleted = true;
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
struct NewAttendees {
    attendees: Option<Vec<Value>>,
}

fn attendee_json(open_id: &str) -> Value {
    json!({ "type": "user", "attendee_id": format!("user_{open_id}"), "user_id": open_id,
            "rsvp_status": "needs_action", "is_optional": false, "is_organizer": false })
}

/// `POST .../events/{event_id}/attendees` (user attendees by open id)
async fn add_attendees(
    Tenant(app): Tenant,
    Path((cal, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: NewAttendees = json_body(&body, param)?;
    let list = b
        .attendees
        .filter(|a| !a.is_empty())
        .ok_or_else(|| param("attendees is required"))?;
    let mut ids = Vec::new();
    for (i, a) in list.iter().enumerate() {
        match (
            a.get("type").and_then(Value::as_str),
            a.get("user_id").and_then(Value::as_str),
        ) {
            (Some("user"), Some(u)) if !u.is_empty() => ids.push(u.to_owned()),
            _ => {
                return Err(param(format!(
                    "attendees[{i}]: a user attendee needs type \"user\" and user_id"
                )));
            }
        }
    }
    let mut w = ws(&app);
    let e = event_mut(&mut w, &cal, &id)?;
    for u in &ids {
        if !e.attendees.contains(u) {
            e.attendees.push(u.clone());
        }
    }
    Ok(ok(
        json!({ "attendees": ids.iter().map(|u| attendee_json(u)).collect::<Vec<_>>() }),
    ))
}

/// `GET .../events/{event_id}/attendees`
async fn list_attendees(
    Tenant(app): Tenant,
    Path((cal, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let mut w = ws(&app);
    let e = event_mut(&mut w, &cal, &id)?;
    let items: Vec<Value> = e.attendees.iter().map(|u| attendee_json(u)).collect();
    Ok(ok(
        json!({ "items": items, "has_more": false, "page_token": "" }),
    ))
}

#[derive(Deserialize)]
struct Freebusy {
    time_min: Option<String>,
    time_max: Option<String>,
    user_ids: Option<Vec<String>>,
}

fn rfc3339(s: Option<&str>, what: &str) -> Result<i64, ApiError> {
    let s = s.ok_or_else(|| param(format!("{what} is required")))?;
    s.parse::<jiff::Timestamp>()
        .map(|t| t.as_second())
        .map_err(|_| param(format!("{what} must be an RFC 3339 time, got {s:?}")))
}

fn rfc(t: i64) -> String {
    jiff::Timestamp::from_second(t)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// `POST /calendar/v4/freebusy/batch`: each user's busy spans in the window.
async fn freebusy(Tenant(app): Tenant, body: Bytes) -> Result<Response, ApiError> {
    let b: Freebusy = json_body(&body, param)?;
    let from = rfc3339(b.time_min.as_deref(), "time_min")?;
    let to = rfc3339(b.time_max.as_deref(), "time_max")?;
    let users = b
        .user_ids
        .filter(|u| !u.is_empty())
        .ok_or_else(|| param("user_ids is required"))?;
    let w = ws(&app);
    let lists: Vec<Value> = users
        .iter()
        .map(|u| {
            let mut spans: Vec<(i64, i64)> = w
                .calendars
                .events
                .values()
                .filter(|e| !e.deleted && e.attendees.contains(u) && e.end > from && e.start < to)
                .map(|e| (e.start.max(from), e.end.min(to)))
                .collect();
            spans.sort();
            json!({ "user_id": u, "freebusy_items": spans.iter().map(|(s, e)| json!({
                "start_time": rfc(*s), "end_time": rfc(*e),
            })).collect::<Vec<_>>() })
        })
        .collect();
    Ok(ok(json!({ "freebusy_lists": lists })))
}

impl super::Workspace {
    /// Every live event with its attendees, for the control API and the chat page.
    pub fn calendar_view(&self) -> Vec<Value> {
        let mut events: Vec<&Event> = self
            .calendars
            .events
            .values()
            .filter(|e| !e.deleted)
            .collect();
        events.sort_by_key(|e| e.start);
        events
            .iter()
            .map(|e| {
                let mut v = e.json();
                v["attendees"] = json!(e.attendees);
                v
            })
            .collect()
    }
}

pub(super) fn routes() -> Router<Arc<SimState>> {
    let ev = "/open-apis/calendar/v4/calendars/{calendar_id}/events";
    Router::new()
        .route("/open-apis/calendar/v4/calendars/primary", post(primary))
        .route(ev, get(list).post(create))
        .route(&format!("{ev}/{{event_id}}"), patch(update).delete(remove))
        .route(
            &format!("{ev}/{{event_id}}/attendees"),
            get(list_attendees).post(add_attendees),
        )
        .route("/open-apis/calendar/v4/freebusy/batch", post(freebusy))
}
