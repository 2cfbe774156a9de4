//! Downloading the images and files of messages users sent
//! (`GET /im/v1/messages/:id/resources/:key`, PROTOCOL §5.1). Stickers cannot be downloaded;
//! `file` covers files, audio and video.

use std::path::Path;

use bytes::Bytes;

use crate::api::download;
use crate::error::Result;
use crate::http::{Client, Req};
use crate::model::MessageId;
use crate::routes::Route;

/// What kind of resource a key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceType {
    Image,
    File,
}

impl ResourceType {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceType::Image => "image",
            ResourceType::File => "file",
        }
    }
}

impl Client {
    fn resource_req(&self, message_id: &MessageId, key: &str, kind: ResourceType) -> Req {
        Req::route(Route::MessageResource {
            message_id: message_id.0.clone(),
            file_key: key.to_owned(),
        })
        .query("type", kind.as_str())
    }

    /// Streams a message's image or file to `path`; returns the bytes written.
    pub async fn download_resource_to_file(
        &self,
        message_id: &MessageId,
        key: &str,
        kind: ResourceType,
        path: &Path,
    ) -> Result<u64> {
        let answer = self
            .execute(self.resource_req(message_id, key, kind))
            .await?;
        download::to_file(answer, path).await
    }

    /// A message's image or file, in memory.
    pub async fn download_resource(
        &self,
        message_id: &MessageId,
        key: &str,
        kind: ResourceType,
    ) -> Result<Bytes> {
        let answer = self
            .execute(self.resource_req(message_id, key, kind))
            .await?;
        download::to_bytes(answer).await
    }
}
