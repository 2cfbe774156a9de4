//! Image upload for messages and avatars (`POST /im/v1/images`, PROTOCOL §5.1).

use serde::Deserialize;

use crate::api::source::{Source, check_upload};
use crate::error::Result;
use crate::http::{Client, FormField, Req};
use crate::model::ImageKey;
use crate::routes::Route;

/// Images up to 10 MB are accepted.
pub const IMAGE_LIMIT: usize = 10 * 1024 * 1024;

/// What an uploaded image is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImageType {
    #[default]
    Message,
    Avatar,
}

impl ImageType {
    pub fn as_str(self) -> &'static str {
        match self {
            ImageType::Message => "message",
            ImageType::Avatar => "avatar",
        }
    }
}

#[derive(Deserialize)]
struct Answer {
    image_key: ImageKey,
}

impl Client {
    /// Uploads an image (bytes or a file path) and returns its key for `image` messages and posts.
    /// Empty images and images over 10 MB are refused before sending.
    pub async fn upload_image(
        &self,
        image: impl Into<Source>,
        image_type: ImageType,
    ) -> Result<ImageKey> {
        let source = image.into();
        let bytes = source.load().await?;
        check_upload("image", bytes.len(), IMAGE_LIMIT)?;
        let form = vec![
            FormField::Text("image_type", image_type.as_str().to_owned()),
            FormField::File {
                name: "image",
                file_name: source.file_name("image"),
                bytes,
            },
        ];
        let a: Answer = self.call(Req::route(Route::ImageCreate).form(form)).await?;
        Ok(a.image_key)
    }
}
