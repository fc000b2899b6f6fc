//! `cargo xtask bench-build [--rounds N]`: the clean release build of the
//! generated crate alone (its dependencies already built), with its default
//! features and with `full`, against the strongest Rust peer, `claude-api`
//! (pinned), with its default features and with `admin,skills`. Rounds are
//! interleaved so that a slower machine slows every side alike; the medians
//! and the ratios ours/peer are printed as a Markdown table (BENCHMARKS.md).
//!
//! A crate's build is not all a program pays: an `async fn`'s body, a
//! generic's instances are compiled by the program that uses them. So a
//! third pair of rows times the build of a small program on top of each
//! crate (default features), the same calls written against each
//! (`xtask/bench-build/`): a message, a page of models and one model.
//!
//! Each side builds in its own target directory under
//! `target/bench-build/`; the peer and the programs from scratch crates
//! written there, so that they are only comparisons, never members or
//! dependencies of the workspace.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The peer and its version: pinned, so that runs compare alike.
const PEER: &str = "claude-api";
const PEER_VERSION: &str = "=0.6.0";
/// The scratch crate that depends on the peer.
const PEER_CRATE: &str = "bench-build-peer";
/// The programs built on each crate.
const PROGRAM_OURS: &str = "bench-build-program-ours";
const PROGRAM_PEER: &str = "bench-build-program-peer";

/// One build measured.
struct Side {
    label: &'static str,
    /// The package timed: `cargo clean -p` names it.
    package: &'static str,
    /// The package `cargo build -p` names: the peer's features are set
    /// through the scratch crate, as cargo takes features only for
    /// packages of the workspace.
    built: &'static str,
    features: &'static [&'static str],
    /// The manifest to build with.
    manifest: PathBuf,
    target: PathBuf,
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let rounds = match args {
        [] => 3,
        [flag, n] if flag == "--rounds" => n
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("`--rounds` takes a positive number, not `{n}`"))?,
        _ => return Err("usage: cargo xtask bench-build [--rounds N]".to_string()),
    };
    let dir = root.join("target/bench-build");
    let peer_manifest = write_peer_crate(&dir)?;
    let ours_manifest = root.join("Cargo.toml");
    let generated = root.join("generated");
    let program_ours = write_crate(
        &dir.join("program-ours"),
        PROGRAM_OURS,
        &format!(
            "[dependencies]\nanthropic-client = {{ path = {:?} }}\n",
            generated.display().to_string()
        ),
        include_str!("../bench-build/ours.rs"),
        Some(&root.join("Cargo.lock")),
    )?;
    let program_peer = write_crate(
        &dir.join("program-peer"),
        PROGRAM_PEER,
        &format!("[dependencies]\n{PEER} = \"{PEER_VERSION}\"\n"),
        include_str!("../bench-build/claude_api.rs"),
        Some(&dir.join("peer-crate/Cargo.lock")),
    )?;
    let sides = [
        Side {
            label: "anthropic-client (default)",
            package: "anthropic-client",
            built: "anthropic-client",
            features: &[],
            manifest: ours_manifest.clone(),
            target: dir.join("ours"),
        },
        Side {
            label: "claude-api (default)",
            package: PEER,
            built: PEER_CRATE,
            features: &[],
            manifest: peer_manifest.clone(),
            target: dir.join("peer"),
        },
        Side {
            label: "anthropic-client (full)",
            package: "anthropic-client",
            built: "anthropic-client",
            features: &["full"],
            manifest: ours_manifest,
            target: dir.join("ours"),
        },
        Side {
            label: "claude-api (admin,skills)",
            package: PEER,
            built: PEER_CRATE,
            features: &["admin-skills"],
            manifest: peer_manifest,
            target: dir.join("peer"),
        },
        Side {
            label: "a program on anthropic-client (default)",
            package: PROGRAM_OURS,
            built: PROGRAM_OURS,
            features: &[],
            manifest: program_ours,
            target: dir.join("program-ours"),
        },
        Side {
            label: "the same program on claude-api (default)",
            package: PROGRAM_PEER,
            built: PROGRAM_PEER,
            features: &[],
            manifest: program_peer,
            target: dir.join("program-peer"),
        },
    ];
    // Dependencies first, so that the rounds time the crates alone.
    for side in &sides {
        eprintln!("building the dependencies of {}", side.label);
        build(side)?;
    }
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); sides.len()];
    for round in 1..=rounds {
        for (side, times) in sides.iter().zip(&mut times) {
            clean(side)?;
            let started = Instant::now();
            build(side)?;
            let seconds = started.elapsed().as_secs_f64();
            eprintln!("round {round}/{rounds}: {} {seconds:.1} s", side.label);
            times.push(seconds);
        }
    }
    let medians: Vec<f64> = times.iter().map(|t| median(t)).collect();
    println!("\n| build (release, crate alone, {rounds} interleaved rounds) | median | range |");
    println!("| --- | --- | --- |");
    for ((side, times), median) in sides.iter().zip(&times).zip(&medians) {
        let low = times.iter().cloned().fold(f64::INFINITY, f64::min);
        let high = times.iter().cloned().fold(0.0, f64::max);
        println!("| {} | {median:.1} s | {low:.1}–{high:.1} s |", side.label);
    }
    println!(
        "\nours/peer: default {:.2}x, full vs admin,skills {:.2}x, the program {:.2}x",
        medians[0] / medians[1],
        medians[2] / medians[3],
        medians[4] / medians[5]
    );
    Ok(())
}

