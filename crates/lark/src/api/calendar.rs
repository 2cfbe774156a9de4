//! Calendars (`calendar/v4`): the bot's primary calendar, its events and their attendees, and
//! users' busy times. Event times travel as second timestamps with a time zone.

use futures::Stream;
use serde::{Deserialize, Serialize};

use crate::api::page::{Page, paginate};
use crate::error::{Error, Result};
use crate::http::{Client, Req};
use crate::model::event::de;
use crate::routes::Route;
use crate::routes::workspace::WorkspaceRoute as W;

/// A time of an event: seconds since the epoch and the IANA zone it is shown in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventTime {
    #[serde(deserialize_with = "de::string")]
    pub timestamp: String,
    #[serde(deserialize_with = "de::string")]
    pub timezone: String,
}

impl EventTime {
    pub fn at(seconds: i64, timezone: &str) -> EventTime {
        EventTime {
            timestamp: seconds.to_string(),
            timezone: timezone.to_owned(),
        }
    }

    pub fn seconds(&self) -> Option<i64> {
        self.timestamp.parse().ok()
    }
}

/// An event of a calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct CalendarEvent {
    #[serde(deserialize_with = "de::string")]
    pub event_id: String,
    #[serde(deserialize_with = "de::string")]
    pub organizer_calendar_id: String,
    #[serde(deserialize_with = "de::string")]
    pub summary: String,
    #[serde(deserialize_with = "de::string")]
    pub description: String,
    pub start_time: EventTime,
    pub end_time: EventTime,
    /// `confirmed`, `tentative`, `cancelled`.
    #[serde(deserialize_with = "de::string")]
    pub status: String,
    #[serde(deserialize_with = "de::string")]
    pub app_link: String,
}

/// What to write into an event (absent fields are left as they are on update).
#[derive(Debug, Clone, Default, Serialize)]
pub struct EventFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<EventTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<EventTime>,
}

/// An attendee of an event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Attendee {
    /// `user`, `chat`, `resource`, `third_party`.
    #[serde(rename = "type", deserialize_with = "de::string")]
    pub kind: String,
    #[serde(deserialize_with = "de::string")]
    pub user_id: String,
    #[serde(deserialize_with = "de::string")]
    pub rsvp_status: String,
}

/// A busy span (RFC 3339 times).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct BusySpan {
    #[serde(deserialize_with = "de::string")]
    pub start_time: String,
    #[serde(deserialize_with = "de::string")]
    pub end_time: String,
}

/// One user's busy spans.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct UserBusy {
    #[serde(deserialize_with = "de::string")]
    pub user_id: String,
    #[serde(deserialize_with = "crate::api::de::null_as_default")]
    pub freebusy_items: Vec<BusySpan>,
}

#[derive(Deserialize)]
struct EventAnswer {
    event: CalendarEvent,
}

impl Client {
    /// The id of the bot's primary calendar.
    pub async fn primary_calendar_id(&self) -> Result<String> {
        #[derive(Deserialize)]
        struct Cal {
            #[serde(default, deserialize_with = "de::string")]
            calendar_id: String,
        }
        #[derive(Deserialize)]
        struct UserCal {
            calendar: Cal,
        }
        #[derive(Deserialize)]
        struct Primary {
            #[serde(default, deserialize_with = "crate::api::de::null_as_default")]
            calendars: Vec<UserCal>,
        }
        let req = Req::route(Route::Workspace(W::CalendarPrimary)).query("user_id_type", "open_id");
        let p: Primary = self.call(req).await?;
        p.calendars
            .into_iter()
            .map(|c| c.calendar.calendar_id)
            .find(|id| !id.is_empty())
            .ok_or_else(|| Error::InvalidArgument("the app has no primary calendar".into()))
    }

    /// One page of a calendar's events overlapping `[start, end)` (seconds).
    pub async fn list_events_page(
        &self,
        calendar_id: &str,
        window: (i64, i64),
        page_token: Option<&str>,
    ) -> Result<Page<CalendarEvent>> {
        let req = Req::route(Route::Workspace(W::CalendarEventList {
            calendar_id: calendar_id.to_owned(),
        }))
        .query("start_time", window.0)
        .query("end_time", window.1)
        .query("page_size", 500)
        .query_opt("page_token", page_token.filter(|t| !t.is_empty()));
        self.call(req).await
    }

