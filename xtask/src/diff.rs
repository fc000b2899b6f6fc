//! `cargo xtask diff`: what a change of the spec does to the crate's users.

use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::diff::{Runtime, Semver};

pub const USAGE: &str =
    "cargo xtask diff [--from REV_OR_FILE] [--to FILE] [--deny major|breaks]... [--markdown]";

/// What a run was asked for.
pub struct DiffArgs {
    /// A file, or a git revision whose spec is read.
    from: String,
    to: PathBuf,
    deny_major: bool,
    deny_breaks: bool,
    markdown: bool,
}

impl DiffArgs {
    pub fn parse(root: &Path, spec: &str, args: &[String]) -> Result<Self, String> {
        let mut parsed = DiffArgs {
            from: "HEAD".to_string(),
            to: root.join(spec),
            deny_major: false,
            deny_breaks: false,
            markdown: false,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |flag: &str| {
                args.next()
                    .cloned()
                    .ok_or_else(|| format!("`{flag}` needs a value\nusage: {USAGE}"))
            };
            match arg.as_str() {
                "--from" => parsed.from = value("--from")?,
                "--to" => parsed.to = PathBuf::from(value("--to")?),
                "--deny" => match value("--deny")?.as_str() {
                    "major" => parsed.deny_major = true,
                    "breaks" => parsed.deny_breaks = true,
                    other => {
                        return Err(format!(
                            "`--deny {other}`: deny `major` or `breaks`\nusage: {USAGE}"
                        ))
                    }
                },
                "--markdown" => parsed.markdown = true,
                other => return Err(format!("unknown argument `{other}`\nusage: {USAGE}")),
            }
        }
        Ok(parsed)
    }
}

/// Prints the report; an error when a denied kind of change is in it.
pub fn run(root: &Path, spec: &str, args: &DiffArgs) -> Result<(), String> {
    let (old_label, old_text) = old_spec(root, spec, &args.from)?;
    let new_text = std::fs::read_to_string(&args.to)
        .map_err(|e| format!("cannot read {}: {e}", args.to.display()))?;
    let report = codegen::diff::compare_str(Path::new(&old_label), &old_text, &args.to, &new_text)
        .map_err(|e| e.to_string())?;
    if args.markdown {
        print!("{}", report.markdown());
    } else {
        print!("{}", report.text());
    }
    let count = |keep: &dyn Fn(&codegen::diff::Change) -> bool| {
        report.changes.iter().filter(|c| keep(c)).count()
    };
    let mut denied = Vec::new();
    if args.deny_major && report.semver() == Semver::Major {
        denied.push(format!(
            "{} change(s) are major (--deny major)",
            count(&|c| c.semver == Semver::Major)
        ));
    }
    if args.deny_breaks && report.breaks() {
        denied.push(format!(
            "{} change(s) break deployed programs (--deny breaks)",
            count(&|c| c.runtime == Runtime::Breaks)
        ));
    }
    if denied.is_empty() {
        Ok(())
    } else {
        Err(denied.join("; "))
    }
}

/// The old spec: the file `from` names, else the spec at the git revision
/// `from`.
fn old_spec(root: &Path, spec: &str, from: &str) -> Result<(String, String), String> {
    let path = Path::new(from);
    if path.is_file() {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        return Ok((from.to_string(), text));
    }
    let object = format!("{from}:{spec}");
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &object])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`--from {from}` is neither a file nor a git revision holding {spec}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let text =
        String::from_utf8(output.stdout).map_err(|_| format!("{object} is not UTF-8 text"))?;
    Ok((object, text))
}
