//! Markdown and docx blocks, both ways: [`write::parse`] turns markdown into the blocks
//! `appendDocument` creates (images kept apart, since they are uploaded into their own block),
//! [`read::render`] turns a document's blocks back into markdown for `readDocument`.

pub mod lang;
pub mod read;
pub mod write;