/// A crate that depends on the peer and nothing else, in its own workspace.
fn write_peer_crate(dir: &Path) -> Result<PathBuf, String> {
    write_crate(
        &dir.join("peer-crate"),
        PEER_CRATE,
        &format!(
            "[dependencies]\n{PEER} = \"{PEER_VERSION}\"\n\n\
             [features]\nadmin-skills = [\"{PEER}/admin\", \"{PEER}/skills\"]\n"
        ),
        "",
        None,
    )
}

/// A scratch library crate in its own workspace: `src/lib.rs` is `source`,
/// the manifest ends with `sections` (its dependencies and features).
/// `lock`, when given and present, is copied in, so that the crate builds
/// on the versions its dependency was built with.
fn write_crate(
    krate: &Path,
    name: &str,
    sections: &str,
    source: &str,
    lock: Option<&Path>,
) -> Result<PathBuf, String> {
    let src = krate.join("src");
    std::fs::create_dir_all(&src).map_err(|e| format!("cannot create {}: {e}", src.display()))?;
    let manifest = krate.join("Cargo.toml");
    let text = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         publish = false\n\n{sections}\n[workspace]\n"
    );
    for (path, contents) in [(&manifest, text.as_str()), (&src.join("lib.rs"), source)] {
        std::fs::write(path, contents)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let Some(lock) = lock.filter(|lock| lock.exists()) {
        let copy = krate.join("Cargo.lock");
        std::fs::copy(lock, &copy)
            .map_err(|e| format!("cannot copy {} to {}: {e}", lock.display(), copy.display()))?;
    }
    Ok(manifest)
}

fn cargo(side: &Side, verb: &str, package: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args([
        verb,
        "--release",
        "--quiet",
        "-p",
        package,
        "--manifest-path",
    ])
    .arg(&side.manifest)
    .env("CARGO_TARGET_DIR", &side.target)
    .stdout(Stdio::null());
    cmd
}

fn clean(side: &Side) -> Result<(), String> {
    status(cargo(side, "clean", side.package), side)
}

fn build(side: &Side) -> Result<(), String> {
    let mut cmd = cargo(side, "build", side.built);
    if !side.features.is_empty() {
        cmd.args(["--features", &side.features.join(",")]);
    }
    status(cmd, side)
}

fn status(mut cmd: Command, side: &Side) -> Result<(), String> {
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run cargo for {}: {e}", side.label))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo failed for {} ({status})", side.label))
    }
}

fn median(times: &[f64]) -> f64 {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_crates_are_libraries_in_their_own_workspace() {
        let dir = std::env::temp_dir().join(format!("bench-build-{}", std::process::id()));
        let peer = write_peer_crate(&dir).expect("the peer crate is written");
        let text = std::fs::read_to_string(&peer).expect("its manifest");
        assert_eq!(
            text,
            "[package]\nname = \"bench-build-peer\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[dependencies]\nclaude-api = \"=0.6.0\"\n\n\
             [features]\nadmin-skills = [\"claude-api/admin\", \"claude-api/skills\"]\n\n\
             [workspace]\n"
        );
        let lock = dir.join("peer-crate/Cargo.lock");
        std::fs::write(&lock, "# a lock\n").expect("a lock is written");
        let program = write_crate(
            &dir.join("program"),
            "program",
            "[dependencies]\nclaude-api = \"=0.6.0\"\n",
            "pub fn run() {}\n",
            Some(&lock),
        )
        .expect("the program crate is written");
        let program_dir = program.parent().expect("the crate's directory");
        let read = |path: &str| std::fs::read_to_string(program_dir.join(path)).expect(path);
        assert!(read("Cargo.toml")
            .ends_with("[dependencies]\nclaude-api = \"=0.6.0\"\n\n[workspace]\n"));
        assert_eq!(read("src/lib.rs"), "pub fn run() {}\n");
        assert_eq!(read("Cargo.lock"), "# a lock\n");
        std::fs::remove_dir_all(&dir).expect("the scratch directory is removed");
    }
}
