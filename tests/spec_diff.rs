//! `cargo xtask diff`: each rule on its fixture pair (`tests/fixtures/diff/`,
//! the base and one edit of it) with a snapshot of the report, the real
//! spec with six edits, and the command line (`--from`/`--to`, a git
//! revision, `--deny`, `--markdown`).
//!
//! Besides each snapshot, every test asserts the line its rule is about, so
//! a snapshot accepted without reading it still cannot hide a wrong word.

use std::path::Path;
use std::process::{Command, Output};

use codegen::diff::{Change, Report, Runtime, Semver};
use serde_yaml::Value;
use workspace_tests::diff::{fixture, report, Case, CASES};
use workspace_tests::generator::{workspace_root, xtask_binary};

fn find<'r>(report: &'r Report, pointer: &str) -> Vec<&'r Change> {
    report
        .changes
        .iter()
        .filter(|c| c.pointer == pointer)
        .collect()
}

fn check_case(case: &Case) {
    let report = report(case.name);
    let text = report.text();
    insta::assert_snapshot!(format!("diff__{}", case.name), text);
    let found = find(&report, case.pointer);
    assert!(
        found.iter().any(|c| c.semver == case.semver
            && c.runtime == case.runtime
            && c.what.contains(case.what)),
        "{}: expected `{} {} {} …{}…`, got:\n{text}",
        case.name,
        case.semver,
        case.runtime,
        case.pointer,
        case.what
    );
    // The rule's line is the release's verdict: every other line is a
    // consequence of the same edit (a type it adds), never a higher one.
    assert_eq!(report.semver(), case.semver, "{}:\n{text}", case.name);
    assert!(
        text.ends_with(&format!("semver: {}\n", case.semver)),
        "the last line sums it up:\n{text}"
    );
    let breaks = report.changes.iter().any(|c| c.runtime == Runtime::Breaks);
    assert_eq!(
        breaks,
        case.runtime == Runtime::Breaks,
        "{}:\n{text}",
        case.name
    );
}

macro_rules! rules {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let case = CASES
                    .iter()
                    .find(|c| c.name == stringify!($name))
                    .expect("the case is in the table");
                check_case(case);
            }
        )*

        /// Every case of the table has its test above, and a fixture.
        #[test]
        fn every_case_is_tested() {
            let tested = [$(stringify!($name)),*];
            for case in CASES {
                assert!(tested.contains(&case.name), "{} has no test", case.name);
                assert!(fixture(case.name).is_file(), "{} has no fixture", case.name);
            }
            assert_eq!(tested.len(), CASES.len());
        }
    };
}

rules!(
    operation_removed,
    parameter_removed,
    response_field_removed,
    request_field_removed,
    known_value_removed,
    parameter_made_required,
    request_field_made_required,
    required_request_field_added,
    field_type_changed,
    closed_enum_value_added,
    open_set_value_added,
    response_field_made_optional,
    response_field_made_nullable,
    optional_request_field_added,
    optional_response_field_added,
    parameter_added,
    operation_added,
    union_member_added,
    description_changed,
);

#[test]
fn the_same_spec_has_no_change_and_is_a_patch() {
    let report = report("base");
    assert!(report.changes.is_empty(), "{}", report.text());
    assert_eq!(report.text(), "semver: patch\n");
}

#[test]
fn a_closed_enum_only_requests_send_can_grow_without_breaking_deployed_programs() {
    // `GadgetSize` is only ever sent: old programs never decode it, so a new
    // value is safe for them, but still major for code matching on it.
    let base = workspace_tests::diff::fixture_text("base");
    let grown = base.replace("enum: [small, large]", "enum: [small, large, huge]");
    assert_ne!(base, grown);
    let report = codegen::diff::compare_str(
        Path::new("base.yaml"),
        &base,
        Path::new("grown.yaml"),
        &grown,
    )
    .expect("compares");
    let lines = find(&report, "/components/schemas/GadgetSize/enum/2");
    assert_eq!(lines.len(), 1, "{}", report.text());
    assert_eq!(
        (lines[0].semver, lines[0].runtime),
        (Semver::Major, Runtime::Safe)
    );
}

// ---- the real spec ----

