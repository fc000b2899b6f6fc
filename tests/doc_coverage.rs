//! Every field on the transcribed reference pages is in the spec, at the right place.
//!
//! `tests/tools/doc_coverage.py` walks the field tree of each reference page
//! (Models list and retrieve, their beta forms, Messages create and
//! count_tokens) alongside the operation it documents in spec/anthropic.yaml:
//! its parameters, request body and 200 response. For every field line it
//! checks that the field exists there, that `optional` matches `required`,
//! that the type fits and that every listed literal is in an enum.
//!
//! The pages are read from `../shared/docs/api-reference` beside the clone
//! (CI keeps a copy of shared/ there, as the developers do). The checker runs
//! on the Python of `tests/tools/.venv` (it needs PyYAML), which
//! `cargo xtask test` installs. Without either these tests fail; they never skip.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_yaml::Value;
use workspace_tests::generator::workspace_root;

/// The pages the checker covers, as it names them.
const PAGES: [&str; 6] = [
    "models/list.md",
    "models/retrieve.md",
    "beta/models/list.md",
    "beta/models/retrieve.md",
    "messages/create.md",
    "messages/count_tokens.md",
];

fn python() -> PathBuf {
    let path = workspace_root().join("tests/tools/.venv/bin/python");
    assert!(
        path.exists(),
        "the Python that runs tests/tools/doc_coverage.py is not installed at {}: run \
         `cargo xtask test`, which installs tests/tools/requirements.txt (PyYAML among them) \
         into tests/tools/.venv",
        path.display()
    );
    path
}

fn reference_dir() -> PathBuf {
    let dir = workspace_root().join("../shared/docs/api-reference");
    assert!(
        dir.join("messages/create.md").is_file(),
        "the API reference pages are not at {}: the doc coverage test reads them from the \
         shared/ directory beside the clone",
        dir.display()
    );
    dir
}

/// What the checker printed and how it exited.
struct Report {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Report {
    fn text(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// The `field lines`, `covered` and `problems` counts of one page (or `total`).
    fn counts(&self, label: &str) -> [usize; 3] {
        let line = self
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(label))
            .unwrap_or_else(|| panic!("no totals for `{label}` in:\n{}", self.text()));
        let words: Vec<&str> = line.split_whitespace().collect();
        let count = |word: &str| -> usize {
            let at = words
                .iter()
                .position(|w| *w == word)
                .unwrap_or_else(|| panic!("no `{word}` count in `{line}`"));
            words[at - 1]
                .parse()
                .unwrap_or_else(|_| panic!("a number before `{word}` in `{line}`"))
        };
        [count("field"), count("covered"), count("problems")]
    }

    /// The lines listed under `problems:`, trimmed.
    fn problems(&self) -> Vec<&str> {
        self.stdout
            .lines()
            .skip_while(|l| *l != "problems:")
            .skip(1)
            .map(str::trim)
            .collect()
    }
}

fn check(spec: &Path) -> Report {
    let output = Command::new(python())
        .arg(workspace_root().join("tests/tools/doc_coverage.py"))
        .arg("--spec")
        .arg(spec)
        .arg("--docs")
        .arg(reference_dir())
        .output()
        .expect("the doc coverage checker runs");
    Report {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `page:line` of the one line of a reference page that reads `text` once trimmed.
fn at(page: &str, text: &str) -> String {
    let content = std::fs::read_to_string(reference_dir().join(page))
        .unwrap_or_else(|e| panic!("read {page}: {e}"));
    let lines: Vec<usize> = content
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == text)
        .map(|(n, _)| n + 1)
        .collect();
    assert_eq!(lines.len(), 1, "{page} has `{text}` once: {lines:?}");
    format!("{page}:{}", lines[0])
}

fn spec() -> Value {
    let text = std::fs::read_to_string(workspace_root().join("spec/anthropic.yaml"))
        .expect("the spec is readable");
    serde_yaml::from_str(&text).expect("spec/anthropic.yaml is YAML")
}

/// The mapping at `path` (keys from the document root), which must exist.
fn at_path<'v>(spec: &'v mut Value, path: &[&str]) -> &'v mut Value {
    path.iter().fold(spec, |node, key| {
        node.get_mut(*key)
            .unwrap_or_else(|| panic!("the spec has {}", path.join(".")))
    })
}

fn write(dir: &Path, name: &str, spec: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(
        &path,
        serde_yaml::to_string(spec).expect("the spec serializes"),
    )
    .expect("write the spec copy");
    path
}

