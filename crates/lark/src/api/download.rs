//! Saving a download: streamed to a file chunk by chunk (never whole in memory), or collected
//! into bytes. A failed download leaves no partial file behind.

use std::path::Path;

use bytes::Bytes;
use tokio::io::AsyncWriteExt;

use crate::error::{Error, Result};
use crate::http::Answer;

/// Collects the body.
pub(crate) async fn to_bytes(answer: Answer) -> Result<Bytes> {
    match answer {
        // A JSON file downloads as JSON; its bytes are the content.
        Answer::Json { body, .. } => Ok(body),
        Answer::Stream(resp) => resp.bytes().await.map_err(Error::network),
    }
}

/// Writes the body to `path`; returns the number of bytes written.
pub(crate) async fn to_file(answer: Answer, path: &Path) -> Result<u64> {
    let result = write(answer, path).await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(path).await;
    }
    result
}

async fn write(answer: Answer, path: &Path) -> Result<u64> {
    let mut file = tokio::fs::File::create(path).await?;
    let mut written = 0u64;
    match answer {
        Answer::Json { body, .. } => {
            file.write_all(&body).await?;
            written = body.len() as u64;
        }
        Answer::Stream(mut resp) => {
            while let Some(chunk) = resp.chunk().await.map_err(Error::network)? {
                file.write_all(&chunk).await?;
                written += chunk.len() as u64;
            }
        }
    }
    file.flush().await?;
    Ok(written)
}
