//! Pass: one cargo feature per group of operations. Each operation is
//! compiled under its feature (a tag's `x-feature`), and each type under
//! every feature with an operation that reaches it, through its body,
//! parameters, answer or pages and then through fields, variants and union
//! members. The cfgs are put on the emitted items from their names alone,
//! so no emitter needs to know about features: an item is compiled when
//! every generated name its header mentions is.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::{quote, ToTokens};

use crate::model::{Api, Body, FormFieldKind, Operation, Response, ValueType, RUNTIME_SCHEMAS};
use crate::render::requests::{request_type, variants};
use crate::render::resources::resource_type;
use crate::spec;

/// What each generated name needs to be compiled: one feature of each set.
/// A name missing here (such as the error body) is always compiled.
#[derive(Debug, Default)]
pub struct Plan {
    names: BTreeMap<String, Needs>,
}

/// Sets of features, one feature of each of which must be on.
type Needs = Vec<BTreeSet<String>>;

/// Works out the plan from the model and the emitted files (whose type
/// definitions give the edges from a type to the types it holds).
pub fn plan(api: &Api, files: &[(&str, syn::File)]) -> Plan {
    let mut names: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if api.features.is_empty() {
        return Plan::default();
    }
    let edges = edges(files);
    let always = reached(
        &edges,
        RUNTIME_SCHEMAS.iter().map(|s| spec::type_name(s)).collect(),
    );
    for op in &api.operations {
        let Some(feature) = &op.feature else { continue };
        let types = reached(&edges, roots(op));
        for name in types.into_iter().filter(|n| !always.contains(n)) {
            names.entry(name).or_default().insert(feature.clone());
        }
        for name in request_names(op) {
            names.entry(name).or_default().insert(feature.clone());
        }
    }
    for resource in &api.resources {
        let under: BTreeSet<String> = api
            .features_under(&resource.path)
            .into_iter()
            .map(str::to_string)
            .collect();
        names.insert(resource_type(resource).to_string(), under);
    }
    let mut plan = Plan {
        names: names
            .into_iter()
            .map(|(name, set)| (name, vec![set]))
            .collect(),
    };
    // A type no operation reaches (a documented event union, say) is
    // compiled when what it holds is.
    let unreached: Vec<&String> = edges
        .keys()
        .filter(|name| !always.contains(*name) && !plan.names.contains_key(*name))
        .collect();
    for name in unreached {
        let needs = plan.held_needs(&edges, name, &mut BTreeSet::new());
        if !needs.is_empty() {
            plan.names.insert(name.clone(), needs);
        }
    }
    plan
}

/// The defined types `roots` reach, themselves included.
fn reached(
    edges: &BTreeMap<String, BTreeSet<String>>,
    mut pending: Vec<String>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !edges.contains_key(&name) || !seen.insert(name.clone()) {
            continue;
        }
        pending.extend(edges[&name].iter().cloned());
    }
    seen
}

fn request_names(op: &Operation) -> Vec<String> {
    variants(op)
        .iter()
        .map(|variant| request_type(op, *variant).to_string())
        .collect()
}

/// The types an operation names itself.
fn roots(op: &Operation) -> Vec<String> {
    let mut out = Vec::new();
    match &op.body {
        Body::None => {}
        Body::Json(body) => out.push(body.type_name.clone()),
        Body::Multipart(form) => {
            for field in &form.fields {
                if let FormFieldKind::Text(ty) = &field.kind {
                    named(ty, &mut out);
                }
            }
        }
    }
    for param in &op.params {
        named(&param.ty, &mut out);
    }
    match &op.response {
        Response::Json(ty) | Response::JsonLines(ty) => out.push(ty.clone()),
        Response::JsonOrEvents { json, event } => out.extend([json.clone(), event.clone()]),
        Response::Binary | Response::Empty => {}
    }
    if let Some((page, item)) = op.pagination.page_and_item() {
        out.extend([page.to_string(), item.to_string()]);
    }
    out
}

fn named(ty: &ValueType, out: &mut Vec<String>) {
    match ty {
        ValueType::Named(name) => out.push(name.clone()),
        ValueType::List(inner) => named(inner, out),
        _ => {}
    }
}

/// Each type defined in `files` and the names its fields and variants
/// mention (variant names themselves are not types, and are left out).
fn edges(files: &[(&str, syn::File)]) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for (_, file) in files {
        for item in &file.items {
            let (name, held): (String, Vec<TokenStream>) = match item {
                syn::Item::Struct(s) => (
                    s.ident.to_string(),
                    s.fields.iter().map(|f| f.ty.to_token_stream()).collect(),
                ),
                syn::Item::Enum(e) => (
                    e.ident.to_string(),
                    e.variants
                        .iter()
                        .flat_map(|v| v.fields.iter().map(|f| f.ty.to_token_stream()))
                        .collect(),
                ),
                syn::Item::Type(alias) => {
                    (alias.ident.to_string(), vec![alias.ty.to_token_stream()])
                }
                _ => continue,
            };
            let mut mentioned = BTreeSet::new();
            for tokens in held {
                idents(tokens, &mut mentioned);
            }
            out.insert(name, mentioned);
        }
    }
    out
}

