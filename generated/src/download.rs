//! Operations that answer with raw bytes (a file's content): the byte
//! stream they return, and ways to write it out without holding it whole.

use std::fmt;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::{Stream, StreamExt};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::error::Error;
use crate::transport::BodyStream;

/// The body of a binary response, as it arrives: a [`Stream`] of
/// `Result<Bytes, Error>`. An error status never gets here: it is an
/// [`Error`] before any byte is handed out. A connection that breaks or
/// stalls mid-body yields [`Error::Connection`] or [`Error::Timeout`].
pub struct ByteStream {
    status: StatusCode,
    headers: HeaderMap,
    body: Option<BodyStream>,
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("status", &self.status)
            .field("request_id", &self.request_id())
            .field("ended", &self.body.is_none())
            .finish()
    }
}

impl ByteStream {
    // The generator emits this for some kinds of operations; a spec without
    // one leaves it unused.
    #[allow(dead_code)]
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: BodyStream) -> Self {
        Self {
            status,
            headers,
            body: Some(body),
        }
    }

    crate::response::head_accessors!();

    /// The `content-length` header, when the server sent one.
    pub fn content_length(&self) -> Option<u64> {
        crate::response::header_str(&self.headers, "content-length")?
            .trim()
            .parse()
            .ok()
    }

    /// Writes the whole body to `writer` as it arrives and returns the
    /// number of bytes written.
    pub async fn write_to<W: AsyncWrite + Unpin + ?Sized>(
        mut self,
        writer: &mut W,
    ) -> Result<u64, Error> {
        let mut written = 0u64;
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(Error::Io)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(Error::Io)?;
        Ok(written)
    }

    /// Writes the whole body to the file at `path` and returns the number
    /// of bytes written. The body goes to a temporary file beside `path`,
    /// which takes the place of `path` once the body is whole: a download
    /// that fails part-way leaves `path` as it was (absent, or with its
    /// old contents) and removes what it wrote. A `path` that exists and is
    /// not a regular file (a device such as `/dev/null`, a pipe) is written
    /// to directly.
    pub async fn save_to(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let io_error = |what: &str, at: &Path, e: std::io::Error| {
            Error::Io(std::io::Error::new(
                e.kind(),
                format!("cannot {what} {}: {e}", at.display()),
            ))
        };
        let special = tokio::fs::metadata(path)
            .await
            .is_ok_and(|meta| !meta.is_file());
        if special {
            let mut file = tokio::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .await
                .map_err(|e| io_error("open", path, e))?;
            return self.write_to(&mut file).await;
        }
        let partial = partial_path(path);
        let mut file = tokio::fs::File::create(&partial)
            .await
            .map_err(|e| io_error("create", &partial, e))?;
        let written = match self.write_to(&mut file).await {
            Ok(written) => written,
            Err(e) => {
                drop(file);
                let _ = tokio::fs::remove_file(&partial).await;
                return Err(e);
            }
        };
        drop(file);
        if let Err(e) = tokio::fs::rename(&partial, path).await {
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(io_error("write", path, e));
        }
        Ok(written)
    }
}

/// A name beside `path` for the download in progress: hidden, and unique
/// to this process and call, so two downloads to one path do not mix.
fn partial_path(path: &Path) -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path
        .file_name()
        .map_or_else(|| "download".into(), |n| n.to_string_lossy());
    path.with_file_name(format!(".{name}.{}-{n}.part", std::process::id()))
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let Some(body) = this.body.as_mut() else {
            return Poll::Ready(None);
        };
        match body.poll_next_unpin(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(bytes))) => Poll::Ready(Some(Ok(bytes))),
            Poll::Ready(Some(Err(e))) => {
                this.body = None;
                Poll::Ready(Some(Err(Error::transport_in(
                    e,
                    this.status,
                    &this.headers,
                ))))
            }
            Poll::Ready(None) => {
                this.body = None;
                Poll::Ready(None)
            }
        }
    }
}

impl futures::stream::FusedStream for ByteStream {
    fn is_terminated(&self) -> bool {
        self.body.is_none()
    }
}