/// `spec/anthropic.yaml` with the six edits.
fn six_edits(spec: &str) -> (String, String) {
    let mut doc: Value = serde_yaml::from_str(spec).expect("the spec is YAML");
    let schemas = &mut doc["components"]["schemas"];

    // 1. A required response field removed.
    let model = &mut schemas["ModelInfo"];
    let removed = model["properties"]
        .as_mapping_mut()
        .and_then(|p| p.remove("display_name"));
    assert!(removed.is_some(), "ModelInfo has display_name");
    retain_required(model, "display_name");

    // 2. An optional request field added.
    let params = schemas["MessageCreateParams"]["properties"]
        .as_mapping_mut()
        .expect("MessageCreateParams has properties");
    assert!(!params.contains_key("diff_probe"), "the field is new");
    params.insert(
        "diff_probe".into(),
        serde_yaml::from_str("{type: string, description: A field the diff test adds.}")
            .expect("YAML"),
    );

    // 3. An open set grown: the value goes last, so its pointer is the
    // list's length before.
    let values = schemas["StopReason"]["anyOf"][1]["enum"]
        .as_sequence_mut()
        .expect("StopReason is an open set");
    let index = values.len();
    values.push("diff_probe".into());

    // 4. A required response field made optional.
    retain_required(&mut schemas["Usage"], "output_tokens");

    // 5. An operation added: a delete beside the model's get.
    let item = &mut doc["paths"]["/v1/models/{model_id}"];
    let mut delete = item["get"].clone();
    delete["operationId"] = "models_delete".into();
    delete["summary"] = "Delete a model".into();
    item["delete"] = delete;

    // 6. A description changed.
    doc["paths"]["/v1/models"]["get"]["description"] = "Lists the models.".into();

    let text = serde_yaml::to_string(&doc).expect("serializes");
    (
        text,
        format!("/components/schemas/StopReason/anyOf/1/enum/{index}"),
    )
}

fn retain_required(schema: &mut Value, name: &str) {
    let required = schema["required"]
        .as_sequence_mut()
        .expect("a required list");
    let before = required.len();
    required.retain(|r| r.as_str() != Some(name));
    assert_eq!(required.len(), before - 1, "`{name}` was required");
}

fn real_spec() -> String {
    std::fs::read_to_string(workspace_root().join("spec/anthropic.yaml")).expect("the spec")
}

