//! Pass: write the generated files, or compare them with what is on disk.
//! Writing is all or nothing: every file is staged beside its target first,
//! and only when all are staged are they renamed into place.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// One generated file, its path relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// Files under `dir` that differ from `files`: changed, missing or stale.
pub fn diff(dir: &Path, files: &[GeneratedFile]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for file in files {
        let target = dir.join(&file.path);
        match std::fs::read_to_string(&target) {
            Ok(current) if current == file.contents => {}
            _ => out.push(target),
        }
    }
    out.extend(stale(dir, files));
    out
}

/// Writes `files` into `dir` and removes generated files no longer produced.
/// Returns the paths that changed.
pub fn write(dir: &Path, files: &[GeneratedFile]) -> Result<Vec<PathBuf>, Error> {
    let changed = diff(dir, files);
    if changed.is_empty() {
        return Ok(changed);
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    for file in files {
        let target = dir.join(&file.path);
        let temp = dir.join(format!(
            ".{}.staged",
            file.path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("file")
        ));
        if let Err(source) = std::fs::write(&temp, &file.contents) {
            for (temp, _) in &staged {
                let _ = std::fs::remove_file(temp);
            }
            let _ = std::fs::remove_file(&temp);
            return Err(Error::Write { path: temp, source });
        }
        staged.push((temp, target));
    }
    for (temp, target) in staged {
        std::fs::rename(&temp, &target).map_err(|source| Error::Write {
            path: target.clone(),
            source,
        })?;
    }
    for path in stale(dir, files) {
        std::fs::remove_file(&path).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(changed)
}

/// `.rs` files in `dir` that generation no longer produces.
fn stale(dir: &Path, files: &[GeneratedFile]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "rs"))
        .filter(|p| !files.iter().any(|f| dir.join(&f.path) == *p))
        .collect();
    out.sort();
    out
}

/// The line before the generated `[features]` lines of a crate manifest.
pub const MANIFEST_BEGIN: &str =
    "# @generated begin: one feature per API group, from the spec's `x-feature` tags.";
/// The line after them.
pub const MANIFEST_END: &str = "# @generated end";

/// `manifest` (the text of the file at `path`) with the lines between its
/// markers replaced by `section`; an error naming the file when the markers
/// are missing or out of order.
pub fn splice_manifest(path: &Path, manifest: &str, section: &str) -> Result<String, Error> {
    let problem = |message: &str| Error::Manifest {
        path: path.to_path_buf(),
        message: message.to_string(),
    };
    let begin = manifest
        .find(MANIFEST_BEGIN)
        .ok_or_else(|| problem(&format!("no `{MANIFEST_BEGIN}` line")))?;
    let after_begin = begin + MANIFEST_BEGIN.len();
    let end = manifest[after_begin..]
        .find(MANIFEST_END)
        .map(|at| after_begin + at)
        .ok_or_else(|| problem(&format!("no `{MANIFEST_END}` line after the begin marker")))?;
    Ok(format!(
        "{}\n{section}{}",
        &manifest[..after_begin],
        &manifest[end..]
    ))
}
