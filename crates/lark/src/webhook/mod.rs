//! Webhook mode: pure functions over the raw request bytes. No HTTP framework inside; the
//! gateway's server hands the body and headers here and sends back what comes out.

pub mod crypto;
