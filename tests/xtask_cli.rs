//! `cargo xtask generate` on broken specs: non-zero exit, file/line/reason, output untouched.
//!
//! These run the real `xtask` binary (built once per run) with `--spec` and
//! `--out`, so nothing here touches the repository's own `generated/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use workspace_tests::generator::{
    dir_contents, fixture_path, fixture_text, line_of, workspace_root, xtask_binary,
};

const SPEC: &str = "spec/anthropic.yaml";

/// Runs `xtask generate` with `args`, from the repository root.
fn xtask_generate(args: &[&str], spec: &Path, out: &Path) -> Output {
    Command::new(xtask_binary())
        .arg("generate")
        .args(args)
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .current_dir(workspace_root())
        .output()
        .expect("xtask runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// An output directory holding a copy of the committed generated code plus
/// a file of our own, so that any write at all would show.
fn populated_out_dir(tmp: &tempfile::TempDir) -> PathBuf {
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).expect("create the output dir");
    let committed = workspace_root().join("generated/src/generated");
    for (path, bytes) in dir_contents(&committed) {
        let target = out.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).expect("create a subdirectory");
        }
        std::fs::write(target, bytes).expect("copy a committed file");
    }
    std::fs::write(out.join("notes.txt"), "not generated\n").expect("write a marker");
    out
}

/// `xtask generate` on a broken fixture fails naming the file, the line and
/// the reason, and leaves the output directory exactly as it was.
fn assert_rejected(fixture: &str, line: usize, reason: &str) {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let out = populated_out_dir(&tmp);
    let before = dir_contents(&out);
    let spec = fixture_path(fixture);

    let output = xtask_generate(&[], &spec, &out);
    let err = stderr(&output);
    assert!(
        !output.status.success(),
        "{fixture} must fail; stderr:\n{err}"
    );
    assert_eq!(output.status.code(), Some(1), "{err}");
    let location = format!("{}:{line}", spec.display());
    assert!(err.contains(&location), "stderr names `{location}`:\n{err}");
    assert!(
        err.contains(reason),
        "stderr gives the reason `{reason}`:\n{err}"
    );
    assert!(
        !stdout(&output).contains("generated"),
        "no summary on failure"
    );
    assert_eq!(
        dir_contents(&out),
        before,
        "a failing run leaves the output directory byte for byte as it was"
    );
}

#[test]
fn yaml_syntax_error_fails_with_file_line_and_reason() {
    let fixture = "broken/yaml_syntax.yaml";
    // The parser reports the unclosed `[` on the line after it opens.
    let line = line_of(&fixture_text(fixture), "tags: [widgets") + 1;
    assert_rejected(
        fixture,
        line,
        "invalid YAML: did not find expected ',' or ']'",
    );
}

#[test]
fn dangling_ref_fails_with_file_line_pointer_and_reason() {
    let fixture = "broken/dangling_ref.yaml";
    let line = line_of(&fixture_text(fixture), "#/components/schemas/Gadget");
    assert_rejected(
        fixture,
        line,
        "(at /paths/~1v1~1widgets~1{widget_id}/get/responses/200/content/application~1json/schema/$ref): \
         $ref `#/components/schemas/Gadget` does not resolve",
    );
}

#[test]
fn duplicate_operation_id_fails_with_file_line_and_reason() {
    let fixture = "broken/duplicate_operation_id.yaml";
    let text = fixture_text(fixture);
    let at = text
        .match_indices("operationId: widgets_retrieve")
        .nth(1)
        .map(|(at, _)| at)
        .expect("the fixture has two operations");
    let line = text[..at].lines().count();
    assert_rejected(fixture, line, "duplicate operationId `widgets_retrieve`");
}

#[test]
fn missing_spec_file_fails_naming_it() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let out = populated_out_dir(&tmp);
    let before = dir_contents(&out);
    let spec = tmp.path().join("absent.yaml");
    let output = xtask_generate(&[], &spec, &out);
    let err = stderr(&output);
    assert!(!output.status.success());
    assert!(
        err.contains(&format!("cannot read {}", spec.display())),
        "{err}"
    );
    assert_eq!(dir_contents(&out), before);
}

/// Parses `generated 6 operations, 261 types, 17146 lines in 364 ms; 6 file(s) changed`.
fn summary_numbers(line: &str) -> Vec<u128> {
    line.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().expect("a number"))
        .collect()
}

