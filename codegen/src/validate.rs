//! Pass: our own rules on top of what the OpenAPI parser checks. Every
//! problem is reported with its line and JSON pointer, and all of them are
//! reported at once.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::ReferenceOr;
use serde_json::Value;

use crate::error::{Error, SpecProblem};
use crate::load::{escape_segment, LoadedSpec};

/// Checks the loaded spec; `Err` lists every problem found.
pub fn validate(spec: &LoadedSpec) -> Result<(), Error> {
    let mut problems = Vec::new();
    check_version(spec, &mut problems);
    check_refs(spec, &spec.raw, String::new(), &mut problems);
    let round_trip = serde_json::to_value(&spec.api).unwrap_or(Value::Null);
    check_dropped(spec, &spec.raw, &round_trip, String::new(), &mut problems);
    check_operations(spec, &mut problems);
    check_descriptions(spec, &mut problems);
    if problems.is_empty() {
        Ok(())
    } else {
        problems.sort_by_key(|p| p.location.line.unwrap_or(usize::MAX));
        Err(Error::Spec(problems))
    }
}

fn check_version(spec: &LoadedSpec, problems: &mut Vec<SpecProblem>) {
    if !spec.api.openapi.starts_with("3.0.") {
        problems.push(spec.problem(
            "/openapi",
            format!(
                "OpenAPI version {} is not 3.0.x, which progenitor reads",
                spec.api.openapi
            ),
        ));
    }
}

fn check_refs(spec: &LoadedSpec, value: &Value, pointer: String, problems: &mut Vec<SpecProblem>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let here = format!("{pointer}/$ref");
                match target.strip_prefix('#') {
                    Some(local) if spec.raw.pointer(local).is_some() => {}
                    Some(_) => problems.push(spec.problem(
                        &here,
                        format!("$ref `{target}` does not resolve to anything in this file"),
                    )),
                    None => problems.push(spec.problem(
                        &here,
                        format!("$ref `{target}` points outside this file, which is not supported"),
                    )),
                }
            }
            for (key, child) in map {
                check_refs(
                    spec,
                    child,
                    format!("{pointer}/{}", escape_segment(key)),
                    problems,
                );
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                check_refs(spec, child, format!("{pointer}/{i}"), problems);
            }
        }
        _ => {}
    }
}

/// A key the parser dropped is a construct the generator would silently
/// ignore (often a misspelling such as `nulable`), so it is an error.
fn check_dropped(
    spec: &LoadedSpec,
    raw: &Value,
    parsed: &Value,
    pointer: String,
    problems: &mut Vec<SpecProblem>,
) {
    match (raw, parsed) {
        (Value::Object(raw), Value::Object(parsed)) => {
            for (key, child) in raw {
                let here = format!("{pointer}/{}", escape_segment(key));
                match parsed.get(key) {
                    Some(parsed_child) => check_dropped(spec, child, parsed_child, here, problems),
                    None if is_default(child) => {}
                    // Kept by the normalize pass, which moves it onto an `allOf` wrapper.
                    None if key == "description" && raw.contains_key("$ref") => {}
                    None => problems.push(spec.problem(
                        &here,
                        format!(
                            "`{key}` is not an OpenAPI 3.0 construct here and would be ignored"
                        ),
                    )),
                }
            }
        }
        (Value::Array(raw), Value::Array(parsed)) => {
            for (i, (r, p)) in raw.iter().zip(parsed).enumerate() {
                check_dropped(spec, r, p, format!("{pointer}/{i}"), problems);
            }
        }
        _ => {}
    }
}