#[test]
fn the_real_spec_with_six_edits_is_reported_line_by_line() {
    let spec = real_spec();
    let (edited, stop_reason) = six_edits(&spec);
    let report = codegen::diff::compare_str(
        Path::new("spec/anthropic.yaml"),
        &spec,
        Path::new("edited.yaml"),
        &edited,
    )
    .expect("both specs generate");
    let lines: Vec<(Semver, Runtime, &str)> = report
        .changes
        .iter()
        .map(|c| (c.semver, c.runtime, c.pointer.as_str()))
        .collect();
    use Runtime::{Breaks, Safe};
    use Semver::{Major, Minor, Patch};
    assert_eq!(
        lines,
        [
            (
                Major,
                Breaks,
                "/components/schemas/ModelInfo/properties/display_name"
            ),
            (
                Major,
                Breaks,
                "/components/schemas/Usage/properties/output_tokens"
            ),
            (
                Minor,
                Safe,
                "/components/schemas/MessageCreateParams/properties/diff_probe"
            ),
            (Minor, Safe, stop_reason.as_str()),
            (Minor, Safe, "/paths/~1v1~1models~1{model_id}/delete"),
            (Patch, Safe, "/paths/~1v1~1models/get/description"),
        ],
        "{}",
        report.text()
    );
    let text = report.text();
    for what in [
        "field `ModelInfo.display_name` removed; deployed decoders require it",
        "field `Usage.output_tokens` is now optional (`Option<i64>`, was `i64`)",
        "field `MessageCreateParams.diff_probe` added, optional: setter `.diff_probe()`",
        "open set `StopReason` gains `\"diff_probe\"` (`StopReason::DiffProbe`)",
        "`client.models().delete()` added",
        "description of `client.models().list()` changed",
    ] {
        assert!(text.contains(what), "`{what}` in:\n{text}");
    }
    assert!(text.ends_with("semver: major\n"), "{text}");

    // Grouped for a release note: each line under its API group.
    let markdown = report.markdown();
    let messages = markdown.find("### messages").expect("a messages group");
    let models = markdown.find("### models").expect("a models group");
    let at = |needle: &str| {
        markdown
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` in:\n{markdown}"))
    };
    assert!(messages < models, "{markdown}");
    for needle in [
        "`Usage.output_tokens`",
        "`MessageCreateParams.diff_probe`",
        "`StopReason`",
    ] {
        assert!(
            (messages..models).contains(&at(needle)),
            "{needle} under messages:\n{markdown}"
        );
    }
    for needle in ["`ModelInfo.display_name`", "`client.models().delete()`"] {
        assert!(at(needle) > models, "{needle} under models:\n{markdown}");
    }
    assert!(
        markdown.starts_with("## API changes (semver: major)\n"),
        "{markdown}"
    );
}

#[test]
fn markdown_groups_the_report_for_a_release_note() {
    let report = report("union_member_added");
    let markdown = report.markdown();
    insta::assert_snapshot!("diff__markdown", markdown);
    assert!(markdown.contains("### gadgets\n"), "{markdown}");
    assert_eq!(
        markdown.matches("\n- ").count(),
        report.changes.len(),
        "one bullet per line of the report:\n{markdown}"
    );
}

// ---- the command line ----

fn xtask_diff(args: &[&str]) -> Output {
    Command::new(xtask_binary())
        .arg("diff")
        .args(args)
        .current_dir(workspace_root())
        .output()
        .expect("xtask runs")
}

fn path_arg(name: &str) -> String {
    fixture(name).display().to_string()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn the_command_prints_the_report_and_exits_zero() {
    let output = xtask_diff(&[
        "--from",
        &path_arg("base"),
        "--to",
        &path_arg("operation_removed"),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let printed = stdout(&output);
    assert_eq!(printed, report("operation_removed").text());
    assert!(
        printed.starts_with("major breaks /paths/~1v1~1gadgets~1{gadget_id}/delete "),
        "{printed}"
    );
    assert!(printed.ends_with("semver: major\n"), "{printed}");
}

#[test]
fn deny_major_fails_on_a_major_change_only() {
    let major = xtask_diff(&[
        "--from",
        &path_arg("base"),
        "--to",
        &path_arg("operation_removed"),
        "--deny",
        "major",
    ]);
    assert_eq!(major.status.code(), Some(1), "{}", stderr(&major));
    assert!(
        stderr(&major).contains("1 change(s) are major (--deny major)"),
        "{}",
        stderr(&major)
    );
    // The report is still printed, for the log.
    assert!(stdout(&major).ends_with("semver: major\n"));

    let minor = xtask_diff(&[
        "--from",
        &path_arg("base"),
        "--to",
        &path_arg("open_set_value_added"),
        "--deny",
        "major",
    ]);
    assert!(minor.status.success(), "{}", stderr(&minor));
}

#[test]
fn deny_breaks_fails_on_a_runtime_break_only() {
    let breaks = xtask_diff(&[
        "--from",
        &path_arg("base"),
        "--to",
        &path_arg("closed_enum_value_added"),
        "--deny",
        "breaks",
    ]);
    assert_eq!(breaks.status.code(), Some(1), "{}", stderr(&breaks));
    assert!(stderr(&breaks).contains("break deployed programs (--deny breaks)"));

    let safe = xtask_diff(&[
        "--from",
        &path_arg("base"),
        "--to",
        &path_arg("optional_request_field_added"),
        "--deny",
        "breaks",
    ]);
    assert!(safe.status.success(), "{}", stderr(&safe));
}

#[test]
fn markdown_flag_prints_the_grouped_report() {
    let output = xtask_diff(&[
        "--from",
        &path_arg("base"),
        "--to",
        &path_arg("union_member_added"),
        "--markdown",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), report("union_member_added").markdown());
}

#[test]
fn from_a_git_revision_reads_the_spec_committed_there() {
    let root = workspace_root();
    let committed = Command::new("git")
        .arg("-C")
        .arg(&root)
        .args(["show", "HEAD:spec/anthropic.yaml"])
        .output()
        .expect("git runs");
    assert!(committed.status.success(), "{}", stderr(&committed));
    let committed = String::from_utf8(committed.stdout).expect("UTF-8");
    let (edited, _) = six_edits(&committed);
    let tmp = tempfile::tempdir().expect("a temp dir");
    let to = tmp.path().join("anthropic.yaml");
    std::fs::write(&to, edited).expect("write the edited spec");
    let to = to.display().to_string();

    let output = xtask_diff(&["--from", "HEAD", "--to", &to]);
    assert!(output.status.success(), "{}", stderr(&output));
    let printed = stdout(&output);
    assert_eq!(
        printed.lines().count(),
        7,
        "six lines and the verdict:\n{printed}"
    );
    assert!(printed.ends_with("semver: major\n"), "{printed}");
}

#[test]
fn bad_arguments_are_refused_with_the_reason() {
    let deny = xtask_diff(&["--deny", "minor"]);
    assert!(!deny.status.success());
    assert!(
        stderr(&deny).contains("deny `major` or `breaks`"),
        "{}",
        stderr(&deny)
    );

    let rev = xtask_diff(&["--from", "no-such-revision-or-file"]);
    assert!(!rev.status.success());
    assert!(
        stderr(&rev)
            .contains("`--from no-such-revision-or-file` is neither a file nor a git revision"),
        "{}",
        stderr(&rev)
    );

    let broken = xtask_diff(&[
        "--from",
        &path_arg("base"),
        "--to",
        &workspace_root()
            .join("tests/fixtures/codegen/broken/dangling_ref.yaml")
            .display()
            .to_string(),
    ]);
    assert!(!broken.status.success());
    assert!(
        stderr(&broken).contains("dangling_ref.yaml:"),
        "{}",
        stderr(&broken)
    );
}
