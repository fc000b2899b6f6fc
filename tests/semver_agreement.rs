//! The semver column of `cargo xtask diff` against cargo-semver-checks, run
//! on the crate generated from each side of every fixture pair.
//!
//! The two agree when both call the release major, or neither does
//! (cargo-semver-checks does not tell a minor release from a patch on
//! additions). Where they disagree, `DISAGREEMENTS` names the case and
//! says why; a case that starts agreeing, or stops, fails the test.
//!
//! The pinned cargo-semver-checks (`tests/tools/cargo-tools.txt`) is
//! installed by `cargo xtask test`; without it this test fails, naming the
//! command.

use std::time::Instant;

use codegen::diff::Semver;
use workspace_tests::diff::{fixture_text, report, CASES};
use workspace_tests::generator::workspace_root;
use workspace_tests::semver::{merged_spec, semver_checks, tool, CrateWorkspace};

/// The cases where cargo-semver-checks says otherwise, and why.
const DISAGREEMENTS: &[(&str, &str)] = &[
    (
        "field_type_changed",
        "cargo-semver-checks has no lint for a public field whose type changes",
    ),
    (
        "response_field_made_optional",
        "the field's type becomes `Option<T>`: a type change, which it does not lint",
    ),
    (
        "response_field_made_nullable",
        "the field's type becomes `Option<T>`: a type change, which it does not lint",
    ),
];

#[test]
fn the_semver_column_agrees_with_cargo_semver_checks() {
    let tool = tool();
    let real = std::fs::read_to_string(workspace_root().join("spec/anthropic.yaml"))
        .expect("the real spec");
    let workspace = CrateWorkspace::new();
    let jsons = workspace.dir().join("rustdoc");
    std::fs::create_dir_all(&jsons).expect("a folder for the rustdoc JSON");

    let started = Instant::now();
    let base = jsons.join("base.json");
    workspace.rustdoc(&merged_spec(&real, &fixture_text("base")), &base);
    let baseline_time = started.elapsed();
    // The tool itself is sound here: the same crate needs no release.
    let same = semver_checks(&tool, &base, &base);
    assert_eq!(same.semver, Semver::Patch, "{}", same.output);

    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for case in CASES {
        let json = jsons.join(format!("{}.json", case.name));
        workspace.rustdoc(&merged_spec(&real, &fixture_text(case.name)), &json);
        let theirs = semver_checks(&tool, &base, &json);
        let ours = report(case.name).semver();
        assert_eq!(ours, case.semver, "{}: the table and the report", case.name);
        let agrees = (ours == Semver::Major) == (theirs.semver == Semver::Major);
        let known = DISAGREEMENTS.iter().find(|(name, _)| *name == case.name);
        rows.push(format!(
            "{:<32} diff: {:<5} cargo-semver-checks: {:<5} {}",
            case.name,
            ours.to_string(),
            theirs.semver.to_string(),
            match (agrees, known) {
                (true, _) => "agree".to_string(),
                (false, Some((_, why))) => format!("disagree: {why}"),
                (false, None) => "DISAGREE".to_string(),
            }
        ));
        match (agrees, known) {
            (true, None) | (false, Some(_)) => {}
            (false, None) => failures.push(format!(
                "{}: `cargo xtask diff` says {ours}, cargo-semver-checks says {}:\n{}",
                case.name, theirs.semver, theirs.output
            )),
            (true, Some(_)) => failures.push(format!(
                "{}: now agrees ({ours}); take it out of DISAGREEMENTS",
                case.name
            )),
        }
    }
    println!(
        "{}\n{} pairs in {:.0?} (the first crate, dependencies included, {:.0?})",
        rows.join("\n"),
        CASES.len(),
        started.elapsed(),
        baseline_time
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    for (name, _) in DISAGREEMENTS {
        assert!(
            CASES.iter().any(|c| c.name == *name),
            "{name} is not a case"
        );
    }
}