fn is_default(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn check_operations(spec: &LoadedSpec, problems: &mut Vec<SpecProblem>) {
    let declared_tags: BTreeSet<&str> = spec.api.tags.iter().map(|t| t.name.as_str()).collect();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for found in crate::spec::operations(&spec.api) {
        let (pointer, path, op) = (found.pointer(), found.path, found.operation);
        if let Some((_, query)) = path.split_once('?') {
            if query.split('&').any(|pair| !pair.contains('=')) {
                problems.push(spec.problem(
                    &pointer,
                    format!("the query in path `{path}` must be `name=value` pairs"),
                ));
            }
        }
        let Some(id) = &op.operation_id else {
            problems.push(spec.problem(&pointer, "operation has no operationId"));
            continue;
        };
        if let Some(first) = seen.get(id) {
            problems.push(spec.problem(
                &format!("{pointer}/operationId"),
                format!(
                    "duplicate operationId `{id}` (first used at {})",
                    match spec.locate(&format!("{first}/operationId")).line {
                        Some(line) => format!("line {line}, {first}"),
                        None => first.clone(),
                    }
                ),
            ));
        } else {
            seen.insert(id.clone(), pointer.clone());
        }
        match op.tags.as_slice() {
            [tag] => {
                if !declared_tags.contains(tag.as_str()) {
                    problems.push(spec.problem(
                        &format!("{pointer}/tags"),
                        format!("tag `{tag}` is not declared in the top-level `tags`"),
                    ));
                }
                let prefix = format!("{}_", tag.replace('-', "_"));
                if !id.starts_with(&prefix) || id.len() == prefix.len() {
                    problems.push(spec.problem(
                        &format!("{pointer}/operationId"),
                        format!(
                            "operationId `{id}` must start with its tag, as `{prefix}<method>`"
                        ),
                    ));
                }
            }
            _ => problems.push(spec.problem(
                &pointer,
                format!("operation `{id}` must have exactly one tag (its resource)"),
            )),
        }
        if op.external_docs.is_none() {
            problems.push(spec.problem(
                &pointer,
                format!("operation `{id}` must name its docs page in `externalDocs`"),
            ));
        }
        if op.summary.is_none() || op.description.is_none() {
            problems.push(spec.problem(
                &pointer,
                format!("operation `{id}` needs both a summary and a description"),
            ));
        }
        for (i, param) in op.parameters.iter().enumerate() {
            if let ReferenceOr::Item(param) = param {
                if param.parameter_data_ref().description.is_none() {
                    problems.push(spec.problem(
                        &format!("{pointer}/parameters/{i}"),
                        format!(
                            "parameter `{}` has no description",
                            param.parameter_data_ref().name
                        ),
                    ));
                }
            }
        }
    }
}

fn check_descriptions(spec: &LoadedSpec, problems: &mut Vec<SpecProblem>) {
    let Some(components) = spec.raw.get("components") else {
        return;
    };
    if let Some(Value::Object(params)) = components.get("parameters") {
        for (name, param) in params {
            if param.get("description").is_none() && param.get("$ref").is_none() {
                problems.push(spec.problem(
                    &format!("/components/parameters/{}", escape_segment(name)),
                    format!("parameter `{name}` has no description"),
                ));
            }
        }
    }
    if let Some(Value::Object(schemas)) = components.get("schemas") {
        for (name, schema) in schemas {
            let pointer = crate::spec::schema_pointer(name);
            if schema.get("description").is_none() {
                problems
                    .push(spec.problem(&pointer, format!("schema `{name}` has no description")));
            }
            check_property_descriptions(spec, schema, &pointer, problems);
        }
    }
}

fn check_property_descriptions(
    spec: &LoadedSpec,
    schema: &Value,
    pointer: &str,
    problems: &mut Vec<SpecProblem>,
) {
    if let Some(Value::Object(props)) = schema.get("properties") {
        for (prop, value) in props {
            let here = format!("{pointer}/properties/{}", escape_segment(prop));
            if value.get("$ref").is_none() && value.get("description").is_none() {
                problems.push(spec.problem(&here, format!("property `{prop}` has no description")));
            }
            check_property_descriptions(spec, value, &here, problems);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(child) = schema.get(key).filter(|v| v.is_object()) {
            check_property_descriptions(spec, child, &format!("{pointer}/{key}"), problems);
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(members)) = schema.get(key) {
            for (i, member) in members.iter().enumerate() {
                check_property_descriptions(
                    spec,
                    member,
                    &format!("{pointer}/{key}/{i}"),
                    problems,
                );
            }
        }
    }
}
