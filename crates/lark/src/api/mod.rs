//! The REST API, one file per resource. Each builds a request and hands it to the HTTP layer.

pub mod bot;
