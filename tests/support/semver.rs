//! Running cargo-semver-checks on the crates generated from the two sides of
//! a `cargo xtask diff` fixture pair.
//!
//! A fixture spec alone does not make a crate that compiles: the
//! hand-written runtime names the real spec's types. So each side is added
//! to the real spec (its paths, schemas, parameters and tags; names the real
//! spec already has are kept as they are), the crate is generated from that,
//! and only the fixture's part differs between the two sides. The crates
//! are built in a workspace of their own under `target/semver-agreement`,
//! where the dependencies are built once for every side.

use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::diff::Semver;
use serde_yaml::{Mapping, Value};

use crate::generator::workspace_root;

/// The version of cargo-semver-checks `tests/tools/cargo-tools.txt` pins.
pub fn pinned_version() -> String {
    let path = workspace_root().join("tests/tools/cargo-tools.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .find_map(|line| line.strip_prefix("cargo-semver-checks "))
        .map(|v| v.trim().to_string())
        .expect("cargo-tools.txt pins cargo-semver-checks")
}

/// The pinned cargo-semver-checks, which `cargo xtask test` installs.
pub fn tool() -> PathBuf {
    let path = workspace_root().join("tests/tools/cargo/bin/cargo-semver-checks");
    let version = pinned_version();
    let output = Command::new(&path).arg("--version").output();
    let found = output
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    assert!(
        found.split_whitespace().any(|w| w == version),
        "cargo-semver-checks {version} is not installed at {} (found: `{}`): run `cargo xtask test`, \
         which installs the tools of tests/tools/cargo-tools.txt",
        path.display(),
        found.trim()
    );
    path
}

/// The real spec with the fixture's paths, schemas, parameters and tags
/// added; what the real spec already names is kept.
pub fn merged_spec(real: &str, fixture: &str) -> String {
    let mut real: Value = serde_yaml::from_str(real).expect("the real spec is YAML");
    let fixture: Value = serde_yaml::from_str(fixture).expect("the fixture is YAML");
    add_missing(&mut real["paths"], &fixture["paths"]);
    for section in ["schemas", "parameters", "responses"] {
        add_missing(
            &mut real["components"][section],
            &fixture["components"][section],
        );
    }
    let known: Vec<Value> = real["tags"]
        .as_sequence()
        .into_iter()
        .flatten()
        .map(|t| t["name"].clone())
        .collect();
    let new_tags: Vec<Value> = fixture["tags"]
        .as_sequence()
        .into_iter()
        .flatten()
        .filter(|t| !known.contains(&t["name"]))
        .cloned()
        .map(|mut tag| {
            // The real spec names a cargo feature for every group; a new
            // group of the fixture's is a feature of its own name.
            if let Some(map) = tag.as_mapping_mut() {
                let name = map.get("name").cloned().unwrap_or(Value::Null);
                map.entry(Value::from("x-feature")).or_insert(name);
            }
            tag
        })
        .collect();
    if let Some(tags) = real["tags"].as_sequence_mut() {
        tags.extend(new_tags);
    }
    serde_yaml::to_string(&real).expect("the merged spec serializes")
}

fn add_missing(into: &mut Value, from: &Value) {
    let Some(from) = from.as_mapping() else {
        return;
    };
    if !into.is_mapping() {
        *into = Value::Mapping(Mapping::new());
    }
    if let Some(into) = into.as_mapping_mut() {
        for (key, value) in from {
            if !into.contains_key(key) {
                into.insert(key.clone(), value.clone());
            }
        }
    }
}

/// A workspace holding one copy of the `anthropic-client` crate, whose
/// generated code is replaced for each side.
pub struct CrateWorkspace {
    dir: PathBuf,
}

impl CrateWorkspace {
    /// Lays the workspace out anew under `target/semver-agreement`, keeping
    /// its build directory from earlier runs.
    pub fn new() -> Self {
        let root = workspace_root();
        let dir = root.join("target/semver-agreement");
        let krate = dir.join("crate");
        if krate.exists() {
            std::fs::remove_dir_all(&krate).expect("remove the old crate copy");
        }
        // The repository's manifest, with this one crate as its member, so
        // that the crate inherits the same package fields and versions.
        let manifest =
            std::fs::read_to_string(root.join("Cargo.toml")).expect("the workspace manifest");
        let manifest: String = manifest
            .lines()
            .filter(|l| !l.starts_with("exclude ="))
            .map(|l| {
                if l.starts_with("members =") {
                    "members = [\"crate\"]"
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::create_dir_all(&krate).expect("create the crate dir");
        std::fs::write(dir.join("Cargo.toml"), manifest + "\n").expect("write the manifest");
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
        std::fs::copy(root.join("generated/Cargo.toml"), krate.join("Cargo.toml"))
            .expect("copy the crate's manifest");
        copy_dir(&root.join("generated/src"), &krate.join("src"));
        // The manifest names the examples that need more than the defaults.
        copy_dir(&root.join("generated/examples"), &krate.join("examples"));
        CrateWorkspace { dir }
    }

    /// Generates the crate from `spec`, builds its rustdoc JSON and copies
    /// it to `out`.
    pub fn rustdoc(&self, spec: &str, out: &Path) {
        let label = "spec/anthropic.yaml";
        let generated = codegen::generate_from_str(Path::new(label), spec, label)
            .unwrap_or_else(|e| panic!("the merged spec generates:\n{e}"));
        let code = self.dir.join("crate/src/generated");
        if code.exists() {
            std::fs::remove_dir_all(&code).expect("remove the old generated code");
        }
        codegen::emit::write(&code, &generated.files).expect("write the generated code");
        // Its features too, as `cargo xtask generate` writes them.
        let manifest = self.dir.join("crate/Cargo.toml");
        let text = std::fs::read_to_string(&manifest).expect("the crate's manifest");
        let text = codegen::emit::splice_manifest(&manifest, &text, &generated.manifest_features)
            .expect("the crate's manifest has the generated features' markers");
        std::fs::write(&manifest, text).expect("write the crate's manifest");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let output = Command::new(cargo)
            // Every group compiled, so that every change can be seen.
            .args([
                "rustdoc",
                "--quiet",
                "--lib",
                "--all-features",
                "--manifest-path",
            ])
            .arg(self.dir.join("crate/Cargo.toml"))
            .args(["--", "-Z", "unstable-options", "--output-format", "json"])
            // The generated code sits in a `#[doc(hidden)]` module that `types`
            // and the crate root re-export by glob; rustdoc JSON leaves such
            // items out unless hidden ones are kept, and cargo-semver-checks
            // then sees no type at all. It still tells public paths from hidden.
            .arg("--document-hidden-items")
            // Rustdoc's JSON is unstable output; cargo-semver-checks reads it
            // from a stable toolchain the same way.
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_TARGET_DIR", self.dir.join("target"))
            .env_remove("RUSTDOCFLAGS")
            .output()
            .expect("cargo runs");
        assert!(
            output.status.success(),
            "rustdoc of the generated crate failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        std::fs::copy(self.dir.join("target/doc/anthropic_client.json"), out)
            .expect("copy the rustdoc JSON");
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Default for CrateWorkspace {
    fn default() -> Self {
        Self::new()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a directory");
    for entry in std::fs::read_dir(from).expect("list a directory") {
        let entry = entry.expect("a directory entry");
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy a file");
        }
    }
}

/// What cargo-semver-checks said of a release from `baseline` to `current`.
pub struct Verdict {
    /// The release it requires: major, minor, or none (patch).
    pub semver: Semver,
    /// Its whole output, to show when the verdict is unexpected.
    pub output: String,
}

pub fn semver_checks(tool: &Path, baseline: &Path, current: &Path) -> Verdict {
    let output = Command::new(tool)
        .args(["semver-checks", "check-release", "--color", "never"])
        .arg("--baseline-rustdoc")
        .arg(baseline)
        .arg("--current-rustdoc")
        .arg(current)
        // Checked as a patch release, every lint that asks for more fails.
        .args(["--release-type", "patch"])
        .output()
        .expect("cargo-semver-checks runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let semver = if text.contains("requires new major version") {
        Semver::Major
    } else if text.contains("requires new minor version") {
        Semver::Minor
    } else if text.contains("no semver update required") {
        Semver::Patch
    } else {
        panic!("cargo-semver-checks gave no verdict:\n{text}")
    };
    Verdict {
        semver,
        output: text,
    }
}
