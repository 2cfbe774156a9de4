//! The platform's rate limits (`--platform-limits`): every API of every app has its own budget
//! per second and per minute, as the frequency-control guide describes ("per API, per app, per
//! tenant"; reaching either figure refuses the call), plus the budgets on one resource the API
//! pages state: 5 patches per second per card message, 10 operations per second per CardKit card,
//! 3 edits per second per document. The shared 5 sends per second per chat is counted where a
//! send knows its chat (`im::send`). A refused call gets 99991400 with HTTP 429 (HTTP 400 for the
//! docx app budget, as its pages say), `x-ogw-ratelimit-limit` (the figure reached) and
//! `x-ogw-ratelimit-reset` (whole seconds until a slot opens).
//!
//! Counting is by arrival in a sliding window, the strictest reading of "N per second": a client
//! that passes it passes any fixed-window count too.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::SimState;

/// The figures of one API, as its documentation page gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiBudget {
    pub per_second: usize,
    pub per_minute: Option<usize>,
    /// Calls per second on the resource named by the route parameter `param`.
    pub per_resource: Option<(&'static str, usize)>,
    /// The HTTP status of a refusal of the app budget.
    pub status: StatusCode,
}

const TIER_1000_50: ApiBudget = ApiBudget {
    per_second: 50,
    per_minute: Some(1000),
    per_resource: None,
    status: StatusCode::TOO_MANY_REQUESTS,
};

/// The budget of the API at `route` (the route's pattern, such as
/// `/open-apis/im/v1/messages/{message_id}`); `None` for the calls the platform does not meter
/// this way (access tokens, the long connection's endpoint).
pub fn budget(method: &Method, route: &str) -> Option<ApiBudget> {
    let rest = route.strip_prefix("/open-apis/")?;
    if rest.starts_with("auth/") {
        return None;
    }
    let per_second_only = |n| ApiBudget {
        per_second: n,
        per_minute: None,
        ..TIER_1000_50
    };
    Some(if rest.starts_with("docx/") {
        if method == Method::GET {
            ApiBudget {
                status: StatusCode::BAD_REQUEST,
                ..per_second_only(5)
            }
        } else {
            ApiBudget {
                status: StatusCode::BAD_REQUEST,
                per_resource: Some(("document_id", 3)),
                ..per_second_only(3)
            }
        }
    } else if rest.starts_with("drive/v1/") && rest.contains("/upload_") {
        per_second_only(5)
    } else if rest.starts_with("cardkit/v1/cards/{card_id}") {
        ApiBudget {
            per_resource: Some(("card_id", 10)),
            ..TIER_1000_50
        }
    } else if rest == "im/v1/messages/{message_id}" && method == Method::PATCH {
        ApiBudget {
            per_resource: Some(("message_id", 5)),
            ..TIER_1000_50
        }
    } else {
        TIER_1000_50
    })
}

/// Arrival times of the calls counted in one window.
#[derive(Default)]
struct Log(VecDeque<Instant>);

impl Log {
    /// Admits a call unless `cap` arrived within `span`; else how long until one ages out.
    fn admit(&mut self, now: Instant, cap: usize, span: Duration) -> Result<(), Duration> {
        while self
            .0
            .front()
            .is_some_and(|t| now.duration_since(*t) >= span)
        {
            self.0.pop_front();
        }
        if self.0.len() >= cap {
            let oldest = *self.0.front().expect("a full log is not empty");
            return Err(span - now.duration_since(oldest));
        }
        Ok(())
    }
}

/// Every window, by app and API (and resource).
#[derive(Default)]
pub struct Counters {
    logs: Mutex<HashMap<String, Log>>,
}

/// Which figure refused a call.
struct Refusal {
    figure: usize,
    wait: Duration,
    status: StatusCode,
}

impl Counters {
    /// Counts one call against every window it belongs to, or says which refused it (then
    /// nothing is counted).
    fn admit(&self, windows: &[(String, usize, Duration, StatusCode)]) -> Result<(), Refusal> {
        let now = Instant::now();
        let mut logs = self.logs.lock().expect("limits lock");
        for (key, cap, span, status) in windows {
            if let Err(wait) = logs.entry(key.clone()).or_default().admit(now, *cap, *span) {
                return Err(Refusal {
                    figure: *cap,
                    wait,
                    status: *status,
                });
            }
        }
        for (key, ..) in windows {
            logs.get_mut(key).expect("admitted above").0.push_back(now);
        }
        if logs.len() > 50_000 {
            logs.retain(|_, l| {
                l.0.back()
                    .is_some_and(|t| now.duration_since(*t) < Duration::from_secs(60))
            });
        }
        Ok(())
    }
}

