//! `lark`: a client for the Lark (international) and Feishu (China) Open Platform.
//!
//! It speaks the platform's wire protocol and nothing more: it knows nothing of agents or
//! policies. Layers, from the bottom: [`secret`] (redacting secrets), [`ws::frame`] (the
//! long-connection frame codec), [`webhook`] (signature, decryption, challenge over raw bytes).

pub mod secret;
pub mod webhook;
pub mod ws;

pub use secret::Secret;
