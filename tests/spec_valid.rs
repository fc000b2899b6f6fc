//! spec/anthropic.yaml passes a standard OpenAPI validator.
//!
//! The validator is openapi-spec-validator from PyPI, pinned in
//! `tests/tools/requirements.txt` and installed into `tests/tools/.venv` by
//! `cargo xtask test`. Without it these tests fail (they never skip).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use workspace_tests::generator::{fixture_path, workspace_root};

fn validator() -> PathBuf {
    let path = workspace_root().join("tests/tools/.venv/bin/openapi-spec-validator");
    assert!(
        path.exists(),
        "the OpenAPI validator is not installed at {}: run `cargo xtask test`, which installs \
         tests/tools/requirements.txt into tests/tools/.venv",
        path.display()
    );
    path
}

fn validate(specs: &[&Path]) -> Output {
    Command::new(validator())
        .args(specs)
        .output()
        .expect("openapi-spec-validator runs")
}

/// The validator's output, cut short: on a dangling `$ref` it prints the
/// whole document.
fn shown(output: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    text.chars().take(2000).collect()
}

#[test]
fn the_spec_passes_openapi_spec_validator() {
    let spec = workspace_root().join("spec/anthropic.yaml");
    let output = validate(&[&spec]);
    assert!(output.status.success(), "{}", shown(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("{}: OK", spec.display())
    );
}

/// A copy of the spec with `from` replaced by `to` (which must occur).
fn broken_copy(dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(workspace_root().join("spec/anthropic.yaml"))
        .expect("the spec is readable");
    assert!(text.contains(from), "the spec contains `{from}`");
    let path = dir.join(name);
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write the broken copy");
    path
}

#[test]
fn the_validator_rejects_broken_copies_of_the_spec() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    // A type OpenAPI does not have.
    let bad_type = broken_copy(
        tmp.path(),
        "bad-type.yaml",
        "      schema:\n        type: integer\n        minimum: 1\n",
        "      schema:\n        type: int\n        minimum: 1\n",
    );
    let output = validate(&[&bad_type]);
    assert!(!output.status.success(), "`type: int` must be rejected");
    let text = shown(&output);
    assert!(text.contains("Validation Error"), "{text}");
    assert!(text.contains("'type': 'int'"), "{text}");

    // A `$ref` to nothing.
    let dangling = broken_copy(
        tmp.path(),
        "dangling.yaml",
        "$ref: '#/components/schemas/ModelInfo'",
        "$ref: '#/components/schemas/NoSuchModelInfo'",
    );
    let output = validate(&[&dangling]);
    assert!(!output.status.success(), "a dangling $ref must be rejected");
    let text = shown(&output);
    assert!(
        text.contains("'/components/schemas/NoSuchModelInfo' does not exist"),
        "{text}"
    );
}

#[test]
fn the_generator_fixtures_are_standard_openapi_too() {
    let good = [
        "open_enum.yaml",
        "array_header.yaml",
        "nullable.yaml",
        "beta_variant.yaml",
        "error_response.yaml",
        "pagination.yaml",
    ]
    .map(fixture_path);
    let paths: Vec<&Path> = good.iter().map(PathBuf::as_path).collect();
    let output = validate(&paths);
    assert!(output.status.success(), "{}", shown(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for path in &good {
        assert!(
            stdout.contains(&format!("{}: OK", path.display())),
            "{stdout}"
        );
    }

    // Two of the broken fixtures are broken for any tool, not only ours.
    let duplicate = fixture_path("broken/duplicate_operation_id.yaml");
    let output = validate(&[&duplicate]);
    assert!(!output.status.success());
    assert!(
        shown(&output).contains("Operation ID 'widgets_retrieve' for 'get' in '/v1/widgets/{widget_id}/parts' is not unique"),
        "{}",
        shown(&output)
    );
    let dangling = fixture_path("broken/dangling_ref.yaml");
    let output = validate(&[&dangling]);
    assert!(!output.status.success());
    assert!(
        shown(&output).contains("'/components/schemas/Gadget' does not exist"),
        "{}",
        shown(&output)
    );
}