#[test]
fn generate_writes_the_files_and_prints_a_one_line_summary() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).expect("create the output dir");
    // A generated file the spec no longer produces is removed.
    std::fs::write(out.join("leftover.rs"), "// from an older spec\n").expect("write");
    let spec = workspace_root().join(SPEC);
    let expected = codegen::generate(&spec, "ignored").expect("the spec generates");

    let output = xtask_generate(&[], &spec, &out);
    let printed = stdout(&output);
    assert!(output.status.success(), "{}", stderr(&output));
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 1, "one summary line: {printed}");
    let summary = lines[0];
    assert!(
        summary.starts_with("generated ")
            && summary.contains(" operations, ")
            && summary.contains(" types, ")
            && summary.contains(" lines in ")
            && summary.contains(" ms; "),
        "{summary}"
    );
    let numbers = summary_numbers(summary);
    assert_eq!(numbers.len(), 5, "{summary}");
    let written = dir_contents(&out);
    let written_lines: usize = written
        .values()
        .map(|b| String::from_utf8_lossy(b).lines().count())
        .sum();
    assert_eq!(numbers[0], expected.stats.operations as u128, "{summary}");
    assert_eq!(numbers[1], expected.stats.types as u128, "{summary}");
    assert_eq!(numbers[2], written_lines as u128, "{summary}");
    // Every file changed, plus the leftover that was removed.
    assert_eq!(numbers[4], expected.files.len() as u128 + 1, "{summary}");

    // The files are the generator's, under a header naming the spec given.
    assert_eq!(written.len(), expected.files.len(), "{:?}", written.keys());
    for file in &expected.files {
        let on_disk = String::from_utf8(written[&file.path].clone()).expect("utf-8");
        let header = format!(
            "// @generated by `cargo xtask generate` from `{}`.\n",
            spec.display()
        );
        assert!(on_disk.starts_with(&header), "{}", file.path.display());
        assert_eq!(
            on_disk.lines().skip(1).collect::<Vec<_>>(),
            file.contents.lines().skip(1).collect::<Vec<_>>(),
            "{}",
            file.path.display()
        );
    }
    // No staging files are left behind.
    assert!(!written
        .keys()
        .any(|p| p.to_string_lossy().contains("staged")));

    // Again: nothing changes.
    let again = xtask_generate(&[], &spec, &out);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).trim_end().ends_with("; 0 file(s) changed"),
        "{}",
        stdout(&again)
    );
    assert_eq!(dir_contents(&out), written);
}

#[test]
fn check_passes_on_fresh_output_and_names_the_stale_files() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let out = tmp.path().join("out");
    let spec = workspace_root().join(SPEC);
    let first = xtask_generate(&[], &spec, &out);
    assert!(first.status.success(), "{}", stderr(&first));

    // Fresh: exit 0, and it says so.
    let fresh = xtask_generate(&["--check"], &spec, &out);
    assert!(fresh.status.success(), "{}", stderr(&fresh));
    assert!(
        stdout(&fresh).starts_with("generated code is up to date: "),
        "{}",
        stdout(&fresh)
    );

    // Stale: one file edited, one missing, one left over.
    let types = out.join("types.rs");
    let mut edited = std::fs::read_to_string(&types).expect("types.rs was written");
    edited.push_str("// edited by hand\n");
    std::fs::write(&types, edited).expect("edit types.rs");
    std::fs::remove_file(out.join("meta.rs")).expect("remove meta.rs");
    std::fs::write(out.join("old.rs"), "// from an older spec\n").expect("write old.rs");
    let before = dir_contents(&out);

    let stale = xtask_generate(&["--check"], &spec, &out);
    let err = stderr(&stale);
    assert!(!stale.status.success(), "a stale directory fails --check");
    assert_eq!(stale.status.code(), Some(1), "{err}");
    assert!(err.contains("stale"), "{err}");
    for name in ["types.rs", "meta.rs", "old.rs"] {
        assert!(
            err.contains(&out.join(name).display().to_string()),
            "names {name}: {err}"
        );
    }
    for name in ["mod.rs", "resources.rs", "open_enums.rs"] {
        assert!(
            !err.contains(&out.join(name).display().to_string()),
            "does not name the fresh {name}: {err}"
        );
    }
    assert_eq!(dir_contents(&out), before, "--check writes nothing");
}

#[test]
fn unknown_arguments_are_rejected_with_the_usage() {
    let output = Command::new(xtask_binary())
        .args(["generate", "--frobnicate"])
        .current_dir(workspace_root())
        .output()
        .expect("xtask runs");
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(err.contains("unknown argument `--frobnicate`"), "{err}");
    assert!(err.contains("usage: cargo xtask generate"), "{err}");
}