#[test]
fn every_documented_field_is_in_the_spec() {
    let report = check(&workspace_root().join("spec/anthropic.yaml"));
    println!("{}", report.text());
    assert_eq!(report.code, Some(0), "{}", report.text());
    assert_eq!(report.stderr, "");

    let mut sum = [0; 3];
    for page in PAGES {
        let [lines, covered, problems] = report.counts(page);
        // A page whose lines were not understood would be trivially "covered".
        assert!(lines > 0, "{page} has field lines:\n{}", report.text());
        assert_eq!(
            (covered, problems),
            (lines, 0),
            "{page} is fully covered:\n{}",
            report.text()
        );
        sum = [sum[0] + lines, sum[1] + covered, sum[2] + problems];
    }
    assert_eq!(report.counts("total"), sum, "{}", report.text());
    assert!(report.problems().is_empty(), "{}", report.text());
}

#[test]
fn a_documented_field_removed_from_the_spec_is_reported() {
    let mut spec = spec();
    let properties = at_path(
        &mut spec,
        &["components", "schemas", "MessageCreateParams", "properties"],
    );
    let removed = properties
        .as_mapping_mut()
        .expect("properties is a mapping")
        .remove("top_k");
    assert!(removed.is_some(), "MessageCreateParams has top_k");
    // Only from the models list: the beta list keeps its `before_id`.
    let parameters = at_path(&mut spec, &["paths", "/v1/models", "get", "parameters"])
        .as_sequence_mut()
        .expect("parameters is a list");
    let before = parameters.len();
    parameters.retain(|p| p["$ref"] != "#/components/parameters/BeforeId");
    assert_eq!(parameters.len(), before - 1, "models_list had before_id");

    let tmp = tempfile::tempdir().expect("a temp dir");
    let report = check(&write(tmp.path(), "removed.yaml", &spec));
    assert_eq!(report.code, Some(1), "{}", report.text());
    assert_eq!(
        report.problems(),
        [
            format!(
                "{}: before_id: no query parameter `before_id` in models_list",
                at("models/list.md", "- `before_id: optional string`")
            ),
            format!(
                "{}: top_k: no property `top_k` in MessageCreateParams",
                at("messages/create.md", "- `top_k: optional number`")
            ),
        ],
        "{}",
        report.text()
    );
    let [lines, covered, problems] = report.counts("models/list.md");
    assert_eq!((covered, problems), (lines - 1, 1), "{}", report.text());
    let [lines, covered, problems] = report.counts("messages/create.md");
    assert_eq!((covered, problems), (lines - 1, 1), "{}", report.text());
    let [lines, covered, problems] = report.counts("beta/models/list.md");
    assert_eq!((covered, problems), (lines, 0), "{}", report.text());
    assert_eq!(report.counts("total")[2], 2, "{}", report.text());
}

#[test]
fn a_lost_literal_a_flipped_requirement_and_a_changed_type_are_reported() {
    let mut spec = spec();
    // A known beta name drops out of the open set.
    let known = at_path(
        &mut spec,
        &["components", "schemas", "AnthropicBeta", "anyOf"],
    )
    .as_sequence_mut()
    .expect("anyOf is a list")
    .iter_mut()
    .find_map(|member| member.get_mut("enum"))
    .expect("AnthropicBeta lists its known values")
    .as_sequence_mut()
    .expect("enum is a list");
    known.retain(|v| v != "skills-2025-10-02");
    // ModelInfo (not BetaModelInfo) stops requiring display_name.
    at_path(
        &mut spec,
        &["components", "schemas", "ModelInfo", "required"],
    )
    .as_sequence_mut()
    .expect("required is a list")
    .retain(|v| v != "display_name");
    // max_tokens becomes a string.
    *at_path(
        &mut spec,
        &[
            "components",
            "schemas",
            "MessageCreateParams",
            "properties",
            "max_tokens",
            "type",
        ],
    ) = Value::from("string");

    let tmp = tempfile::tempdir().expect("a temp dir");
    let report = check(&write(tmp.path(), "drift.yaml", &spec));
    assert_eq!(report.code, Some(1), "{}", report.text());
    let mut expected = Vec::new();
    for page in &PAGES[..4] {
        expected.push(format!(
            "{}: anthropic-beta[]: value \"skills-2025-10-02\" is not in the spec's enum",
            at(page, "- `\"skills-2025-10-02\"`")
        ));
    }
    for (page, path) in [
        ("models/list.md", "data[].display_name"),
        ("models/retrieve.md", "(ModelInfo).display_name"),
    ] {
        expected.push(format!(
            "{}: {path}: documented required, but ModelInfo.display_name is optional in the spec",
            at(page, "- `display_name: string`")
        ));
    }
    expected.push(format!(
        "{}: max_tokens: documented as a number (number), the spec allows string",
        at("messages/create.md", "- `max_tokens: number`")
    ));
    let mut problems = report.problems();
    problems.sort_unstable();
    expected.sort_unstable();
    assert_eq!(problems, expected, "{}", report.text());
}
