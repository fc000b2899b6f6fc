//! `cargo xtask <task>`: the maintainer's tasks.
//!
//! - `generate`: regenerate `generated/src/generated/` from `spec/anthropic.yaml`.
//! - `generate --check`: exit non-zero, naming the stale files, when the
//!   committed code differs from a fresh generation.
//! - `generate --spec PATH --out DIR [--manifest FILE]`: the same on another
//!   spec or output directory (the tests use these; both default to the
//!   repository's). The `[features]` lines between the markers of
//!   `generated/Cargo.toml` (or of `--manifest`; none with only `--out`) are
//!   generated too.
//! - `test`: install the pinned test tools (Prism, the spec validator,
//!   cargo-semver-checks) and run every test of the workspace, then check
//!   that each API group's feature builds alone.
//! - `diff [--from REV_OR_FILE] [--to FILE] [--deny major|breaks] [--markdown]`:
//!   what a spec change does to the crate's users, one line per change (see
//!   the README's rules); by default from the spec at `HEAD` to the working
//!   tree's.
//! - `bench`: run every benchmark (`tests/benches/`), then print each figure
//!   as a ratio to the baseline measured in the same run (see BENCHMARKS.md).
//! - `bench-build [--rounds N]`: the clean release build of the crate alone,
//!   default features and `full`, against `claude-api` (see `bench_build`).
//! - `reference [--docs DIR] [--out DIR]`: rewrite `spec/reference/`, the
//!   facts of the API reference pages that `tests/doc_coverage.rs` checks the
//!   spec against, from the pages in DIR (by default
//!   `../shared/docs/api-reference` beside the workspace). Which pages are
//!   covered is the `PAGES` table of `tests/tools/doc_coverage.py`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod bench_build;
mod diff;

const SPEC: &str = "spec/anthropic.yaml";
const OUT_DIR: &str = "generated/src/generated";
const MANIFEST: &str = "generated/Cargo.toml";
const REFERENCE_DIR: &str = "spec/reference";
/// Where the developers and CI keep the reference pages, from the workspace root.
const DEFAULT_DOCS: &str = "../shared/docs/api-reference";
const USAGE: &str = "usage: cargo xtask generate [--check] [--spec PATH] [--out DIR] [--manifest FILE] \
                     | cargo xtask test [-- <cargo test args>] \
                     | cargo xtask diff [--from REV_OR_FILE] [--to FILE] [--deny major|breaks]... [--markdown] \
                     | cargo xtask bench [-- <cargo bench args>] \
                     | cargo xtask bench-build [--rounds N] \
                     | cargo xtask reference [--docs DIR] [--out DIR]";

/// The options of `generate`.
struct GenerateArgs {
    check: bool,
    spec: PathBuf,
    /// How the `@generated` header names the spec.
    spec_label: String,
    out: PathBuf,
    /// The crate manifest whose generated `[features]` lines to write.
    manifest: Option<PathBuf>,
}

impl GenerateArgs {
    fn parse(root: &Path, args: &[String]) -> Result<Self, String> {
        let mut parsed = GenerateArgs {
            check: false,
            spec: root.join(SPEC),
            spec_label: SPEC.to_string(),
            out: root.join(OUT_DIR),
            manifest: Some(root.join(MANIFEST)),
        };
        let mut manifest_given = false;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |flag: &str| {
                args.next()
                    .cloned()
                    .ok_or_else(|| format!("`{flag}` needs a value\n{USAGE}"))
            };
            match arg.as_str() {
                "--check" => parsed.check = true,
                "--spec" => {
                    let spec = value("--spec")?;
                    parsed.spec = PathBuf::from(&spec);
                    parsed.spec_label = spec;
                }
                "--out" => {
                    parsed.out = PathBuf::from(value("--out")?);
                    if !manifest_given {
                        parsed.manifest = None;
                    }
                }
                "--manifest" => {
                    parsed.manifest = Some(PathBuf::from(value("--manifest")?));
                    manifest_given = true;
                }
                other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
            }
        }
        Ok(parsed)
    }
}

/// The options of `reference`.
struct ReferenceArgs {
    /// The api-reference directory the pages are read from.
    docs: PathBuf,
    out: PathBuf,
}

