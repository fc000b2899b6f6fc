//! Every field on the API reference pages is in the spec, at the right place.
//!
//! `tests/tools/doc_coverage.py` walks the field tree of each reference page
//! its `PAGES` table lists alongside the operation it documents in
//! spec/anthropic.yaml: its parameters, request body and 200 response. For
//! every field line it checks that the field exists there, that `optional`
//! matches `required`, that the type fits and that every listed literal is in
//! an enum. The pages come from that table alone (and the manifest written
//! from it), so covering a new page changes nothing here.
//!
//! The pages are the docs' prose and stay out of the repository; their facts
//! are in it, one JSON file per page under `spec/reference/` (written by
//! `cargo xtask reference`), and the check runs from those in every clone.
//! Where the pages themselves are beside the clone
//! (`../shared/docs/api-reference`, as the developers keep them), the manifest
//! must also be what the pages say now, and checking the pages directly must
//! give the same result; without them those halves print that they skipped.
//! The checker runs on the Python of `tests/tools/.venv` (it needs PyYAML),
//! which `cargo xtask test` installs; without it these tests fail.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value as Json};
use serde_yaml::Value;
use workspace_tests::generator::{dir_contents, workspace_root, xtask_binary};

/// The pages that document the Models API's `anthropic-beta` header.
const MODEL_PAGES: [&str; 4] = [
    "models/list.md",
    "models/retrieve.md",
    "beta/models/list.md",
    "beta/models/retrieve.md",
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

fn manifest_dir() -> PathBuf {
    workspace_root().join("spec/reference")
}

/// The reference pages, where the developers keep them beside the clone; other
/// clones (CI's among them) have none.
fn shared_docs() -> Option<PathBuf> {
    let dir = workspace_root().join("../shared/docs/api-reference");
    dir.canonicalize().ok().filter(|dir| dir.is_dir())
}

/// The committed manifest: each page (`messages/create.md`) and its facts.
fn manifest() -> BTreeMap<String, Json> {
    dir_contents(&manifest_dir())
        .into_iter()
        .map(|(path, bytes)| {
            assert_eq!(
                path.extension().and_then(OsStr::to_str),
                Some("json"),
                "spec/reference/ holds only the pages' .json files: {}",
                path.display()
            );
            let facts = serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("spec/reference/{} is JSON: {e}", path.display()));
            (page_of(&path), facts)
        })
        .collect()
}

/// The page a manifest file (relative to spec/reference/) holds the facts of.
fn page_of(file: &Path) -> String {
    file.with_extension("md").display().to_string()
}