    /// Every event overlapping `[start, end)` (seconds).
    pub fn list_events(
        &self,
        calendar_id: &str,
        window: (i64, i64),
    ) -> impl Stream<Item = Result<CalendarEvent>> + Send {
        let (client, cal) = (self.clone(), calendar_id.to_owned());
        paginate(move |token| {
            let (client, cal) = (client.clone(), cal.clone());
            async move {
                client
                    .list_events_page(&cal, window, token.as_deref())
                    .await
            }
        })
    }

    pub async fn create_event(
        &self,
        calendar_id: &str,
        fields: &EventFields,
    ) -> Result<CalendarEvent> {
        let req = Req::route(Route::Workspace(W::CalendarEventCreate {
            calendar_id: calendar_id.to_owned(),
        }))
        .query("idempotency_key", crate::api::docx::client_token())
        .json(fields);
        let a: EventAnswer = self.call(req).await?;
        Ok(a.event)
    }

    pub async fn update_event(
        &self,
        calendar_id: &str,
        event_id: &str,
        fields: &EventFields,
    ) -> Result<CalendarEvent> {
        let req = Req::route(Route::Workspace(W::CalendarEventPatch {
            calendar_id: calendar_id.to_owned(),
            event_id: event_id.to_owned(),
        }))
        .json(fields);
        let a: EventAnswer = self.call(req).await?;
        Ok(a.event)
    }

    pub async fn delete_event(&self, calendar_id: &str, event_id: &str) -> Result<()> {
        let req = Req::route(Route::Workspace(W::CalendarEventDelete {
            calendar_id: calendar_id.to_owned(),
            event_id: event_id.to_owned(),
        }));
        let _: serde::de::IgnoredAny = self.call(req).await?;
        Ok(())
    }

    /// Invites users (open ids) to an event.
    pub async fn add_attendees(
        &self,
        calendar_id: &str,
        event_id: &str,
        open_ids: &[String],
    ) -> Result<()> {
        let attendees: Vec<_> = open_ids
            .iter()
            .map(|u| serde_json::json!({ "type": "user", "user_id": u }))
            .collect();
        let req = Req::route(Route::Workspace(W::CalendarAttendeeCreate {
            calendar_id: calendar_id.to_owned(),
            event_id: event_id.to_owned(),
        }))
        .query("user_id_type", "open_id")
        .json(&serde_json::json!({ "attendees": attendees, "need_notification": true }));
        let _: serde::de::IgnoredAny = self.call(req).await?;
        Ok(())
    }

    /// The first page of an event's attendees (events rarely have more).
    pub async fn list_attendees(&self, calendar_id: &str, event_id: &str) -> Result<Vec<Attendee>> {
        let req = Req::route(Route::Workspace(W::CalendarAttendeeList {
            calendar_id: calendar_id.to_owned(),
            event_id: event_id.to_owned(),
        }))
        .query("user_id_type", "open_id")
        .query("page_size", 100);
        let p: Page<Attendee> = self.call(req).await?;
        Ok(p.items)
    }

    /// The busy spans of users (open ids) between two RFC 3339 times.
    pub async fn free_busy(
        &self,
        open_ids: &[String],
        time_min: &str,
        time_max: &str,
    ) -> Result<Vec<UserBusy>> {
        #[derive(Deserialize)]
        struct Lists {
            #[serde(default, deserialize_with = "crate::api::de::null_as_default")]
            freebusy_lists: Vec<UserBusy>,
        }
        let body =
            serde_json::json!({ "time_min": time_min, "time_max": time_max, "user_ids": open_ids });
        let req = Req::route(Route::Workspace(W::FreebusyBatch))
            .query("user_id_type", "open_id")
            .json(&body);
        let l: Lists = self.call(req).await?;
        Ok(l.freebusy_lists)
    }
}