impl ReferenceArgs {
    fn parse(root: &Path, args: &[String]) -> Result<Self, String> {
        let mut docs = None;
        let mut out = root.join(REFERENCE_DIR);
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |flag: &str| {
                args.next()
                    .cloned()
                    .ok_or_else(|| format!("`{flag}` needs a value\n{USAGE}"))
            };
            match arg.as_str() {
                "--docs" => docs = Some(PathBuf::from(value("--docs")?)),
                "--out" => out = PathBuf::from(value("--out")?),
                other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
            }
        }
        let docs = match docs {
            Some(docs) if docs.is_dir() => docs,
            Some(docs) => {
                return Err(format!(
                    "`--docs {}` is not a directory: pass the api-reference directory of the docs \
                     (the one holding messages/create.md)",
                    docs.display()
                ))
            }
            // Canonical, so the summary names the pages without a `..` in the way.
            None if root.join(DEFAULT_DOCS).is_dir() => root
                .join(DEFAULT_DOCS)
                .canonicalize()
                .unwrap_or_else(|_| root.join(DEFAULT_DOCS)),
            None => {
                return Err(format!(
                    "no reference pages at {} beside the workspace: pass `--docs DIR`, the \
                     api-reference directory of the docs",
                    root.join(DEFAULT_DOCS).display()
                ))
            }
        };
        Ok(ReferenceArgs { docs, out })
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.first().map(String::as_str) {
        Some("generate") => {
            GenerateArgs::parse(&root, &args[1..]).and_then(|a| generate(&root, &a))
        }
        Some("test") => test(&root, &args[1..]),
        Some("diff") => {
            diff::DiffArgs::parse(&root, SPEC, &args[1..]).and_then(|a| diff::run(&root, SPEC, &a))
        }
        Some("bench") => bench(&root, &args[1..]),
        Some("bench-build") => bench_build::run(&root, &args[1..]),
        Some("reference") => {
            ReferenceArgs::parse(&root, &args[1..]).and_then(|a| reference(&root, &a))
        }
        _ => Err(USAGE.to_string()),
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

fn generate(root: &Path, args: &GenerateArgs) -> Result<(), String> {
    let mut output = codegen::generate(&args.spec, &args.spec_label).map_err(|e| e.to_string())?;
    if let Some(manifest) = &args.manifest {
        let text = std::fs::read_to_string(manifest)
            .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
        let contents = codegen::emit::splice_manifest(manifest, &text, &output.manifest_features)
            .map_err(|e| e.to_string())?;
        // An absolute path: the emitter joins it to the output directory.
        let path = std::path::absolute(manifest)
            .map_err(|e| format!("cannot resolve {}: {e}", manifest.display()))?;
        output.files.push(codegen::GeneratedFile { path, contents });
    }
    let out_dir = &args.out;
    let stats = output.stats;
    if args.check {
        let stale = codegen::emit::diff(out_dir, &output.files);
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
    if stats.send_back_through_json > 0 {
        println!(
            "note: {} reply type(s) go back to the API through JSON, not field by field (see codegen's send_back)",
            stats.send_back_through_json
        );
    }
    let changed = codegen::emit::write(out_dir, &output.files).map_err(|e| e.to_string())?;
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
    install_python_tools(&tools)?;
    install_cargo_tools(&tools)?;
    let extra: Vec<&String> = extra.iter().filter(|a| a.as_str() != "--").collect();
    run(Command::new(env!("CARGO"))
        .args(["test", "--workspace", "--all-targets"])
        .args(&extra)
        .current_dir(root))?;
    // `--all-targets` leaves out the examples in the docs.
    if extra.is_empty() {
        run(Command::new(env!("CARGO"))
            .args(["test", "--workspace", "--doc"])
            .current_dir(root))?;
        check_features(root)?;
    }
    Ok(())
}

/// The tests build the crate with every group (`full`); each group must
/// also build alone, and the examples that need no more than the defaults
/// must build with them, as a program using only Messages does.
fn check_features(root: &Path) -> Result<(), String> {
    let manifest = root.join(MANIFEST);
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let groups = group_features(&text)
        .ok_or_else(|| format!("{} has no generated features section", manifest.display()))?;
    for feature in groups {
        println!("checking anthropic-client with only the `{feature}` feature");
        run(Command::new(env!("CARGO"))
            .args([
                "check",
                "--quiet",
                "-p",
                "anthropic-client",
                "--no-default-features",
            ])
            .args(["--features", &feature])
            .current_dir(root))?;
    }
    println!("checking anthropic-client and its examples with the default features");
    run(Command::new(env!("CARGO"))
        .args([
            "check",
            "--quiet",
            "-p",
            "anthropic-client",
            "--lib",
            "--examples",
        ])
        .current_dir(root))
}

/// The group features the generator wrote between the manifest's markers.
fn group_features(manifest: &str) -> Option<Vec<String>> {
    let start = manifest.find(codegen::emit::MANIFEST_BEGIN)?;
    let end = start + manifest[start..].find(codegen::emit::MANIFEST_END)?;
    Some(
        manifest[start..end]
            .lines()
            .filter_map(|line| line.split_once(" = ["))
            .map(|(name, _)| name.trim().to_string())
            .filter(|name| name != "full")
            .collect(),
    )
}

/// Installs `tests/tools/requirements.txt` into `tests/tools/.venv`, again
/// whenever the file changed since the last install.
fn install_python_tools(tools: &Path) -> Result<(), String> {
    let venv = tools.join(".venv");
    let requirements = tools.join("requirements.txt");
    let wanted = std::fs::read_to_string(&requirements)
        .map_err(|e| format!("cannot read {}: {e}", requirements.display()))?;
    let stamp = venv.join("installed-requirements.txt");
    let installed = std::fs::read_to_string(&stamp).ok();
    if installed.as_deref() == Some(wanted.as_str())
        && venv.join("bin/openapi-spec-validator").exists()
    {
        return Ok(());
    }
    if !venv.join("bin/pip").exists() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    // Keep the environment out of git, as newer Pythons do by themselves.
    std::fs::write(venv.join(".gitignore"), "*\n")
        .map_err(|e| format!("cannot write in {}: {e}", venv.display()))?;
    run(Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(&requirements))?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
}

/// Installs each tool of `tests/tools/cargo-tools.txt` at its pinned version
/// into `tests/tools/cargo`, unless that version is already there.
fn install_cargo_tools(tools: &Path) -> Result<(), String> {
    let list = tools.join("cargo-tools.txt");
    let text = std::fs::read_to_string(&list)
        .map_err(|e| format!("cannot read {}: {e}", list.display()))?;
    let root = tools.join("cargo");
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((name, version)) = line.split_once(' ') else {
            return Err(format!(
                "{}: `{line}` is not `NAME VERSION`",
                list.display()
            ));
        };
        let version = version.trim();
        let installed = Command::new(root.join("bin").join(name))
            .arg("--version")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        if installed.split_whitespace().any(|word| word == version) {
            continue;
        }
        let started = std::time::Instant::now();
        run(Command::new(env!("CARGO"))
            .args([
                "install",
                "--locked",
                "--quiet",
                "--version",
                version,
                "--root",
            ])
            .arg(&root)
            .arg(name))?;
        eprintln!(
            "installed {name} {version} into {} in {} s",
            root.display(),
            started.elapsed().as_secs()
        );
    }
    Ok(())
}

/// Rewrites the reference manifest from the pages through the checker's own
/// reader, so the manifest holds exactly what checking the pages would read.
fn reference(root: &Path, args: &ReferenceArgs) -> Result<(), String> {
    let tools = root.join("tests/tools");
    install_python_tools(&tools)?;
    let mut cmd = Command::new(tools.join(".venv/bin/python"));
    cmd.arg(tools.join("doc_coverage.py"))
        .arg("--write-manifest")
        .arg("--docs")
        .arg(&args.docs)
        .arg("--manifest")
        .arg(&args.out);
    let shown = format!("{cmd:?}");
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let why = match stderr.trim() {
            "" => format!("{shown} failed with {}", output.status),
            why => why.to_string(),
        };
        return Err(format!("cannot write {}: {why}", display(root, &args.out)));
    }
    eprint!("{stderr}");
    print!("{}", String::from_utf8_lossy(&output.stdout));
    Ok(())
}

/// Runs every benchmark, then prints each `generated` figure beside the
/// `baseline` of the same group, as criterion saved them.
fn bench(root: &Path, extra: &[String]) -> Result<(), String> {
    let extra: Vec<&String> = extra.iter().filter(|a| a.as_str() != "--").collect();
    run(Command::new(env!("CARGO"))
        .args(["bench", "-p", "workspace-tests", "--benches"])
        .args(extra)
        .current_dir(root))?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let criterion = target.join("criterion");
    let median = |group: &str, function: &str| -> Option<f64> {
        let path = criterion
            .join(group)
            .join(function)
            .join("new/estimates.json");
        let json = std::fs::read_to_string(path).ok()?;
        // `"median":{"confidence_interval":{...},"point_estimate":N,...}`
        let rest = &json[json.find("\"median\"")?..];
        let rest = &rest[rest.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
        let end = rest.find([',', '}'])?;
        rest[..end].trim().parse().ok()
    };
    let mut groups: Vec<String> = std::fs::read_dir(&criterion)
        .map_err(|e| format!("cannot read {}: {e}", criterion.display()))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    groups.sort();
    println!(
        "\n{:<40} {:>14} {:>14} {:>8}",
        "group (median)", "generated", "baseline", "ratio"
    );
    for group in &groups {
        if let (Some(ours), Some(base)) = (median(group, "generated"), median(group, "baseline")) {
            println!(
                "{group:<40} {:>14} {:>14} {:>7.2}x",
                nanos(ours),
                nanos(base),
                ours / base
            );
        }
    }
    if let (Some(whole), Some(one)) = (
        median("generator", "whole_spec"),
        median("generator", "one_operation_spec"),
    ) {
        println!(
            "generator: whole spec {}, one-operation spec {}",
            nanos(whole),
            nanos(one)
        );
    }
    Ok(())
}

fn nanos(ns: f64) -> String {
    match ns {
        n if n >= 1e9 => format!("{:.2} s", n / 1e9),
        n if n >= 1e6 => format!("{:.2} ms", n / 1e6),
        n if n >= 1e3 => format!("{:.2} µs", n / 1e3),
        n => format!("{n:.0} ns"),
    }
}
