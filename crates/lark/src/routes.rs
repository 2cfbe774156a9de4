//! Every URL path the client calls, in one place, each with a test of its exact text.
//!
//! Path parameters are percent-encoded as path segments, so an id or a sheet range can never
//! change the path's shape.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use reqwest::Method;

/// Characters escaped inside one path segment (RFC 3986 keeps `!`, `:`, `@`, `$`, `,` and `;`).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// One path segment, percent-encoded.
pub fn seg(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// An endpoint of the platform: its method and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    TenantAccessToken,
    AppAccessToken,
    WsEndpoint,
    BotInfo,
}

impl Route {
    pub fn method(&self) -> Method {
        match self {
            Route::TenantAccessToken | Route::AppAccessToken | Route::WsEndpoint => Method::POST,
            Route::BotInfo => Method::GET,
        }
    }

    /// The path below the base URL.
    pub fn path(&self) -> String {
        match self {
            Route::TenantAccessToken => "/open-apis/auth/v3/tenant_access_token/internal".into(),
            Route::AppAccessToken => "/open-apis/auth/v3/app_access_token/internal".into(),
            Route::WsEndpoint => "/callback/ws/endpoint".into(),
            Route::BotInfo => "/open-apis/bot/v3/info".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let cases = [
            (
                Route::TenantAccessToken,
                "POST",
                "/open-apis/auth/v3/tenant_access_token/internal",
            ),
            (
                Route::AppAccessToken,
                "POST",
                "/open-apis/auth/v3/app_access_token/internal",
            ),
            (Route::WsEndpoint, "POST", "/callback/ws/endpoint"),
            (Route::BotInfo, "GET", "/open-apis/bot/v3/info"),
        ];
        for (route, method, path) in cases {
            assert_eq!(route.method().as_str(), method, "{route:?}");
            assert_eq!(route.path(), path, "{route:?}");
        }
    }

    #[test]
    fn segments_cannot_change_the_path_shape() {
        assert_eq!(seg("om_1/../x"), "om_1%2F..%2Fx");
        assert_eq!(seg("shtA!A1:C3"), "shtA!A1:C3");
        assert_eq!(seg("a b?c"), "a%20b%3Fc");
    }
}
