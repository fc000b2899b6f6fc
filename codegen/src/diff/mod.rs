//! What a change of the spec does to the crate's users: the semver impact
//! on the generated crate's public API, and whether a program built from
//! the old spec and already deployed keeps working against an API that
//! follows the new one.
//!
//! Both specs go through the generator's own passes (`build_model`,
//! typify, the `#[non_exhaustive]` pass), so the report speaks of what the
//! crate has: `client.x().y()` methods, their arguments and setters, types,
//! fields, variants and constructors. The rules are in `compare`; the
//! README's table is their summary.

mod compare;
mod surface;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crate::error::Error;
use crate::load::{self, LoadedSpec};

/// The semver impact of a change on the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Semver {
    Patch,
    Minor,
    Major,
}

impl fmt::Display for Semver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Semver::Patch => "patch",
            Semver::Minor => "minor",
            Semver::Major => "major",
        })
    }
}

/// Whether a program built from the old spec keeps working.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Runtime {
    Safe,
    Breaks,
}

impl fmt::Display for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Runtime::Safe => "safe",
            Runtime::Breaks => "breaks",
        })
    }
}

/// One change, as one line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub semver: Semver,
    pub runtime: Runtime,
    /// The JSON pointer in the new spec, or in the old one for a removal.
    pub pointer: String,
    /// What changed, in the crate's terms, and why it has its two words.
    pub what: String,
    /// The API group it belongs to (`messages`), `shared` when a type
    /// several groups use, `other` when no operation reaches it.
    pub group: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {}",
            self.semver, self.runtime, self.pointer, self.what
        )
    }
}

/// Every change between two specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Major first, then runtime breaks first, then by pointer.
    pub changes: Vec<Change>,
}

impl Report {
    /// The highest impact of all; `patch` when nothing changed.
    pub fn semver(&self) -> Semver {
        self.changes
            .iter()
            .map(|c| c.semver)
            .max()
            .unwrap_or(Semver::Patch)
    }

    /// Whether any change breaks deployed programs.
    pub fn breaks(&self) -> bool {
        self.changes.iter().any(|c| c.runtime == Runtime::Breaks)
    }

    /// One line per change, then `semver: <impact>`.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for change in &self.changes {
            out.push_str(&change.to_string());
            out.push('\n');
        }
        out.push_str(&format!("semver: {}\n", self.semver()));
        out
    }

    /// The same report grouped by API group, for a release note.
    pub fn markdown(&self) -> String {
        let mut out = format!("## API changes (semver: {})\n", self.semver());
        if self.changes.is_empty() {
            out.push_str("\nNo change to the crate's API.\n");
            return out;
        }
        let mut groups: BTreeMap<(u8, &str), Vec<&Change>> = BTreeMap::new();
        for change in &self.changes {
            // Types several groups share, and those none reaches, come last.
            let order = match change.group.as_str() {
                "shared" => 1,
                "other" => 2,
                _ => 0,
            };
            groups
                .entry((order, change.group.as_str()))
                .or_default()
                .push(change);
        }
        for ((_, group), changes) in groups {
            let title = match group {
                "shared" => "Types several groups use",
                "other" => "Types no operation uses",
                group => group,
            };
            out.push_str(&format!("\n### {title}\n\n"));
            for change in changes {
                let words = match (change.semver, change.runtime) {
                    (Semver::Major, Runtime::Breaks) => {
                        "**major**, **breaks deployed programs**".to_string()
                    }
                    (Semver::Major, Runtime::Safe) => "**major**".to_string(),
                    (semver, Runtime::Breaks) => {
                        format!("{semver}, **breaks deployed programs**")
                    }
                    (semver, Runtime::Safe) => semver.to_string(),
                };
                out.push_str(&format!(
                    "- {words}: {} (`{}`)\n",
                    change.what, change.pointer
                ));
            }
        }
        out
    }
}

/// Compares two loaded specs through the generator.
pub fn compare(old: &LoadedSpec, new: &LoadedSpec) -> Result<Report, Error> {
    let old = surface::Surface::read(old)?;
    let new = surface::Surface::read(new)?;
    let mut changes = compare::changes(&old, &new);
    changes.sort_by(|a, b| {
        (b.semver, b.runtime, &a.pointer, &a.what).cmp(&(a.semver, a.runtime, &b.pointer, &b.what))
    });
    changes.dedup();
    Ok(Report { changes })
}

/// Compares two specs given as text; the paths name them in errors.
pub fn compare_str(
    old_path: &Path,
    old_text: &str,
    new_path: &Path,
    new_text: &str,
) -> Result<Report, Error> {
    let old = load::parse(old_path, old_text.to_string())?;
    let new = load::parse(new_path, new_text.to_string())?;
    compare(&old, &new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(semver: Semver, runtime: Runtime, pointer: &str, group: &str) -> Change {
        Change {
            semver,
            runtime,
            pointer: pointer.to_string(),
            what: format!("at {pointer}"),
            group: group.to_string(),
        }
    }

    #[test]
    fn nothing_changed_is_a_patch_release() {
        let report = Report {
            changes: Vec::new(),
        };
        assert_eq!(report.semver(), Semver::Patch);
        assert!(!report.breaks());
        assert_eq!(report.text(), "semver: patch\n");
        assert!(report.markdown().contains("No change to the crate's API."));
    }

    #[test]
    fn the_last_line_is_the_highest_impact_and_markdown_groups_shared_types_last() {
        let report = Report {
            changes: vec![
                change(Semver::Minor, Runtime::Safe, "/a", "shared"),
                change(Semver::Major, Runtime::Safe, "/b", "models"),
                change(Semver::Patch, Runtime::Breaks, "/c", "messages"),
            ],
        };
        assert_eq!(report.semver(), Semver::Major);
        assert!(report.breaks());
        let text = report.text();
        assert!(text.starts_with("minor safe /a at /a\n"), "{text}");
        assert!(text.ends_with("semver: major\n"), "{text}");
        let markdown = report.markdown();
        let order: Vec<usize> = ["### messages", "### models", "### Types several groups use"]
            .iter()
            .map(|h| markdown.find(h).unwrap_or(usize::MAX))
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{markdown}");
        assert!(
            markdown.contains("- patch, **breaks deployed programs**: at /c (`/c`)"),
            "{markdown}"
        );
    }
}