fn idents(tokens: TokenStream, out: &mut BTreeSet<String>) {
    for tree in tokens {
        match tree {
            TokenTree::Ident(ident) => {
                out.insert(ident.to_string());
            }
            TokenTree::Group(group) => idents(group.stream(), out),
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

impl Plan {
    /// Puts a cfg on every item of `file` (and every method of its impls)
    /// that needs more features than the item around it.
    pub fn apply(&self, file: &mut syn::File) {
        if self.names.is_empty() {
            return;
        }
        self.apply_items(&mut file.items);
    }

    fn apply_items(&self, items: &mut [syn::Item]) {
        for item in items {
            let needs = match item {
                syn::Item::Struct(s) => self.needs_of_name(&s.ident.to_string()),
                syn::Item::Enum(e) => self.needs_of_name(&e.ident.to_string()),
                syn::Item::Type(t) => self.needs_of_name(&t.ident.to_string()),
                syn::Item::Impl(imp) => {
                    let mut header = imp.self_ty.to_token_stream();
                    if let Some((_, path, _)) = &imp.trait_ {
                        header.extend(path.to_token_stream());
                    }
                    self.needs_of(header)
                }
                syn::Item::Fn(f) => self.needs_of(f.sig.to_token_stream()),
                // The emitters' macros take the type they implement for first.
                syn::Item::Macro(m) => match m.mac.tokens.clone().into_iter().next() {
                    Some(TokenTree::Ident(ident)) => self.needs_of_name(&ident.to_string()),
                    _ => continue,
                },
                syn::Item::Mod(m) => {
                    if let Some((_, items)) = &mut m.content {
                        self.apply_items(items);
                    }
                    continue;
                }
                _ => continue,
            };
            if let syn::Item::Impl(imp) = item {
                for inner in &mut imp.items {
                    let syn::ImplItem::Fn(f) = inner else {
                        continue;
                    };
                    let more: Vec<_> = self
                        .needs_of(f.sig.to_token_stream())
                        .into_iter()
                        .filter(|set| !needs.iter().any(|outer| outer.is_subset(set)))
                        .collect();
                    if let Some(cfg) = cfg(&more) {
                        f.attrs.insert(0, cfg);
                    }
                }
            }
            if let (Some(cfg), Some(attrs)) = (cfg(&needs), attrs_of(item)) {
                attrs.insert(0, cfg);
            }
        }
    }

    fn needs_of_name(&self, name: &str) -> Needs {
        self.names.get(name).cloned().unwrap_or_default()
    }

    /// What the names in `tokens` need together.
    fn needs_of(&self, tokens: TokenStream) -> Needs {
        let mut mentioned = BTreeSet::new();
        idents(tokens, &mut mentioned);
        minimal(
            mentioned
                .iter()
                .filter_map(|name| self.names.get(name))
                .flatten(),
        )
    }

    /// What an unreached type needs: what the types it holds need, found
    /// depth first (a type met again on the way needs nothing more).
    fn held_needs(
        &self,
        edges: &BTreeMap<String, BTreeSet<String>>,
        name: &str,
        visiting: &mut BTreeSet<String>,
    ) -> Needs {
        if let Some(needs) = self.names.get(name) {
            return needs.clone();
        }
        if !visiting.insert(name.to_string()) {
            return Vec::new();
        }
        let mut all = Vec::new();
        for held in edges.get(name).into_iter().flatten() {
            all.extend(self.held_needs(edges, held, visiting));
        }
        minimal(all.iter())
    }
}

/// The distinct sets of `sets`, less those a smaller one implies (one
/// feature of `{a}` on means one of `{a, b}` is).
fn minimal<'a>(sets: impl Iterator<Item = &'a BTreeSet<String>>) -> Needs {
    let sets: BTreeSet<&BTreeSet<String>> = sets.collect();
    sets.iter()
        .filter(|set| {
            !sets
                .iter()
                .any(|other| other != *set && other.is_subset(set))
        })
        .map(|set| (*set).clone())
        .collect()
}

fn attrs_of(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Struct(s) => Some(&mut s.attrs),
        syn::Item::Enum(e) => Some(&mut e.attrs),
        syn::Item::Type(t) => Some(&mut t.attrs),
        syn::Item::Impl(i) => Some(&mut i.attrs),
        syn::Item::Fn(f) => Some(&mut f.attrs),
        syn::Item::Macro(m) => Some(&mut m.attrs),
        _ => None,
    }
}

/// `#[cfg(...)]` requiring one feature of each set; `None` for no sets.
fn cfg(needs: &[BTreeSet<String>]) -> Option<syn::Attribute> {
    let any = |set: &BTreeSet<String>| -> TokenStream {
        let features: Vec<TokenStream> = set.iter().map(|f| quote!(feature = #f)).collect();
        match features.as_slice() {
            [one] => one.clone(),
            _ => quote!(any(#(#features),*)),
        }
    };
    let predicate = match needs {
        [] => return None,
        [one] => any(one),
        _ => {
            let all = needs.iter().map(any);
            quote!(all(#(#all),*))
        }
    };
    Some(syn::parse_quote!(#[cfg(#predicate)]))
}

/// The `[features]` lines the spec's groups make, written between the
/// markers of the crate's manifest: one feature per group, documented from
/// its tag, and `full` for all of them.
pub fn manifest_section(api: &Api) -> String {
    let mut out = String::new();
    for feature in &api.features {
        let doc = feature.doc.split_whitespace().collect::<Vec<_>>().join(" ");
        let needs: Vec<String> = feature.needs.iter().map(|n| format!("\"{n}\"")).collect();
        out.push_str(&format!(
            "# {doc}\n{} = [{}]\n",
            feature.name,
            needs.join(", ")
        ));
    }
    let all: Vec<String> = api
        .features
        .iter()
        .map(|f| format!("\"{}\"", f.name))
        .collect();
    out.push_str(&format!(
        "# Every group of the API.\nfull = [{}]\n",
        all.join(", ")
    ));
    out
}
