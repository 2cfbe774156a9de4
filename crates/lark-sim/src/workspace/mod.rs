//! The workspace of an app's tenant: CardKit cards, docx documents, drive files and permissions,
//! sheets and bitables.

use std::sync::Arc;

use axum::Router;

use crate::state::SimState;

/// Every document, sheet, bitable, drive file, permission and card of one app.
#[derive(Default)]
pub struct Workspace {}

/// REST routes under `/open-apis/...`.
pub fn routes() -> Router<Arc<SimState>> {
    Router::new()
}

/// Control routes under `/_sim/apps/{app_id}/...` that read documents, sheets and bitables.
pub fn control_routes() -> Router<Arc<SimState>> {
    Router::new()
}