/// The windows a call counts against: the API's per-second and per-minute budget for its app,
/// and its resource's budget.
fn windows(
    app: &str,
    method: &Method,
    route: &str,
    path: &str,
    b: &ApiBudget,
) -> Vec<(String, usize, Duration, StatusCode)> {
    let api = format!("{app} {method} {route}");
    let mut w = vec![(
        format!("{api} s"),
        b.per_second,
        Duration::from_secs(1),
        b.status,
    )];
    if let Some(n) = b.per_minute {
        w.push((format!("{api} m"), n, Duration::from_secs(60), b.status));
    }
    if let Some((param, n)) = b.per_resource
        && let Some(value) = param_value(route, path, param)
    {
        // The per-document budget of docx answers 429 where its app budget answers 400.
        let key = format!("{app} {param}={value}");
        w.push((
            key,
            n,
            Duration::from_secs(1),
            StatusCode::TOO_MANY_REQUESTS,
        ));
    }
    w
}

/// The value of route parameter `param` in `path`.
fn param_value<'a>(route: &str, path: &'a str, param: &str) -> Option<&'a str> {
    let want = format!("{{{param}}}");
    route
        .split('/')
        .zip(path.split('/'))
        .find(|(r, _)| *r == want)
        .map(|(_, v)| v)
}

/// Refuses calls over their API's budget, when `--platform-limits` is on.
pub async fn enforce(State(state): State<Arc<SimState>>, req: Request, next: Next) -> Response {
    if !state.config.read().expect("config lock").platform_limits {
        return next.run(req).await;
    }
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let (Some(route), Some(app)) = (route, crate::calls::bearer_app(&state, req.headers())) else {
        return next.run(req).await;
    };
    let Some(b) = budget(req.method(), &route) else {
        return next.run(req).await;
    };
    let windows = windows(&app, req.method(), &route, req.uri().path(), &b);
    match state.limits.admit(&windows) {
        Ok(()) => next.run(req).await,
        Err(r) => refusal(r),
    }
}

fn refusal(r: Refusal) -> Response {
    let mut e = ApiError::rate_limited();
    e.status = r.status;
    let mut resp = e.into_response();
    let reset = r.wait.as_secs_f64().ceil().max(1.0) as u64;
    let h = resp.headers_mut();
    h.insert("x-ogw-ratelimit-limit", HeaderValue::from(r.figure as u64));
    h.insert("x-ogw-ratelimit-reset", HeaderValue::from(reset));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_by_api() {
        let send = budget(&Method::POST, "/open-apis/im/v1/messages").unwrap();
        assert_eq!((send.per_second, send.per_minute), (50, Some(1000)));
        let patch = budget(&Method::PATCH, "/open-apis/im/v1/messages/{message_id}").unwrap();
        assert_eq!(patch.per_resource, Some(("message_id", 5)));
        let write = budget(
            &Method::POST,
            "/open-apis/docx/v1/documents/{document_id}/blocks/{block_id}/children",
        )
        .unwrap();
        assert_eq!(
            (write.per_second, write.status),
            (3, StatusCode::BAD_REQUEST)
        );
        assert!(
            budget(
                &Method::POST,
                "/open-apis/auth/v3/tenant_access_token/internal"
            )
            .is_none()
        );
        assert!(budget(&Method::POST, "/callback/ws/endpoint").is_none());
    }

    #[test]
    fn a_window_admits_its_figure_then_says_how_long_until_a_slot() {
        let c = Counters::default();
        let w = vec![(
            "k".to_owned(),
            2,
            Duration::from_secs(1),
            StatusCode::TOO_MANY_REQUESTS,
        )];
        assert!(c.admit(&w).is_ok());
        assert!(c.admit(&w).is_ok());
        let r = c.admit(&w).unwrap_err();
        assert_eq!(r.figure, 2);
        assert!(r.wait <= Duration::from_secs(1) && r.wait > Duration::from_millis(500));
        assert_eq!(
            param_value("/a/{card_id}/b", "/a/c_1/b", "card_id"),
            Some("c_1")
        );
    }
}
