//! Building the model from the normalized spec, collecting every problem.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme as SpecScheme};

use super::{
    body, params, resource_paths, response, Api, Docs, Feature, Operation, PathPart, Resource,
    SecurityScheme, ERROR_SCHEMA, RESERVED_FEATURES, RESERVED_SETTERS,
};
use crate::error::{Error, SpecProblem};
use crate::load::LoadedSpec;
use crate::normalize::Normalized;
use crate::spec::{self, SpecOperation};

/// What building one operation needs to see.
pub(super) struct Context<'a> {
    pub spec: &'a LoadedSpec,
    pub normalized: &'a Normalized,
    /// Kept apart from the borrows of the spec that finding them needs.
    problems: RefCell<Vec<SpecProblem>>,
}

impl Context<'_> {
    pub fn problem(&self, pointer: &str, message: impl Into<String>) {
        self.problems
            .borrow_mut()
            .push(self.spec.problem(pointer, message));
    }

    fn problem_count(&self) -> usize {
        self.problems.borrow().len()
    }

    pub fn api(&self) -> &openapiv3::OpenAPI {
        &self.normalized.api
    }
}

/// The model of `spec`, or every construct in it the model cannot represent.
pub fn build(spec: &LoadedSpec, normalized: &Normalized) -> Result<Api, Error> {
    let cx = Context {
        spec,
        normalized,
        problems: RefCell::new(Vec::new()),
    };
    let api = &normalized.api;
    let base_url = match api.servers.first() {
        Some(server) => server.url.trim_end_matches('/').to_string(),
        None => {
            cx.problem("/servers", "the spec names no server");
            String::new()
        }
    };
    if spec::component_schema(api, ERROR_SCHEMA).is_none() {
        cx.problem(
            "/components/schemas",
            format!("the spec has no `{ERROR_SCHEMA}` schema, which error bodies decode as"),
        );
    }
    let schemes = security_schemes(&cx);
    let features = features(&cx);
    let mut operations = Vec::new();
    for found in spec::operations(api) {
        if let Some(op) = operation(&cx, found, &schemes, &features) {
            operations.push(op);
        }
    }
    check_names(&cx, &operations);
    let tags: BTreeMap<&str, Option<&str>> = api
        .tags
        .iter()
        .map(|t| (t.name.as_str(), t.description.as_deref()))
        .collect();
    let resources = resource_paths(&operations)
        .into_iter()
        .map(|path| {
            let doc = match tags.get(path.join("-").as_str()).copied().flatten() {
                Some(doc) => doc.trim().to_string(),
                None => format!("Operations under `{}`.", path.join(".")),
            };
            Resource { path, doc }
        })
        .collect();
    let schemas = super::schemas::facts(&cx);
    let mut problems = cx.problems.into_inner();
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.location.line.unwrap_or(usize::MAX));
        return Err(Error::Spec(problems));
    }
    Ok(Api {
        version: api.info.version.clone(),
        base_url,
        schemes,
        resources,
        operations,
        features,
        open_enums: normalized.open_enums.clone(),
        tagged_unions: normalized.tagged_unions.clone(),
        schemas,
    })
}

/// The declared schemes: each must be an API key in a header.
fn security_schemes(cx: &Context) -> Vec<SecurityScheme> {
    let mut out = Vec::new();
    let declared: Vec<_> = cx
        .api()
        .components
        .iter()
        .flat_map(|c| c.security_schemes.iter())
        .map(|(name, scheme)| (name.clone(), scheme.clone()))
        .collect();
    for (name, scheme) in declared {
        match scheme {
            ReferenceOr::Item(SpecScheme::APIKey {
                location: APIKeyLocation::Header,
                name: header,
                description,
                extensions,
            }) => {
                let env = extensions.get("x-env").and_then(|e| e.as_str());
                // Reported once here; the scheme is still declared, so its
                // operations are not reported again.
                let env = env.unwrap_or_else(|| {
                    cx.problem(
                        &format!(
                            "/components/securitySchemes/{}",
                            crate::load::escape_segment(&name)
                        ),
                        "a security scheme needs `x-env`: the environment variable its key is read from",
                    );
                    ""
                });
                out.push(SecurityScheme {
                    env: env.to_string(),
                    name,
                    header: header.to_ascii_lowercase(),
                    description,
                })
            }
            _ => cx.problem(
                &format!(
                    "/components/securitySchemes/{}",
                    crate::load::escape_segment(&name)
                ),
                "only an API key in a header is supported as a security scheme",
            ),
        }
    }
    out
}

