//! The files under `tests/fixtures/`, read by path from the package, so a
//! test never depends on anything outside the repository.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The path of `tests/fixtures/<name>`, such as `batches/batch.json`.
pub fn path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// The text of `tests/fixtures/<name>`.
pub fn text(name: &str) -> String {
    let path = path(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()))
}

/// The JSON of `tests/fixtures/<name>`, parsed.
pub fn json(name: &str) -> Value {
    serde_json::from_str(&text(name)).unwrap_or_else(|e| panic!("fixture {name} is not JSON: {e}"))
}
