//! Where the bytes of an upload come from: memory or a local file.

use std::path::{Path, PathBuf};

use bytes::Bytes;

use crate::error::{Error, Result};

/// Bytes to upload, with a file name when the source has one.
#[derive(Debug, Clone)]
pub enum Source {
    Bytes(Bytes),
    Path(PathBuf),
}

impl Source {
    /// The bytes, reading the file if needed.
    pub async fn load(&self) -> Result<Bytes> {
        match self {
            Source::Bytes(b) => Ok(b.clone()),
            Source::Path(p) => tokio::fs::read(p)
                .await
                .map(Bytes::from)
                .map_err(|e| io_error(p, e)),
        }
    }

    /// The size in bytes, without reading a file.
    pub async fn len(&self) -> Result<u64> {
        match self {
            Source::Bytes(b) => Ok(b.len() as u64),
            Source::Path(p) => tokio::fs::metadata(p)
                .await
                .map(|m| m.len())
                .map_err(|e| io_error(p, e)),
        }
    }

    /// `len` bytes from `offset`: a slice of memory, or one read of the file, so a large upload
    /// never holds more than one part in memory.
    pub(crate) async fn read_range(&self, offset: u64, len: usize) -> Result<Bytes> {
        match self {
            Source::Bytes(b) => {
                let start = (offset as usize).min(b.len());
                Ok(b.slice(start..(start + len).min(b.len())))
            }
            Source::Path(p) => {
                use tokio::io::{AsyncReadExt, AsyncSeekExt};
                let mut f = tokio::fs::File::open(p).await.map_err(|e| io_error(p, e))?;
                f.seek(std::io::SeekFrom::Start(offset))
                    .await
                    .map_err(|e| io_error(p, e))?;
                let mut buf = vec![0; len];
                f.read_exact(&mut buf).await.map_err(|e| io_error(p, e))?;
                Ok(buf.into())
            }
        }
    }

    /// The file name to give the platform: the path's last component, else `fallback`.
    pub fn file_name(&self, fallback: &str) -> String {
        match self {
            Source::Path(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| fallback.to_owned()),
            Source::Bytes(_) => fallback.to_owned(),
        }
    }
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::Io(std::io::Error::new(
        e.kind(),
        format!("cannot read {}: {e}", path.display()),
    ))
}

impl From<Vec<u8>> for Source {
    fn from(v: Vec<u8>) -> Self {
        Source::Bytes(v.into())
    }
}

impl From<&[u8]> for Source {
    fn from(v: &[u8]) -> Self {
        Source::Bytes(Bytes::copy_from_slice(v))
    }
}

impl From<Bytes> for Source {
    fn from(v: Bytes) -> Self {
        Source::Bytes(v)
    }
}

impl From<&Path> for Source {
    fn from(p: &Path) -> Self {
        Source::Path(p.to_owned())
    }
}

impl From<PathBuf> for Source {
    fn from(p: PathBuf) -> Self {
        Source::Path(p)
    }
}

/// Refuses empty or oversized uploads before sending them.
pub(crate) fn check_upload(what: &str, len: usize, limit: usize) -> Result<()> {
    if len == 0 {
        return Err(Error::InvalidArgument(format!("the {what} is empty")));
    }
    if len > limit {
        return Err(Error::InvalidArgument(format!(
            "the {what} is {len} bytes; the platform's limit is {} MB",
            limit / (1024 * 1024)
        )));
    }
    Ok(())
}
