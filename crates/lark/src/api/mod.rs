//! The REST API, one file per resource. Each builds a request and hands it to the HTTP layer.

pub mod bitable;
pub mod bot;
pub mod cardkit;
pub mod chats;
pub mod comments;
pub mod contact;
mod de;
pub mod docx;
mod download;
pub mod drive;
pub mod files;
pub mod images;
mod message_types;
pub mod messages;
pub mod page;
pub mod permissions;
pub mod pins;
pub mod reactions;
pub mod resources;
pub mod search;
pub mod sheets;
pub mod source;
pub mod wiki;

pub use page::Page;
pub use source::Source;
