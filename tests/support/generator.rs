//! Helpers for the generator's tests: fixture specs, generated files by
//! path, the real `xtask` binary, and byte-for-byte pictures of directories.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The repository's root (the workspace directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent directory")
        .to_path_buf()
}

/// The fixture spec `name` (such as `open_enum.yaml` or
/// `broken/dangling_ref.yaml`) under `tests/fixtures/codegen/`.
pub fn fixture_path(name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures/codegen").join(name)
}

/// How errors and `@generated` headers name a fixture: relative to the
/// repository, so snapshots do not depend on where it is checked out.
pub fn fixture_label(name: &str) -> String {
    format!("tests/fixtures/codegen/{name}")
}

/// The text of a fixture spec.
pub fn fixture_text(name: &str) -> String {
    let path = fixture_path(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()))
}

/// Runs the whole generator on a fixture spec.
pub fn generate_fixture(name: &str) -> Result<codegen::Output, codegen::Error> {
    let label = fixture_label(name);
    codegen::generate_from_str(Path::new(&label), &fixture_text(name), &label)
}

/// The generated file at `path` (relative to the output directory, such as
/// `types.rs`); panics naming the files there are when it is missing.
pub fn generated_file<'o>(output: &'o codegen::Output, path: &str) -> &'o str {
    output
        .files
        .iter()
        .find(|f| f.path == Path::new(path))
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| {
            let names: Vec<_> = output.files.iter().map(|f| f.path.display()).collect();
            panic!("no generated file `{path}`; the generator produced {names:?}")
        })
}

/// The 1-based line of the first line of `text` that contains `needle`.
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("`{needle}` is not in the text"))
}

/// The `xtask` binary, built once per test process with the same cargo
/// that runs the tests.
pub fn xtask_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let output = Command::new(cargo)
            .args(["build", "--quiet", "-p", "xtask", "--message-format=json"])
            .current_dir(workspace_root())
            .output()
            .expect("cargo can be run");
        assert!(
            output.status.success(),
            "building xtask failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "xtask")
            .find_map(|m| m["executable"].as_str().map(PathBuf::from))
            .expect("cargo reports the xtask executable")
    })
}

/// Every file under `dir`, hidden ones included, with its bytes, by path
/// relative to `dir`: two equal pictures mean the directory is unchanged.
pub fn dir_contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let bytes = std::fs::read(&path)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
                let relative = path.strip_prefix(root).expect("under root").to_path_buf();
                out.insert(relative, bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}