/// The features the tags name with `x-feature`, each once.
fn features(cx: &Context) -> Vec<Feature> {
    let mut out: Vec<Feature> = Vec::new();
    for (index, tag) in cx.api().tags.iter().enumerate() {
        let Some(value) = tag.extensions.get("x-feature") else {
            continue;
        };
        let pointer = format!("/tags/{index}/x-feature");
        let Some(name) = value.as_str() else {
            cx.problem(&pointer, "`x-feature` must be a string");
            continue;
        };
        let valid = name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !valid || RESERVED_FEATURES.contains(&name) {
            cx.problem(
                &pointer,
                format!(
                    "`{name}` cannot name a cargo feature: it must be lower case letters, digits, \
                     `-` or `_`, and none of {RESERVED_FEATURES:?}"
                ),
            );
            continue;
        }
        if out.iter().any(|f| f.name == name) {
            cx.problem(&pointer, format!("feature `{name}` is named by two tags"));
            continue;
        }
        let needs_pointer = format!("/tags/{index}/x-feature-needs");
        let needs = match tag.extensions.get("x-feature-needs") {
            None => Vec::new(),
            Some(value) => {
                let names: Option<Vec<String>> = value.as_array().and_then(|values| {
                    values
                        .iter()
                        .map(|v| v.as_str().map(str::to_string))
                        .collect()
                });
                names.unwrap_or_else(|| {
                    cx.problem(
                        &needs_pointer,
                        "`x-feature-needs` must be a list of feature names",
                    );
                    Vec::new()
                })
            }
        };
        out.push(Feature {
            name: name.to_string(),
            needs,
            doc: tag
                .description
                .as_deref()
                .unwrap_or_default()
                .trim()
                .to_string(),
        });
    }
    for (index, tag) in cx.api().tags.iter().enumerate() {
        let Some(feature) = out.iter().find(|f| {
            tag.extensions.get("x-feature").and_then(|v| v.as_str()) == Some(f.name.as_str())
        }) else {
            continue;
        };
        for need in &feature.needs {
            if !out.iter().any(|f| &f.name == need) || need == &feature.name {
                cx.problem(
                    &format!("/tags/{index}/x-feature-needs"),
                    format!("`{need}` is not another feature that a tag names"),
                );
            }
        }
    }
    out
}

/// The feature of an operation tagged `tag`: its own tag's `x-feature`, or
/// that of its nearest parent tag (`a-b` for `a-b-c`, then `a`).
fn feature_of(cx: &Context, pointer: &str, tag: &str) -> Option<String> {
    let mut name = tag;
    loop {
        let named = cx
            .api()
            .tags
            .iter()
            .find(|t| t.name == name)
            .and_then(|t| t.extensions.get("x-feature"))
            .and_then(|v| v.as_str());
        if let Some(feature) = named {
            return Some(feature.to_string());
        }
        match name.rsplit_once('-') {
            Some((parent, _)) => name = parent,
            None => break,
        }
    }
    cx.problem(
        &format!("{pointer}/tags"),
        format!("neither tag `{tag}` nor a parent of it names a cargo feature with `x-feature`"),
    );
    None
}

fn operation(
    cx: &Context,
    found: SpecOperation,
    schemes: &[SecurityScheme],
    features: &[Feature],
) -> Option<Operation> {
    let pointer = found.pointer();
    let op = found.operation;
    let problems_before = cx.problem_count();
    let id = op.operation_id.clone().unwrap_or_default();
    let tag = op.tags.first().cloned().unwrap_or_default();
    let prefix = format!("{}_", tag.replace('-', "_"));
    let method_name = id.strip_prefix(&prefix).unwrap_or(&id).to_string();
    if method_name.is_empty() || method_name.to_snake_case() != method_name {
        cx.problem(
            &format!("{pointer}/operationId"),
            format!(
                "the method name `{method_name}` (the operationId after `{prefix}`) must be snake case"
            ),
        );
    }
    let (path_text, query_text) = match found.path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (found.path, None),
    };
    let fixed_query: Vec<(String, String)> = query_text
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let path = path_parts(cx, &pointer, path_text);
    let params = params::parameters(cx, &pointer, op, &path);
    let body = body::body(cx, &pointer, op);
    let response = response::response(cx, &pointer, op, &body);
    let pagination = response::pagination(cx, &pointer, &params, &response);
    let security = security(cx, &pointer, op, schemes);
    let default_betas = default_betas(cx, &pointer, op);
    // A spec that names no feature compiles every operation unconditionally.
    let feature = if features.is_empty() {
        None
    } else {
        feature_of(cx, &pointer, &tag).filter(|f| features.iter().any(|known| &known.name == f))
    };
    let docs = Docs {
        summary: op.summary.clone().unwrap_or_default(),
        description: op.description.clone().unwrap_or_default(),
        url: op
            .external_docs
            .as_ref()
            .map(|d| d.url.clone())
            .unwrap_or_default(),
    };
    if cx.problem_count() > problems_before {
        return None;
    }
    let resource: Vec<String> = tag.split('-').map(str::to_string).collect();
    Some(Operation {
        beta: resource.first().is_some_and(|r| r == "beta")
            || fixed_query.iter().any(|(k, v)| k == "beta" && v == "true"),
        default_betas,
        feature,
        id,
        pointer,
        resource,
        method_name,
        http_method: found.method.to_ascii_uppercase(),
        path,
        fixed_query,
        params,
        body,
        response,
        pagination,
        security,
        docs,
    })
}

