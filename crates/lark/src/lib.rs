//! `lark`: a client for the Lark (international) and Feishu (China) Open Platform.
//!
//! It speaks the platform's wire protocol and nothing more: it knows nothing of agents or
//! policies. Layers, from the bottom: [`model`] (typed ids, events, message content; no I/O),
//! [`http`] (base URL, envelope, typed errors, retries, rate limits) with the token cache of `auth`,
//! [`api`] (one file per REST resource), [`ws`] (the long connection) and [`webhook`] (signature,
//! decryption and challenge over raw bytes).

pub mod api;
mod auth;
pub mod custom_bot;
mod domain;
pub mod error;
pub mod http;
pub mod model;
pub mod ratelimit;
pub mod routes;
pub mod secret;
pub mod seed;
mod tls;
pub mod webhook;
pub mod ws;

pub use error::{ApiError, Error, Result};
pub use http::{Client, ClientBuilder, Domain, RetryPolicy};
pub use secret::Secret;

/// Installs the process-wide TLS crypto provider (aws-lc-rs). Binaries call this once at start-up,
/// before any HTTPS or WSS connection; calling it again is harmless.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// The README's examples compile as doctests, so the README cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeExamples;
