//! Pass: read the spec file and parse it, keeping the source text so later
//! passes can point at the line of any construct they reject.

use std::path::{Path, PathBuf};

use crate::error::{Error, Location, SpecProblem};

/// The spec as read from disk: its text, the raw YAML tree (for checks that
/// must see every key the author wrote) and the typed OpenAPI document.
pub struct LoadedSpec {
    pub path: PathBuf,
    pub text: String,
    pub raw: serde_json::Value,
    pub api: openapiv3::OpenAPI,
}

impl LoadedSpec {
    /// A location for `pointer`, with the line found in the source text.
    pub fn locate(&self, pointer: &str) -> Location {
        Location {
            file: self.path.clone(),
            line: locate_line(&self.text, pointer),
            column: None,
            pointer: Some(pointer.to_string()),
        }
    }

    pub fn problem(&self, pointer: &str, message: impl Into<String>) -> SpecProblem {
        SpecProblem {
            location: self.locate(pointer),
            message: message.into(),
        }
    }
}

/// Reads and parses the spec at `path`.
pub fn load(path: &Path) -> Result<LoadedSpec, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, text)
}

/// Parses spec text that was read from `path`.
pub fn parse(path: &Path, text: String) -> Result<LoadedSpec, Error> {
    let yaml_problem = |err: serde_yaml::Error, what: &str| {
        let (line, column) = err
            .location()
            .map(|l| (Some(l.line()), Some(l.column())))
            .unwrap_or((None, None));
        Error::Spec(vec![SpecProblem {
            location: Location {
                file: path.to_path_buf(),
                line,
                column,
                pointer: None,
            },
            message: format!("{what}: {err}"),
        }])
    };
    // YAML's own value type rejects a key written twice in one mapping, which
    // the parses below would take silently, the last one winning.
    serde_yaml::from_str::<serde_yaml::Value>(&text)
        .map_err(|e| yaml_problem(e, "invalid YAML"))?;
    let raw: serde_json::Value =
        serde_yaml::from_str(&text).map_err(|e| yaml_problem(e, "invalid YAML"))?;
    let api: openapiv3::OpenAPI =
        serde_yaml::from_str(&text).map_err(|e| yaml_problem(e, "not an OpenAPI 3.0 document"))?;
    Ok(LoadedSpec {
        path: path.to_path_buf(),
        text,
        raw,
        api,
    })
}

/// Splits a JSON pointer into its unescaped segments.
pub fn pointer_segments(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Escapes one JSON pointer segment.
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

struct YamlLine {
    /// 1-based line number in the file.
    number: usize,
    /// Indentation of the line's first character (the dash, for list items).
    indent: usize,
    /// Indentation of the mapping key on this line (after `- ` for list items).
    key_indent: usize,
    key: Option<String>,
    dash: bool,
}

fn scan_lines(text: &str) -> Vec<YamlLine> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let content = line.trim_start();
        if content.is_empty() || content.starts_with('#') || content == "---" {
            continue;
        }
        let indent = line.len() - content.len();
        let (dash, rest, key_indent) = match content.strip_prefix("- ") {
            Some(rest) => {
                let inner = rest.trim_start();
                (true, inner, indent + 2 + (rest.len() - inner.len()))
            }
            None if content == "-" => (true, "", indent + 2),
            None => (false, content, indent),
        };
        out.push(YamlLine {
            number: index + 1,
            indent,
            key_indent,
            key: mapping_key(rest),
            dash,
        });
    }
    out
}

fn mapping_key(content: &str) -> Option<String> {
    let quoted = |q: char| -> Option<String> {
        let body = content.strip_prefix(q)?;
        let end = body.find(q)?;
        body[end + 1..]
            .starts_with(':')
            .then(|| body[..end].to_string())
    };
    if content.starts_with('\'') {
        return quoted('\'');
    }
    if content.starts_with('"') {
        return quoted('"');
    }
    if content.starts_with('{') || content.starts_with('[') {
        return None;
    }
    let end = content
        .find(": ")
        .or_else(|| content.ends_with(':').then(|| content.len() - 1))?;
    Some(content[..end].trim_end().to_string())
}