/// The `anthropic-beta` values an operation sends by default.
fn default_betas(cx: &Context, pointer: &str, op: &openapiv3::Operation) -> Vec<String> {
    let Some(value) = op.extensions.get("x-default-betas") else {
        return Vec::new();
    };
    let betas: Option<Vec<String>> = value.as_array().and_then(|values| {
        values
            .iter()
            .map(|v| {
                v.as_str()
                    .filter(|b| !b.is_empty() && !b.contains(','))
                    .map(str::to_string)
            })
            .collect()
    });
    betas.unwrap_or_else(|| {
        cx.problem(
            &format!("{pointer}/x-default-betas"),
            "`x-default-betas` must be a list of beta names (no commas)",
        );
        Vec::new()
    })
}

/// `/v1/models/{model_id}` in literal and parameter pieces.
fn path_parts(cx: &Context, pointer: &str, path: &str) -> Vec<PathPart> {
    let mut parts = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            cx.problem(pointer, format!("the path `{path}` has an unclosed `{{`"));
            return parts;
        };
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_string()));
        }
        parts.push(PathPart::Param(rest[open + 1..open + close].to_string()));
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_string()));
    }
    parts
}

/// The one scheme the operation (or else the whole spec) requires.
fn security(
    cx: &Context,
    pointer: &str,
    op: &openapiv3::Operation,
    schemes: &[SecurityScheme],
) -> Option<usize> {
    let (requirements, at) = match &op.security {
        Some(own) => (own.clone(), format!("{pointer}/security")),
        None => (
            cx.api().security.clone().unwrap_or_default(),
            "/security".to_string(),
        ),
    };
    let names: Vec<String> = match requirements.as_slice() {
        [] => return None,
        [one] => one.keys().cloned().collect(),
        _ => {
            cx.problem(
                &at,
                "alternative security requirements are not supported: name one scheme",
            );
            return None;
        }
    };
    let [name] = names.as_slice() else {
        cx.problem(&at, "a security requirement must name exactly one scheme");
        return None;
    };
    let index = schemes.iter().position(|s| &s.name == name);
    if index.is_none() {
        cx.problem(
            &at,
            format!("security scheme `{name}` is not declared as an API key in a header"),
        );
    }
    index
}

/// Names that would collide in the generated code.
fn check_names(cx: &Context, operations: &[Operation]) {
    let mut methods: BTreeMap<(&[String], String), &str> = BTreeMap::new();
    let resources = resource_paths(operations);
    let accessors: BTreeSet<(&[String], &str)> = resources
        .iter()
        .filter_map(|path| {
            let (last, parent) = path.split_last()?;
            Some((parent, last.as_str()))
        })
        .collect();
    for op in operations {
        let mut names = vec![op.method_name.clone()];
        if matches!(op.response, super::Response::JsonOrEvents { .. }) {
            names.push(format!("{}_stream", op.method_name));
        }
        for name in names {
            let key = (op.resource.as_slice(), name.clone());
            if let Some(other) = methods.insert(key, &op.pointer) {
                cx.problem(
                    &format!("{}/operationId", op.pointer),
                    format!("`{name}` is also the name of the method generated for {other}"),
                );
            }
            if accessors.contains(&(op.resource.as_slice(), name.as_str())) {
                cx.problem(
                    &format!("{}/operationId", op.pointer),
                    format!(
                        "`{name}` is also the name of a resource below `{}`",
                        op.resource.join(".")
                    ),
                );
            }
        }
        let mut seen = BTreeSet::new();
        let setters = op
            .params
            .iter()
            .map(|p| &p.rust_name)
            .chain(body::field_names(&op.body));
        for name in setters {
            if !seen.insert(name) {
                cx.problem(
                    &op.pointer,
                    format!(
                        "two parameters of `{}` would both be set by `{name}`",
                        op.id
                    ),
                );
            }
        }
    }
}

/// The setter name of a parameter or form field, or a problem at `pointer`
/// when it would collide with a method every request has.
pub(super) fn setter_name(cx: &Context, pointer: &str, name: &str) -> String {
    let rust = rust_name(name);
    if RESERVED_SETTERS.contains(&rust.as_str()) {
        cx.problem(
            pointer,
            format!("`{name}` would be set by `{rust}()`, which every request already has for its own use"),
        );
    }
    rust
}

/// A field or setter name for `name` as the spec writes it: snake case,
/// `[]` dropped, and a Rust keyword suffixed with `_`, as typify does.
fn rust_name(name: &str) -> String {
    let snake = name.trim_end_matches("[]").to_snake_case();
    match snake.as_str() {
        "type" | "ref" | "match" | "fn" | "mod" | "move" | "self" | "super" | "crate" | "use"
        | "impl" | "trait" | "struct" | "enum" | "loop" | "where" | "async" | "await" | "dyn"
        | "static" | "const" | "let" | "in" | "for" | "if" | "else" | "while" | "return"
        | "break" | "continue" | "true" | "false" | "pub" | "mut" | "as" => {
            format!("{snake}_")
        }
        _ => snake,
    }
}