/// What the checker printed and how it exited.
struct Report {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Report {
    fn of(output: Output) -> Self {
        Report {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

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

    /// The problems on `pages`: pages added to the table later may document
    /// the same schemas, and their problems are theirs to assert.
    fn problems_on(&self, pages: &[&str]) -> Vec<&str> {
        self.problems()
            .into_iter()
            .filter(|p| pages.iter().any(|page| p.starts_with(&format!("{page}:"))))
            .collect()
    }
}

fn checker(spec: &Path) -> Command {
    let mut cmd = Command::new(python());
    cmd.arg(workspace_root().join("tests/tools/doc_coverage.py"))
        .arg("--spec")
        .arg(spec);
    cmd
}

fn run(cmd: &mut Command) -> Report {
    Report::of(cmd.output().expect("the doc coverage checker runs"))
}

/// The check of `spec` against the committed manifest, as every test run does it.
fn check(spec: &Path) -> Report {
    run(&mut checker(spec))
}

/// `cargo xtask reference` with `args`, from the repository root.
fn xtask_reference<I: AsRef<OsStr>>(args: impl IntoIterator<Item = I>) -> Report {
    Report::of(
        Command::new(xtask_binary())
            .arg("reference")
            .args(args)
            .current_dir(workspace_root())
            .output()
            .expect("xtask runs"),
    )
}

fn field(name: &str, optional: bool, ty: &str) -> Json {
    json!({"kind": "field", "name": name, "optional": optional, "type": ty})
}

fn literal(value: &str) -> Json {
    json!({"kind": "literal", "value": value})
}

/// `page:line` of the one line of a page whose facts, its line number aside,
/// are `fact`.
fn at(page: &str, fact: Json) -> String {
    fn walk(nodes: &Json, fact: &Json, found: &mut Vec<u64>) {
        for node in nodes.as_array().into_iter().flatten() {
            let mut bare = node.clone();
            if let Some(keys) = bare.as_object_mut() {
                keys.remove("line");
                keys.remove("children");
            }
            if bare == *fact {
                found.push(node["line"].as_u64().expect("a line number"));
            }
            walk(&node["children"], fact, found);
        }
    }
    let manifest = manifest();
    let facts = manifest
        .get(page)
        .unwrap_or_else(|| panic!("spec/reference/ has the facts of {page}"));
    let mut found = Vec::new();
    for section in facts["sections"].as_array().into_iter().flatten() {
        walk(&section["lines"], &fact, &mut found);
    }
    assert_eq!(found.len(), 1, "{page} has {fact} once: {found:?}");
    format!("{page}:{}", found[0])
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

/// The spec with a known beta name dropped from the open set, ModelInfo's
/// `display_name` no longer required and `max_tokens` a string.
fn drifted_spec() -> Value {
    let mut spec = spec();
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
    // ModelInfo, not BetaModelInfo.
    at_path(
        &mut spec,
        &["components", "schemas", "ModelInfo", "required"],
    )
    .as_sequence_mut()
    .expect("required is a list")
    .retain(|v| v != "display_name");
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
    spec
}

/// Writes under `dir` a page for every page of the manifest, rebuilt from its
/// facts alone: each line at its line number and depth, every section's
/// heading, the endpoint on the first free line and blank lines elsewhere.
fn render_pages(dir: &Path) {
    fn render(page: &str, nodes: &Json, depth: usize, out: &mut BTreeMap<u64, String>) {
        for node in nodes.as_array().into_iter().flatten() {
            let text = |key: &str| {
                node[key]
                    .as_str()
                    .unwrap_or_else(|| panic!("{page}: `{key}` is a string in {node}"))
            };
            let line = match node["kind"].as_str() {
                Some("field") => {
                    let name = text("name");
                    let bare = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                    let name = if bare {
                        name.to_string()
                    } else {
                        format!("\"{name}\"")
                    };
                    let optional = if node["optional"] == true {
                        "optional "
                    } else {
                        ""
                    };
                    format!("{name}: {optional}{}", text("type"))
                }
                Some("named") => format!("{} = {}", text("name"), text("type")),
                Some("literal") => format!("\"{}\"", text("value")),
                _ => panic!("{page}: a line of unknown kind: {node}"),
            };
            let number = node["line"].as_u64().expect("a line number");
            let taken = out.insert(number, format!("{}- `{line}`", "  ".repeat(depth)));
            assert!(taken.is_none(), "{page}: two lines numbered {number}");
            render(page, &node["children"], depth + 1, out);
        }
    }
    for (page, facts) in manifest() {
        let mut lines = BTreeMap::new();
        for section in facts["sections"].as_array().into_iter().flatten() {
            let heading = section["line"].as_u64().expect("a heading line number");
            let title = section["title"].as_str().expect("a section title");
            lines.insert(heading, format!("### {title}"));
            render(&page, &section["lines"], 0, &mut lines);
        }
        for number in facts["unparsed"].as_array().into_iter().flatten() {
            let number = number.as_u64().expect("an unparsed line number");
            lines.insert(
                number,
                "- `neither a field, a named type nor a literal`".into(),
            );
        }
        if let Some(endpoint) = facts["endpoint"].as_object() {
            let free = (1..).find(|n| !lines.contains_key(n)).expect("a free line");
            let method = endpoint["method"].as_str().expect("a method");
            let path = endpoint["path"].as_str().expect("a path");
            lines.insert(free, format!("**{method}** `{path}`"));
        }
        let last = lines.keys().last().copied().unwrap_or(0);
        let text: String = (1..=last)
            .map(|n| format!("{}\n", lines.get(&n).map_or("", String::as_str)))
            .collect();
        let path = dir.join(&page);
        std::fs::create_dir_all(path.parent().expect("a page has a directory"))
            .expect("create a page directory");
        std::fs::write(&path, text).expect("write a page");
    }
}

/// The files that differ between two directories, or are in only one of them,
/// relative to them.
fn differing_files(a: &Path, b: &Path) -> Vec<PathBuf> {
    let (a, b) = (dir_contents(a), dir_contents(b));
    let names: BTreeSet<&PathBuf> = a.keys().chain(b.keys()).collect();
    names
        .into_iter()
        .filter(|name| a.get(*name) != b.get(*name))
        .cloned()
        .collect()
}

/// The field lines of the manifest, as the checker counts them.
fn field_lines(facts: &Json) -> usize {
    fn count(nodes: &Json) -> usize {
        nodes
            .as_array()
            .into_iter()
            .flatten()
            .map(|n| usize::from(n["kind"] == "field") + count(&n["children"]))
            .sum()
    }
    facts["sections"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| count(&s["lines"]))
        .sum()
}

#[test]
fn every_documented_field_is_in_the_spec() {
    let report = check(&workspace_root().join("spec/anthropic.yaml"));
    println!("{}", report.text());
    assert_eq!(report.code, Some(0), "{}", report.text());
    assert_eq!(report.stderr, "");
    assert!(
        report
            .stdout
            .lines()
            .next()
            .is_some_and(|l| l.ends_with(" against spec/reference")),
        "the check reads the manifest:\n{}",
        report.text()
    );

    let pages: Vec<String> = manifest().into_keys().collect();
    assert!(pages.len() >= 6, "the manifest has its pages: {pages:?}");
    let mut sum = [0; 3];
    for page in &pages {
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
    let pages = [
        "models/list.md",
        "beta/models/list.md",
        "messages/create.md",
    ];
    assert_eq!(
        report.problems_on(&pages),
        [
            format!(
                "{}: before_id: no query parameter `before_id` in models_list",
                at("models/list.md", field("before_id", true, "string"))
            ),
            format!(
                "{}: top_k: no property `top_k` in MessageCreateParams",
                at("messages/create.md", field("top_k", true, "number"))
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
}

#[test]
fn a_lost_literal_a_flipped_requirement_and_a_changed_type_are_reported() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let report = check(&write(tmp.path(), "drift.yaml", &drifted_spec()));
    assert_eq!(report.code, Some(1), "{}", report.text());
    let mut expected = Vec::new();
    for page in MODEL_PAGES {
        expected.push(format!(
            "{}: anthropic-beta[]: value \"skills-2025-10-02\" is not in the spec's enum",
            at(page, literal("skills-2025-10-02"))
        ));
    }
    for (page, path) in [
        ("models/list.md", "data[].display_name"),
        ("models/retrieve.md", "(ModelInfo).display_name"),
    ] {
        expected.push(format!(
            "{}: {path}: documented required, but ModelInfo.display_name is optional in the spec",
            at(page, field("display_name", false, "string"))
        ));
    }
    expected.push(format!(
        "{}: max_tokens: documented as a number (number), the spec allows string",
        at("messages/create.md", field("max_tokens", false, "number"))
    ));
    let mut pages = MODEL_PAGES.to_vec();
    pages.push("messages/create.md");
    let mut problems = report.problems_on(&pages);
    problems.sort_unstable();
    expected.sort_unstable();
    assert_eq!(problems, expected, "{}", report.text());
}

#[test]
fn the_manifest_holds_only_facts_and_matches_the_pages() {
    let keys = |value: &Json| -> Vec<String> {
        let mut keys: Vec<String> = value
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        keys
    };
    // Line numbers rise through a page; any other key (a description, an
    // example) would be prose copied from the page.
    fn lines(page: &str, nodes: &Json, last: &mut u64) {
        for node in nodes.as_array().into_iter().flatten() {
            let mut expected = match node["kind"].as_str() {
                Some("field") => vec!["kind", "line", "name", "optional", "type"],
                Some("named") => vec!["kind", "line", "name", "type"],
                Some("literal") => vec!["kind", "line", "value"],
                _ => panic!("{page}: a line of unknown kind: {node}"),
            };
            if node.get("children").is_some() {
                expected.push("children");
                expected.sort_unstable();
            }
            let mut actual: Vec<&str> = node
                .as_object()
                .map(|o| o.keys().map(String::as_str).collect())
                .unwrap_or_default();
            actual.sort_unstable();
            assert_eq!(actual, expected, "{page}: the keys of {node}");
            let number = node["line"].as_u64().expect("a line number");
            assert!(number > *last, "{page}:{number} comes after line {last}");
            *last = number;
            lines(page, &node["children"], last);
        }
    }
    let manifest = manifest();
    assert!(!manifest.is_empty(), "spec/reference/ holds pages");
    for (page, facts) in &manifest {
        assert_eq!(
            keys(facts),
            ["endpoint", "operation_id", "page", "sections", "unparsed"],
            "{page}"
        );
        assert_eq!(facts["page"], page.as_str(), "the file of {page} names it");
        let mut last = 0;
        for section in facts["sections"].as_array().expect("sections is a list") {
            assert_eq!(keys(section), ["line", "lines", "title"], "{page}");
            let heading = section["line"].as_u64().expect("a heading line number");
            assert!(heading > last, "{page}:{heading} comes after line {last}");
            last = heading;
            lines(page, &section["lines"], &mut last);
        }
    }

    let Some(docs) = shared_docs() else {
        println!(
            "skipped the freshness half: no reference pages at {}",
            workspace_root()
                .join("../shared/docs/api-reference")
                .display()
        );
        return;
    };
    let tmp = tempfile::tempdir().expect("a temp dir");
    let out = tmp.path().join("reference");
    let report = xtask_reference([
        OsStr::new("--docs"),
        docs.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
    ]);
    assert_eq!(report.code, Some(0), "{}", report.text());
    let stale: Vec<String> = differing_files(&out, &manifest_dir())
        .iter()
        .map(|file| page_of(file))
        .collect();
    assert!(
        stale.is_empty(),
        "spec/reference/ is not what the pages in {} say now for {}: run `cargo xtask reference \
         --docs {}` and commit the result",
        docs.display(),
        stale.join(", "),
        docs.display()
    );
}

#[test]
fn checking_the_pages_directly_gives_the_same_result_as_the_manifest() {
    let Some(docs) = shared_docs() else {
        println!(
            "skipped: no reference pages at {}",
            workspace_root()
                .join("../shared/docs/api-reference")
                .display()
        );
        return;
    };
    let tmp = tempfile::tempdir().expect("a temp dir");
    let specs = [
        workspace_root().join("spec/anthropic.yaml"),
        write(tmp.path(), "drift.yaml", &drifted_spec()),
    ];
    for spec in &specs {
        let from_manifest = run(checker(spec).arg("--rows"));
        let from_pages = run(checker(spec).arg("--rows").arg("--docs").arg(&docs));
        // Past the first line, which names where the facts came from.
        let body = |r: &Report| {
            r.stdout
                .lines()
                .skip(1)
                .map(String::from)
                .collect::<Vec<_>>()
        };
        let (ours, theirs) = (body(&from_manifest), body(&from_pages));
        assert!(
            ours.len() > 8,
            "the rows are printed:\n{}",
            from_manifest.text()
        );
        let differences: Vec<String> = ours
            .iter()
            .zip(&theirs)
            .filter(|(a, b)| a != b)
            .take(5)
            .map(|(a, b)| format!("  from spec/reference/: {a}\n  from the pages:       {b}"))
            .collect();
        assert!(
            differences.is_empty() && ours.len() == theirs.len(),
            "checking {} from spec/reference/ and from the pages in {} differs ({} and {} lines); \
             first differences:\n{}",
            spec.display(),
            docs.display(),
            ours.len(),
            theirs.len(),
            differences.join("\n")
        );
        assert_eq!(
            (from_manifest.code, &from_manifest.stderr),
            (from_pages.code, &from_pages.stderr),
            "checking {} from spec/reference/ and from the pages in {}",
            spec.display(),
            docs.display()
        );
    }
}

#[test]
fn reference_rewrites_the_manifest_from_the_pages_and_drops_pages_no_longer_listed() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let docs = tmp.path().join("docs");
    render_pages(&docs);
    let out = tmp.path().join("reference");
    std::fs::create_dir_all(out.join("retired")).expect("create a stale page directory");
    std::fs::write(out.join("retired/gone.json"), "{}\n").expect("write a stale page");
    std::fs::create_dir_all(out.join("models")).expect("create a page directory");
    std::fs::write(out.join("models/list.json"), "{}\n").expect("write an outdated page");

    let manifest = manifest();
    let fields: usize = manifest.values().map(field_lines).sum();
    let summary = |changed: usize, removed: usize| {
        format!(
            "wrote {} pages ({fields} field lines) from {} to {}: {changed} changed, {removed} removed\n",
            manifest.len(),
            docs.display(),
            out.display()
        )
    };
    let args = [
        OsStr::new("--docs"),
        docs.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
    ];
    let report = xtask_reference(args);
    assert_eq!(report.code, Some(0), "{}", report.text());
    assert_eq!(
        report.stdout,
        summary(manifest.len(), 1),
        "{}",
        report.text()
    );
    assert_eq!(
        differing_files(&out, &manifest_dir()),
        Vec::<PathBuf>::new(),
        "the pages rebuilt from spec/reference/ read back as spec/reference/, and nothing else"
    );
    assert!(
        !out.join("retired").exists(),
        "the emptied directory is gone"
    );

    let again = xtask_reference(args);
    assert_eq!(again.code, Some(0), "{}", again.text());
    assert_eq!(again.stdout, summary(0, 0), "{}", again.text());
}

#[test]
fn reference_refuses_a_missing_directory_or_page_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let out = tmp.path().join("reference");
    let nowhere = tmp.path().join("nowhere");
    let report = xtask_reference([
        OsStr::new("--docs"),
        nowhere.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
    ]);
    assert_eq!(report.code, Some(1), "{}", report.text());
    assert_eq!(
        report.stderr,
        format!(
            "error: `--docs {}` is not a directory: pass the api-reference directory of the docs \
             (the one holding messages/create.md)\n",
            nowhere.display()
        )
    );
    assert!(!out.exists(), "nothing was written");

    let docs = tmp.path().join("docs");
    render_pages(&docs);
    std::fs::remove_file(docs.join("messages/create.md")).expect("remove a page");
    std::fs::create_dir_all(&out).expect("create the output dir");
    std::fs::write(out.join("notes.txt"), "not a page\n").expect("write a marker");
    let before = dir_contents(&out);
    let report = xtask_reference([
        OsStr::new("--docs"),
        docs.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
    ]);
    assert_eq!(report.code, Some(1), "{}", report.text());
    assert_eq!(
        report.stderr,
        format!(
            "error: cannot write {}: reference pages missing under {}: messages/create.md\n",
            out.display(),
            docs.display()
        )
    );
    assert_eq!(report.stdout, "");
    assert_eq!(dir_contents(&out), before, "nothing was written");
}

#[test]
fn reference_without_docs_reads_the_shared_pages_or_asks_for_docs() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let out = tmp.path().join("reference");
    let report = xtask_reference([OsStr::new("--out"), out.as_os_str()]);
    if let Some(docs) = shared_docs() {
        println!("the pages are beside the clone: `reference` reads them");
        assert_eq!(report.code, Some(0), "{}", report.text());
        assert!(
            report.stdout.starts_with("wrote ")
                && report
                    .stdout
                    .contains(&format!(" from {} to ", docs.display()))
                && report.stdout.lines().count() == 1,
            "one summary line naming the default pages:\n{}",
            report.text()
        );
        assert_eq!(dir_contents(&out).len(), manifest().len());
    } else {
        println!("no pages beside the clone: `reference` asks for --docs");
        assert_eq!(report.code, Some(1), "{}", report.text());
        assert_eq!(
            report.stderr,
            format!(
                "error: no reference pages at {} beside the workspace: pass `--docs DIR`, the \
                 api-reference directory of the docs\n",
                workspace_root()
                    .join("../shared/docs/api-reference")
                    .display()
            )
        );
        assert!(!out.exists(), "nothing was written");
    }
}

#[test]
fn a_manifest_that_is_not_the_table_s_pages_is_refused() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let spec = workspace_root().join("spec/anthropic.yaml");
    let copy = |name: &str| -> PathBuf {
        let dir = tmp.path().join(name);
        for (file, bytes) in dir_contents(&manifest_dir()) {
            let target = dir.join(file);
            std::fs::create_dir_all(target.parent().expect("a file has a directory"))
                .expect("create a manifest directory");
            std::fs::write(target, bytes).expect("copy a manifest file");
        }
        dir
    };
    let refused = |dir: &Path, because: &str| {
        let report = run(checker(&spec).arg("--manifest").arg(dir));
        assert_eq!(report.code, Some(2), "{}", report.text());
        assert_eq!(report.stdout, "", "no coverage from a refused manifest");
        assert!(
            report.stderr.contains(because),
            "stderr says `{because}`:\n{}",
            report.stderr
        );
    };
    let edit = |dir: &Path, file: &str, change: &dyn Fn(&mut Json)| {
        let path = dir.join(file);
        let mut facts: Json =
            serde_json::from_slice(&std::fs::read(&path).expect("read a manifest file"))
                .expect("a manifest file is JSON");
        change(&mut facts);
        std::fs::write(&path, facts.to_string()).expect("write a manifest file");
    };

    let extra = copy("extra");
    std::fs::create_dir_all(extra.join("retired")).expect("create a directory");
    std::fs::write(extra.join("retired/gone.json"), "{}\n").expect("write a stale page");
    refused(
        &extra,
        "holds pages that PAGES does not list: retired/gone.json; run `cargo xtask reference",
    );

    let missing = copy("missing");
    std::fs::remove_file(missing.join("messages/create.json")).expect("remove a page");
    refused(&missing, "has no facts for messages/create.json");

    let renamed = copy("renamed");
    edit(&renamed, "models/list.json", &|facts| {
        facts["operation_id"] = json!("models_index");
    });
    refused(
        &renamed,
        "is stale: it holds models/list.md as models_index, PAGES has models/list.md as models_list",
    );

    let prose = copy("prose");
    edit(&prose, "models/list.json", &|facts| {
        facts["sections"][0]["lines"][0]["description"] = json!("Some words from the page.");
    });
    refused(&prose, "unknown key(s) description");

    // The unchanged copy is checked, so the refusals above are the edits'.
    let same = copy("same");
    let report = run(checker(&spec).arg("--manifest").arg(&same));
    assert!(
        matches!(report.code, Some(0 | 1)) && report.stderr.is_empty(),
        "{}",
        report.text()
    );
    report.counts("total");
}
