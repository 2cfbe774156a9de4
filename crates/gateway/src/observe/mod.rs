//! What the gateway tells about itself: Prometheus metrics, the `/status` document, and the
//! console and file logs.

pub mod log_file;
pub mod log_json;
pub mod logging;
pub mod metrics;
pub mod status;
