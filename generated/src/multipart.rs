//! `multipart/form-data` request bodies: the files to upload ([`Upload`]),
//! and the form a call keeps so that each attempt can build it again,
//! reopening files rather than holding them in memory.

use std::fmt::Display;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use reqwest::multipart::Part;

use crate::error::Error;

/// A file to upload: bytes in memory, or a file on disk that is streamed
/// as the request is sent (and opened again if the request is retried),
/// never read into memory whole.
///
/// The file name defaults to the path's last component; the content type
/// is guessed from the file name's extension (`text/csv`, `image/png`,
/// `application/pdf`, ...), else `application/octet-stream`.
#[derive(Clone, Debug)]
pub struct Upload {
    source: Source,
    filename: Option<String>,
    content_type: Option<String>,
}

#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    Path(PathBuf),
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            Source::Path(path) => f.debug_tuple("Path").field(path).finish(),
        }
    }
}

impl Upload {
    /// The file at `path`, streamed from disk when the request is sent.
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let filename = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        Self {
            source: Source::Path(path),
            filename,
            content_type: None,
        }
    }

    /// `bytes`, uploaded under `filename`.
    pub fn from_bytes(bytes: impl Into<Bytes>, filename: impl Into<String>) -> Self {
        Self {
            source: Source::Bytes(bytes.into()),
            filename: Some(filename.into()),
            content_type: None,
        }
    }

    /// Sends the file under another name.
    pub fn filename(mut self, filename: impl Into<String>) -> Self {
        self.filename = Some(filename.into());
        self
    }

    /// Sends the file with this content type instead of the guessed one.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name the upload is sent under.
    pub fn file_name(&self) -> Option<&str> {
        self.filename.as_deref()
    }

    /// The content type the upload is sent with.
    pub fn mime_type(&self) -> String {
        match (&self.content_type, &self.filename) {
            (Some(given), _) => given.clone(),
            (None, Some(name)) => mime_guess::from_path(name)
                .first_or_octet_stream()
                .essence_str()
                .to_string(),
            (None, None) => "application/octet-stream".to_string(),
        }
    }

    /// The part for one attempt: the file is opened now, and read as the
    /// request body is sent.
    async fn part(&self) -> Result<Part, Error> {
        let part = match &self.source {
            Source::Bytes(bytes) => Part::stream_with_length(bytes.clone(), bytes.len() as u64),
            Source::Path(path) => open(path).await?,
        };
        let part = part.mime_str(&self.mime_type()).map_err(|_| {
            Error::InvalidArgument(format!("`{}` is not a content type", self.mime_type()))
        })?;
        Ok(match &self.filename {
            Some(name) => part.file_name(name.clone()),
            None => part,
        })
    }
}

async fn open(path: &Path) -> Result<Part, Error> {
    let unreadable =
        |e: std::io::Error| Error::InvalidArgument(format!("cannot read {}: {e}", path.display()));
    let file = tokio::fs::File::open(path).await.map_err(unreadable)?;
    let length = file.metadata().await.map_err(unreadable)?.len();
    let stream = tokio_util::io::ReaderStream::new(file);
    Ok(Part::stream_with_length(
        reqwest::Body::wrap_stream(stream),
        length,
    ))
}

impl From<PathBuf> for Upload {
    fn from(path: PathBuf) -> Self {
        Self::from_path(path)
    }
}

impl From<&Path> for Upload {
    fn from(path: &Path) -> Self {
        Self::from_path(path)
    }
}

/// The fields of a form, kept so that every attempt builds it anew.
#[derive(Clone, Debug, Default)]
pub(crate) struct Form {
    fields: Vec<(&'static str, Field)>,
}

#[derive(Clone, Debug)]
enum Field {
    Text(String),
    File(Upload),
}

impl Form {
    // The generator emits this for some kinds of operations; a spec without
    // one leaves it unused.
    #[allow(dead_code)]
    /// A text field.
    pub(crate) fn text(&mut self, name: &'static str, value: impl Display) {
        self.fields.push((name, Field::Text(value.to_string())));
    }

    // The generator emits this for some kinds of operations; a spec without
    // one leaves it unused.
    #[allow(dead_code)]
    /// A file field.
    pub(crate) fn file(&mut self, name: &'static str, upload: Upload) {
        self.fields.push((name, Field::File(upload)));
    }

    /// The form of one attempt.
    pub(crate) async fn build(&self) -> Result<reqwest::multipart::Form, Error> {
        let mut form = reqwest::multipart::Form::new();
        for (name, field) in &self.fields {
            form = match field {
                Field::Text(value) => form.text(*name, value.clone()),
                Field::File(upload) => form.part(*name, upload.part().await?),
            };
        }
        Ok(form)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_type_is_guessed_from_the_name() {
        assert_eq!(Upload::from_path("data/report.csv").mime_type(), "text/csv");
        assert_eq!(Upload::from_path("a.png").mime_type(), "image/png");
        assert_eq!(Upload::from_path("a.pdf").mime_type(), "application/pdf");
        assert_eq!(
            Upload::from_path("no-extension").mime_type(),
            "application/octet-stream"
        );
        let given = Upload::from_bytes(&b"x"[..], "a.bin").content_type("text/plain");
        assert_eq!(given.mime_type(), "text/plain");
        assert_eq!(Upload::from_path("dir/a.md").file_name(), Some("a.md"));
    }

    #[tokio::test]
    async fn a_missing_file_is_an_invalid_argument() {
        let mut form = Form::default();
        form.file("file", Upload::from_path("/no/such/file.txt"));
        let error = form.build().await.expect_err("the file does not exist");
        assert!(
            matches!(&error, Error::InvalidArgument(m) if m.contains("/no/such/file.txt")),
            "{error}"
        );
    }
}
