//! `cargo xtask <task>`: the maintainer's tasks.
//!
//! - `generate`: regenerate `generated/src/generated/` from `spec/anthropic.yaml`.
//! - `generate --check`: exit non-zero, naming the stale files, when the
//!   committed code differs from a fresh generation.
//! - `test`: install the pinned test tools (Prism, the spec validator) and
//!   run every test of the workspace.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const SPEC: &str = "spec/anthropic.yaml";
const OUT_DIR: &str = "generated/src/generated";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate(&root, args.iter().any(|a| a == "--check")),
        Some("test") => test(&root, &args[1..]),
        _ => Err(
            "usage: cargo xtask generate [--check] | cargo xtask test [-- <cargo test args>]"
                .to_string(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn generate(root: &Path, check: bool) -> Result<(), String> {
    let output = codegen::generate(&root.join(SPEC), SPEC).map_err(|e| e.to_string())?;
    let out_dir = root.join(OUT_DIR);
    let stats = output.stats;
    if check {
        let stale = codegen::emit::diff(&out_dir, &output.files);
        if !stale.is_empty() {
            let names: Vec<String> = stale.iter().map(|p| display(root, p)).collect();
            return Err(format!(
                "the committed generated code is stale; run `cargo xtask generate`. Differs: {}",
                names.join(", ")
            ));
        }
        println!(
            "generated code is up to date: {} operations, {} types, {} lines ({} ms)",
            stats.operations, stats.types, stats.lines, stats.millis
        );
        return Ok(());
    }
    let changed = codegen::emit::write(&out_dir, &output.files).map_err(|e| e.to_string())?;
    println!(
        "generated {} operations, {} types, {} lines in {} ms; {} file(s) changed",
        stats.operations,
        stats.types,
        stats.lines,
        stats.millis,
        changed.len()
    );
    Ok(())
}

fn display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}

/// Installs the pinned tools the tests use, then runs every test.
fn test(root: &Path, extra: &[String]) -> Result<(), String> {
    let tools = root.join("tests/tools");
    if !tools.join("node_modules/.bin/prism").exists() {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&tools))?;
    }
    let venv = tools.join(".venv");
    if !venv.join("bin/openapi-spec-validator").exists() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        run(Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(tools.join("requirements.txt")))?;
    }
    let extra: Vec<&String> = extra.iter().filter(|a| a.as_str() != "--").collect();
    run(Command::new(env!("CARGO"))
        .args(["test", "--workspace", "--all-targets"])
        .args(extra)
        .current_dir(root))
}