/// Finds the line of the construct at `pointer` in block-style YAML. When the
/// pointer reaches into flow style (`{...}`, `[...]`), the line of the deepest
/// construct found is returned.
pub fn locate_line(text: &str, pointer: &str) -> Option<usize> {
    let lines = scan_lines(text);
    let (mut lo, mut hi) = (0usize, lines.len());
    let mut found = None;
    // Set once a list item is entered: its lines (the dash line included)
    // are then a mapping, even when a key looks like an index (`'200'`).
    let mut in_item = false;
    for segment in pointer_segments(pointer) {
        // Nothing below in block style (a scalar, or flow style): the
        // deepest line found is the answer.
        let Some(first) = lines.get(lo).filter(|_| lo < hi) else {
            break;
        };
        let is_list = first.dash && !in_item;
        in_item = is_list;
        let hit = if is_list && segment.parse::<usize>().is_ok() {
            let wanted: usize = segment.parse().unwrap_or(usize::MAX);
            let dash_indent = first.indent;
            (lo..hi)
                .filter(|&i| lines[i].dash && lines[i].indent == dash_indent)
                .nth(wanted)
                .map(|i| {
                    let end = (i + 1..hi)
                        .find(|&k| {
                            let l = &lines[k];
                            l.indent <= dash_indent && (l.dash || l.key_indent <= dash_indent)
                        })
                        .unwrap_or(hi);
                    (i, i, end)
                })
        } else {
            let block = first.key_indent;
            (lo..hi)
                .find(|&i| {
                    lines[i].key_indent == block && lines[i].key.as_deref() == Some(&segment)
                })
                .map(|i| {
                    let end = (i + 1..hi)
                        .find(|&k| {
                            let l = &lines[k];
                            if l.dash {
                                l.indent < block
                            } else {
                                l.key_indent <= block
                            }
                        })
                        .unwrap_or(hi);
                    (i, i + 1, end)
                })
        };
        let Some((line, child_lo, child_hi)) = hit else {
            break;
        };
        found = Some(lines[line].number);
        // A list item's own line holds its first key, so its children start there.
        lo = child_lo;
        hi = child_hi;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
a:
  b:
    - x: 1
      y: 2
    - x: 3
      '200': 4
  c: {d: 1}
";

    #[test]
    fn finds_keys_and_items() {
        assert_eq!(locate_line(DOC, "/a"), Some(1));
        assert_eq!(locate_line(DOC, "/a/b"), Some(2));
        assert_eq!(locate_line(DOC, "/a/b/0"), Some(3));
        assert_eq!(locate_line(DOC, "/a/b/0/y"), Some(4));
        assert_eq!(locate_line(DOC, "/a/b/1/x"), Some(5));
        assert_eq!(locate_line(DOC, "/a/b/1/200"), Some(6));
        assert_eq!(locate_line(DOC, "/a/c/d"), Some(7));
        assert_eq!(locate_line(DOC, "/zzz"), None);
    }

    #[test]
    fn a_key_written_twice_is_an_error_with_its_line() {
        let text = "openapi: 3.0.3\npaths:\n  /a:\n    get: {}\n  /a:\n    put: {}\n";
        let Err(Error::Spec(problems)) = parse(Path::new("dup.yaml"), text.to_string()) else {
            panic!("a duplicate key must be rejected");
        };
        assert_eq!(problems.len(), 1);
        let problem = &problems[0];
        assert!(
            problem.message.contains("duplicate entry with key \"/a\""),
            "{problem}"
        );
        assert_eq!(problem.location.file, Path::new("dup.yaml"));
        assert!(problem.location.line.is_some(), "{problem}");
    }
}
