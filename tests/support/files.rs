//! The Files and Skills APIs in the tests: canned answers of their
//! operations, a skill directory on disk, and the checks every request of
//! theirs must pass.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::runtime::API_KEY;

/// The beta every Files API operation sends by default.
pub const FILES_BETA: &str = "files-api-2025-04-14";
/// The beta every Skills API operation sends by default.
pub const SKILLS_BETA: &str = "skills-2025-10-02";

/// A 200 answer with `body` and a request id.
pub fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("request-id", "req_files")
        .set_body_json(body)
}

/// An API error answer with `status`, its error type and a request id.
pub fn api_error(status: u16, error_type: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("request-id", "req_failed_01")
        .set_body_json(json!({
            "type": "error",
            "error": {"type": error_type, "message": message},
            "request_id": "req_failed_01"
        }))
}

/// Answers `verb url_path` on `server` with `body`.
pub async fn answer(server: &MockServer, verb: &str, url_path: &str, body: Value) {
    Mock::given(method(verb))
        .and(path(url_path))
        .respond_with(ok(body))
        .mount(server)
        .await;
}

/// A `FileMetadata` body.
pub fn file(id: &str, filename: &str, mime_type: &str, size: u64, downloadable: bool) -> Value {
    json!({
        "id": id,
        "type": "file",
        "filename": filename,
        "mime_type": mime_type,
        "size_bytes": size,
        "created_at": "2025-04-15T10:20:30Z",
        "downloadable": downloadable
    })
}

/// A `ListFilesResponse` page of `files`, its ids from them.
pub fn files_page(files: Vec<Value>, has_more: bool) -> Value {
    json!({
        "data": files,
        "first_id": files.first().map(|f| f["id"].clone()),
        "last_id": files.last().map(|f| f["id"].clone()),
        "has_more": has_more
    })
}

/// A `Skill` body.
pub fn skill(id: &str, display_title: &str, latest_version: &str, source: &str) -> Value {
    json!({
        "id": id,
        "type": "skill",
        "display_title": display_title,
        "latest_version": latest_version,
        "source": source,
        "created_at": "2025-10-02T12:00:00.000000Z",
        "updated_at": "2025-10-03T08:30:00.000000Z"
    })
}

/// A `SkillVersion` body.
pub fn skill_version(skill_id: &str, version: &str, name: &str, directory: &str) -> Value {
    json!({
        "id": format!("skillver_{version}"),
        "type": "skill_version",
        "skill_id": skill_id,
        "version": version,
        "name": name,
        "description": format!("What {name} does."),
        "directory": directory,
        "created_at": "2025-10-02T12:00:00.000000Z"
    })
}

/// A page of a page-token list: `data`, `has_more` and `next_page`.
pub fn token_page(items: Vec<Value>, next_page: Option<&str>) -> Value {
    json!({"data": items, "has_more": next_page.is_some(), "next_page": next_page})
}

/// Asserts that `request` went to `verb url_path` with the API key, the API
/// version and exactly `betas` as its `anthropic-beta` header.
pub fn assert_request(request: &Request, verb: &str, url_path: &str, betas: &str) {
    assert_eq!(
        (request.method.as_str(), request.url.path()),
        (verb, url_path)
    );
    let header = |name: &str| -> Vec<String> {
        request
            .headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    };
    assert_eq!(header("x-api-key"), [API_KEY], "{verb} {url_path}");
    assert_eq!(
        header("anthropic-version"),
        ["2023-06-01"],
        "{verb} {url_path}"
    );
    assert_eq!(header("anthropic-beta"), [betas], "{verb} {url_path}");
}

/// One file of a skill directory: its path under the skill and its bytes.
pub struct SkillFile {
    pub path: &'static str,
    pub bytes: Vec<u8>,
}

/// The files of the test skill `csv-insights`, in the order the upload
/// sends them (by path), with bytes that a lax multipart writer or reader
/// would mangle: CRLFs, a line that looks like a delimiter, every byte value.
pub fn skill_files() -> Vec<SkillFile> {
    vec![
        SkillFile {
            path: "SKILL.md",
            bytes: b"---\nname: csv-insights\ndescription: Summarise CSV files.\n---\n\n# CSV insights\r\n--not-a-boundary\r\n"
                .to_vec(),
        },
        SkillFile {
            path: "data/sample.bin",
            bytes: (0..=255u8).chain(0..=255u8).collect(),
        },
        SkillFile {
            path: "data/sample.csv",
            bytes: b"city,temp\nParis,21\n".to_vec(),
        },
        SkillFile {
            path: "scripts/plot.py",
            bytes: b"import sys\nprint(sys.argv)\n".to_vec(),
        },
    ]
}

/// The content type each of [`skill_files`] is sent with.
pub fn skill_file_type(path: &str) -> &'static str {
    match Path::new(path).extension().and_then(|e| e.to_str()) {
        Some("md") => "text/markdown",
        Some("csv") => "text/csv",
        Some("py") => "text/x-python",
        _ => "application/octet-stream",
    }
}

/// Writes the skill `csv-insights` ([`skill_files`]) under a new temporary
/// directory; gives the directory (dropped, it is removed) and the skill's
/// path.
pub fn skill_dir() -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().expect("a temporary directory");
    let skill = root.path().join("csv-insights");
    for file in skill_files() {
        let path = skill.join(file.path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create the folders");
        std::fs::write(&path, &file.bytes).expect("write a skill file");
    }
    (root, skill)
}

/// The `files[]` parts an upload of the test skill sends, in order.
pub fn skill_parts() -> Vec<crate::multipart::Part> {
    skill_files()
        .into_iter()
        .map(|f| crate::multipart::Part {
            name: "files[]".to_string(),
            filename: Some(format!("csv-insights/{}", f.path)),
            content_type: Some(skill_file_type(f.path).to_string()),
            body: f.bytes,
        })
        .collect()
}
