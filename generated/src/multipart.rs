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
    /// The file at `path`, streamed from disk when the request is sent. A
    /// path that does not exist, cannot be read or is not a regular file
    /// fails the request with [`Error::InvalidArgument`] before anything is
    /// sent.
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
            (None, Some(name)) => guess(name),
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

/// The content type of a file named `name`, as the official Python SDK
/// sends it (Python's `mimetypes`): mime_guess's table, with Python's
/// types for the source files skills often hold, where the two differ.
fn guess(name: &str) -> String {
    let extension = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let python = match extension.as_deref() {
        Some("py") => Some("text/x-python"),
        Some("sh") => Some("text/x-sh"),
        Some("c") => Some("text/x-csrc"),
        Some("h") => Some("text/x-chdr"),
        Some("cpp") => Some("text/x-c++src"),
        Some("java") => Some("text/x-java"),
        Some("rb") => Some("application/x-ruby"),
        Some("xml") => Some("application/xml"),
        _ => None,
    };
    match python {
        Some(known) => known.to_string(),
        None => mime_guess::from_path(name)
            .first_or_octet_stream()
            .essence_str()
            .to_string(),
    }
}

/// How much of a file one read takes. tokio reads files on its blocking
/// pool, a round trip between threads per read: at `ReaderStream`'s
/// default 4 KiB, the thread hand-offs, not the disk or the socket, bounded
/// an upload to about 100 MiB/s (`tests/benches/transfer.rs`).
const READ_CHUNK: usize = 256 * 1024;

async fn open(path: &Path) -> Result<Part, Error> {
    let unreadable =
        |e: std::io::Error| Error::InvalidArgument(format!("cannot read {}: {e}", path.display()));
    let file = tokio::fs::File::open(path).await.map_err(unreadable)?;
    let metadata = file.metadata().await.map_err(unreadable)?;
    // A directory opens fine on Unix and only fails on the first read, by
    // then mid-request, where it would look like a broken connection and
    // be retried.
    if !metadata.is_file() {
        return Err(Error::InvalidArgument(format!(
            "cannot upload {}: it is not a file",
            path.display()
        )));
    }
    let length = metadata.len();
    let stream = tokio_util::io::ReaderStream::with_capacity(file, READ_CHUNK);
    Ok(Part::stream_with_length(
        reqwest::Body::wrap_stream(stream),
        length,
    ))
}

impl Upload {
    /// The files of a skill: every file under `dir`, recursively and in
    /// name order, each sent under its path from `dir`'s parent
    /// (`csv-insights/SKILL.md`, `csv-insights/scripts/plot.py`), as the
    /// Skills API takes them. The files are read when the request is sent;
    /// only the directory is read now. A directory without `SKILL.md` at
    /// its top, or one that cannot be read, is an
    /// [`Error::InvalidArgument`]: nothing is sent.
    pub fn skill_directory(dir: impl AsRef<Path>) -> Result<Vec<Upload>, Error> {
        let dir = dir.as_ref();
        let unreadable = |path: &Path, e: std::io::Error| {
            Error::InvalidArgument(format!("cannot read {}: {e}", path.display()))
        };
        let name = dir.file_name().ok_or_else(|| {
            Error::InvalidArgument(format!("{} names no directory", dir.display()))
        })?;
        if !dir.join("SKILL.md").is_file() {
            return Err(Error::InvalidArgument(format!(
                "{} is not a skill: it has no SKILL.md at its top",
                dir.display()
            )));
        }
        let mut files = Vec::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(current) = pending.pop() {
            let mut entries = std::fs::read_dir(&current)
                .map_err(|e| unreadable(&current, e))?
                .map(|entry| entry.map(|e| e.path()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| unreadable(&current, e))?;
            entries.sort();
            for path in entries {
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                let relative = path.strip_prefix(dir).unwrap_or(&path);
                // Forward slashes whatever the platform: the API's paths.
                let mut sent = PathBuf::from(name);
                sent.push(relative);
                let sent = sent
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                files.push(Upload::from_path(&path).filename(sent));
            }
        }
        files.sort_by(|a, b| a.filename.cmp(&b.filename));
        Ok(files)
    }
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
        assert_eq!(Upload::from_path("SKILL.md").mime_type(), "text/markdown");
        assert_eq!(Upload::from_path("plot.py").mime_type(), "text/x-python");
        assert_eq!(
            Upload::from_path("no-extension").mime_type(),
            "application/octet-stream"
        );
        let given = Upload::from_bytes(&b"x"[..], "a.bin").content_type("text/plain");
        assert_eq!(given.mime_type(), "text/plain");
        assert_eq!(Upload::from_path("dir/a.md").file_name(), Some("a.md"));
    }

    #[test]
    fn a_skill_directory_sends_every_file_under_its_name() {
        let root = std::env::temp_dir().join(format!("skill-dir-{}", std::process::id()));
        let skill = root.join("csv-insights");
        std::fs::create_dir_all(skill.join("scripts")).expect("create the skill");
        std::fs::write(skill.join("SKILL.md"), "# CSV").expect("write");
        std::fs::write(skill.join("scripts/plot.py"), "print(1)").expect("write");
        let files = Upload::skill_directory(&skill).expect("a skill");
        let names: Vec<_> = files.iter().filter_map(Upload::file_name).collect();
        assert_eq!(
            names,
            ["csv-insights/SKILL.md", "csv-insights/scripts/plot.py"]
        );
        assert_eq!(files[1].mime_type(), "text/x-python");

        let empty = root.join("not-a-skill");
        std::fs::create_dir_all(&empty).expect("create");
        let error = Upload::skill_directory(&empty).expect_err("no SKILL.md");
        assert!(
            matches!(&error, Error::InvalidArgument(m) if m.contains("no SKILL.md")),
            "{error}"
        );
        let _ = std::fs::remove_dir_all(&root);
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
