//! IM: chats, messages, reactions, pins, images, files and resources.

use std::sync::Arc;

use axum::Router;

use crate::state::SimState;

/// Chats, messages, reactions, pins and uploaded images and files of one app.
#[derive(Default)]
pub struct ImStore {}

pub fn routes() -> Router<Arc<SimState>> {
    Router::new()
}
