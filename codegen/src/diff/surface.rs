//! One side of a comparison: the public surface of the crate a spec
//! generates, read from the generator's own passes (the model, typify's
//! output as the emitters see it, the open sets and tagged unions), so that
//! every name is the one the crate has.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use quote::ToTokens;

use crate::error::Error;
use crate::exhaustive;
use crate::load::{escape_segment, LoadedSpec};
use crate::model::{self, Body, FormFieldKind, Response, ValueType};
use crate::spec;
use crate::typeinfo::{self, FieldKind, TypeInfo, TypeItem};

/// Everything of one spec's crate that a comparison reads.
pub(super) struct Surface {
    pub api: model::Api,
    pub types: BTreeMap<String, TypeDef>,
    /// Types a request can hold (the body types, what they reach, the
    /// named types of parameters).
    pub request: BTreeSet<String>,
    /// Types an answer can hold (answers, pages, events, errors).
    pub response: BTreeSet<String>,
    /// The API groups whose operations reach each type.
    pub groups: BTreeMap<String, BTreeSet<String>>,
    /// The JSON pointer of each type's schema, by Rust type name.
    pointers: BTreeMap<String, String>,
    raw: serde_json::Value,
}

/// A type of the crate, as users see it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum TypeDef {
    Struct(StructDef),
    /// A typify enum: a closed set of strings or an untagged union.
    Enum(EnumDef),
    /// An open set of strings (`Other(String)` for the rest).
    OpenSet(OpenSetDef),
    /// A discriminated union (`Other(Value)` for unknown members).
    Union(UnionDef),
    /// A newtype or an alias, by what it wraps.
    Other {
        doc: String,
        wraps: String,
    },
}

impl TypeDef {
    /// What the type is, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            TypeDef::Struct(_) => "a struct",
            TypeDef::Enum(e) if e.is_string_set() => "a closed enum",
            TypeDef::Enum(_) => "an untagged union",
            TypeDef::OpenSet(_) => "an open set",
            TypeDef::Union(_) => "a tagged union",
            TypeDef::Other { .. } => "a newtype",
        }
    }

    pub fn doc(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.doc,
            TypeDef::Enum(e) => &e.doc,
            TypeDef::OpenSet(s) => &s.doc,
            TypeDef::Union(u) => &u.doc,
            TypeDef::Other { doc, .. } => doc,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct StructDef {
    pub doc: String,
    pub non_exhaustive: bool,
    pub fields: Vec<FieldDef>,
    /// How a request type is built; `None` for a type no request holds.
    pub constructor: Option<Constructor>,
}

/// How users build a request type.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Constructor {
    /// `new(…)`, taking these fields (by wire name) in this order.
    New(Vec<String>),
    /// Typify's builder: more required fields than `new` takes.
    Builder,
}

impl Constructor {
    pub fn takes(&self, wire: &str) -> bool {
        matches!(self, Constructor::New(args) if args.iter().any(|a| a == wire))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct FieldDef {
    /// The name on the wire.
    pub wire: String,
    /// The Rust field (and setter) name.
    pub ident: String,
    /// Its Rust type, without paths (`Option<Vec<ContentBlock>>`).
    pub ty: String,
    pub presence: Presence,
    pub doc: String,
}

/// Whether a field must be given, as the generated type says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Presence {
    /// Must be present (and, in an answer, not null).
    Required,
    /// An `Option`, or a list serde fills in as empty.
    Optional,
    /// A one-value tag the constructors and serde fill in.
    Tag,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct EnumDef {
    pub doc: String,
    pub non_exhaustive: bool,
    pub variants: Vec<VariantDef>,
}

impl EnumDef {
    /// A closed set of strings: every variant is a unit.
    pub fn is_string_set(&self) -> bool {
        self.variants.iter().all(|v| v.holds.is_none())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct VariantDef {
    pub ident: String,
    /// Its value on the wire (a string enum's value).
    pub wire: String,
    /// The type it holds, for an untagged union.
    pub holds: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct OpenSetDef {
    pub doc: String,
    /// Each known value and its variant.
    pub values: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct UnionDef {
    pub doc: String,
    /// The tag property.
    pub property: String,
    pub members: Vec<MemberDef>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct MemberDef {
    pub tag: String,
    pub variant: String,
    /// The Rust type of the member.
    pub ty: String,
    /// Its schema's name in the spec.
    pub schema: String,
}

impl Surface {
    pub fn read(spec: &LoadedSpec) -> Result<Self, Error> {
        let model = crate::build_model(spec)?;
        let mut types = crate::types::generate(&model.normalized)?;
        let info = TypeInfo::read(&types.file)?;
        exhaustive::mark(&mut types.file, &info);
        let api = model.api;
        let mut defs = typify_types(&types.file, &info);
        for set in &api.open_enums {
            let variants = match &set.variant_names {
                Some(names) => names.clone(),
                None => spec::variant_names(&set.values, "Value"),
            };
            defs.insert(
                set.name.clone(),
                TypeDef::OpenSet(OpenSetDef {
                    doc: set.description.clone().unwrap_or_default(),
                    values: set.values.iter().cloned().zip(variants).collect(),
                }),
            );
        }
        for union in &api.tagged_unions {
            let tags: Vec<&str> = union.variants.iter().map(|v| v.tag.as_str()).collect();
            let variants = spec::variant_names(&tags, "Member");
            let members = union
                .variants
                .iter()
                .zip(variants)
                .map(|(v, variant)| MemberDef {
                    tag: v.tag.clone(),
                    variant,
                    ty: spec::type_name(&v.schema),
                    schema: v.schema.clone(),
                })
                .collect();
            defs.insert(
                union.name.clone(),
                TypeDef::Union(UnionDef {
                    doc: union.description.clone().unwrap_or_default(),
                    property: union.property.clone(),
                    members,
                }),
            );
        }
        let graph = Graph::new(&defs);
        let mut request = BTreeSet::new();
        let mut response = BTreeSet::new();
        let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for op in &api.operations {
            let (sent, answered) = roots(op);
            let sent = graph.reach(sent);
            let answered = graph.reach(answered);
            for ty in sent.iter().chain(&answered) {
                groups
                    .entry(ty.clone())
                    .or_default()
                    .insert(group_of(&op.resource));
            }
            request.extend(sent);
            response.extend(answered);
        }
        // Every error body decodes as this, whatever the operation.
        response.extend(graph.reach(vec!["ErrorResponse".to_string()]));
        // The types the constructors emitter gives `new` (or `build`) and
        // setters, which is not every type a request reaches: it does not
        // look through newtypes.
        for name in crate::render::constructors::request_types(&api, &info) {
            if let Some(TypeDef::Struct(s)) = defs.get_mut(&name) {
                s.constructor = constructor(&name, s, &api);
            }
        }
        Ok(Surface {
            api,
            types: defs,
            request,
            response,
            groups,
            pointers: type_pointers(&spec.raw),
            raw: spec.raw.clone(),
        })
    }

    /// The JSON pointer of the schema of the Rust type `name`.
    pub fn type_pointer(&self, name: &str) -> String {
        if let Some(pointer) = self.pointers.get(name) {
            return pointer.clone();
        }
        // A type typify named inside a schema (`<Parent>Variant0`): the
        // closest schema whose name it starts with.
        self.pointers
            .iter()
            .filter(|(known, _)| name.starts_with(known.as_str()))
            .max_by_key(|(known, _)| known.len())
            .map(|(_, pointer)| pointer.clone())
            .unwrap_or_else(|| "/components/schemas".to_string())
    }

    pub fn field_pointer(&self, name: &str, wire: &str) -> String {
        format!(
            "{}/properties/{}",
            self.type_pointer(name),
            escape_segment(wire)
        )
    }

    /// Whether the spec lets the field `wire` of `name` be null.
    pub fn is_nullable(&self, name: &str, wire: &str) -> bool {
        let nullable =
            |s: &serde_json::Value| s.get("nullable") == Some(&serde_json::Value::Bool(true));
        let Some(field) = self.raw.pointer(&self.field_pointer(name, wire)) else {
            return false;
        };
        nullable(field)
            || ["oneOf", "anyOf"].iter().any(|key| {
                field
                    .get(*key)
                    .and_then(|m| m.as_array())
                    .is_some_and(|members| members.iter().any(nullable))
            })
    }

    /// Where the string `value` of the set `name` is listed.
    pub fn value_pointer(&self, name: &str, value: &str) -> String {
        let base = self.type_pointer(name);
        let Some(schema) = self.raw.pointer(&base) else {
            return base;
        };
        let position = |list: &serde_json::Value| {
            list.as_array()?
                .iter()
                .position(|v| v.as_str() == Some(value))
        };
        if let Some(j) = schema.get("enum").and_then(position) {
            return format!("{base}/enum/{j}");
        }
        for key in ["anyOf", "oneOf"] {
            let members = schema.get(key).and_then(|m| m.as_array());
            for (i, member) in members.into_iter().flatten().enumerate() {
                if let Some(j) = member.get("enum").and_then(position) {
                    return format!("{base}/{key}/{i}/enum/{j}");
                }
            }
        }
        base
    }

    /// Where the union `name` lists its member of schema `schema`.
    pub fn member_pointer(&self, name: &str, schema: &str) -> String {
        let base = self.type_pointer(name);
        let reference = spec::schema_ref(schema);
        let members = self
            .raw
            .pointer(&format!("{base}/oneOf"))
            .and_then(|m| m.as_array());
        members
            .and_then(|m| {
                m.iter()
                    .position(|v| v.get("$ref").and_then(|r| r.as_str()) == Some(&reference))
            })
            .map(|i| format!("{base}/oneOf/{i}"))
            .unwrap_or(base)
    }

    /// The API groups that reach the type `name`.
    pub fn groups_of(&self, name: &str) -> BTreeSet<String> {
        self.groups.get(name).cloned().unwrap_or_default()
    }
}

/// The API group of an operation or resource: its first resource past the
/// beta surface (`client.beta().models()` is in `models`).
pub(super) fn group_of(resource: &[String]) -> String {
    resource
        .iter()
        .find(|r| r.as_str() != "beta")
        .or(resource.first())
        .cloned()
        .unwrap_or_default()
}

/// The types an operation sends, and those it answers with.
fn roots(op: &model::Operation) -> (Vec<String>, Vec<String>) {
    let mut sent = Vec::new();
    let named = |ty: &ValueType, out: &mut Vec<String>| {
        let mut ty = ty;
        while let ValueType::List(item) = ty {
            ty = item;
        }
        if let ValueType::Named(name) = ty {
            out.push(name.clone());
        }
    };
    for param in &op.params {
        named(&param.ty, &mut sent);
    }
    match &op.body {
        Body::None => {}
        Body::Json(body) => sent.push(body.type_name.clone()),
        Body::Multipart(form) => {
            for field in &form.fields {
                if let FormFieldKind::Text(ty) = &field.kind {
                    named(ty, &mut sent);
                }
            }
        }
    }
    let mut answered = match &op.response {
        Response::Json(ty) | Response::JsonLines(ty) => vec![ty.clone()],
        Response::JsonOrEvents { json, event } => vec![json.clone(), event.clone()],
        Response::Binary | Response::Empty => Vec::new(),
    };
    if let Some((page, item)) = op.pagination.page_and_item() {
        answered.extend([page.to_string(), item.to_string()]);
    }
    (sent, answered)
}

/// Which types each type mentions.
struct Graph {
    edges: BTreeMap<String, Vec<String>>,
}

impl Graph {
    fn new(types: &BTreeMap<String, TypeDef>) -> Self {
        let edges = types
            .iter()
            .map(|(name, def)| {
                let mentioned: Vec<String> = match def {
                    TypeDef::Struct(s) => s.fields.iter().flat_map(|f| idents(&f.ty)).collect(),
                    TypeDef::Enum(e) => e
                        .variants
                        .iter()
                        .filter_map(|v| v.holds.as_deref())
                        .flat_map(idents)
                        .collect(),
                    TypeDef::Union(u) => u.members.iter().map(|m| m.ty.clone()).collect(),
                    TypeDef::Other { wraps, .. } => idents(wraps),
                    TypeDef::OpenSet(_) => Vec::new(),
                };
                (name.clone(), mentioned)
            })
            .collect();
        Graph { edges }
    }

    fn reach(&self, roots: Vec<String>) -> BTreeSet<String> {
        let mut pending = roots;
        let mut seen = BTreeSet::new();
        while let Some(name) = pending.pop() {
            if let Some(next) = self.edges.get(&name) {
                if seen.insert(name) {
                    pending.extend(next.iter().cloned());
                }
            }
        }
        seen
    }
}

/// The type names in a displayed type (`Option<Vec<Block>>` → Option, Vec, Block).
fn idents(ty: &str) -> Vec<String> {
    ty.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Typify's types, as the generated crate has them.
fn typify_types(file: &syn::File, info: &TypeInfo) -> BTreeMap<String, TypeDef> {
    let mut out = BTreeMap::new();
    for item in &file.items {
        match item {
            syn::Item::Struct(s) => {
                let name = s.ident.to_string();
                let def = match info.items.get(&name) {
                    Some(TypeItem::Struct(fields)) => TypeDef::Struct(StructDef {
                        doc: doc_of(&s.attrs),
                        non_exhaustive: exhaustive::is_non_exhaustive(&s.attrs),
                        fields: fields
                            .fields
                            .iter()
                            .map(|f| FieldDef {
                                wire: f.wire.clone(),
                                ident: f.ident.to_string(),
                                ty: display_type(&f.ty),
                                presence: match f.kind {
                                    FieldKind::Required => Presence::Required,
                                    FieldKind::Optional(_) | FieldKind::Empty => Presence::Optional,
                                    FieldKind::Tag(..) => Presence::Tag,
                                },
                                doc: f.doc.clone(),
                            })
                            .collect(),
                        constructor: None,
                    }),
                    _ => TypeDef::Other {
                        doc: doc_of(&s.attrs),
                        wraps: s
                            .fields
                            .iter()
                            .map(|f| display_type(&f.ty))
                            .collect::<Vec<_>>()
                            .join(", "),
                    },
                };
                out.insert(name, def);
            }
            syn::Item::Enum(e) => {
                let variants = e
                    .variants
                    .iter()
                    .map(|v| VariantDef {
                        ident: v.ident.to_string(),
                        wire: typeinfo::serde_rename(&v.attrs)
                            .unwrap_or_else(|| v.ident.to_string()),
                        holds: match &v.fields {
                            syn::Fields::Unit => None,
                            fields => Some(
                                fields
                                    .iter()
                                    .map(|f| display_type(&f.ty))
                                    .collect::<Vec<_>>()
                                    .join(", "),
                            ),
                        },
                    })
                    .collect();
                out.insert(
                    e.ident.to_string(),
                    TypeDef::Enum(EnumDef {
                        doc: doc_of(&e.attrs),
                        non_exhaustive: exhaustive::is_non_exhaustive(&e.attrs),
                        variants,
                    }),
                );
            }
            syn::Item::Type(alias) => {
                out.insert(
                    alias.ident.to_string(),
                    TypeDef::Other {
                        doc: doc_of(&alias.attrs),
                        wraps: display_type(&alias.ty),
                    },
                );
            }
            _ => {}
        }
    }
    out
}

/// How the constructors emitter builds the request type `name`: `new`
/// takes the required fields in the order of the schema's `required` list,
/// unless there are more than it takes.
fn constructor(name: &str, s: &StructDef, api: &model::Api) -> Option<Constructor> {
    let mut required: Vec<&FieldDef> = s
        .fields
        .iter()
        .filter(|f| f.presence == Presence::Required)
        .collect();
    if let Some(facts) = api.schemas.get(name) {
        required.sort_by_key(|f| {
            facts
                .required
                .iter()
                .position(|w| *w == f.wire)
                .unwrap_or(usize::MAX)
        });
    }
    if required.len() > crate::render::constructors::MOST_ARGUMENTS {
        return Some(Constructor::Builder);
    }
    Some(Constructor::New(
        required.iter().map(|f| f.wire.clone()).collect(),
    ))
}

/// A type as users write it: paths dropped (`Option<Vec<ContentBlock>>`).
pub(super) fn display_type(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) => {
            let Some(last) = path.path.segments.last() else {
                return String::new();
            };
            let mut out = last.ident.to_string();
            if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                let inner: Vec<String> = args
                    .args
                    .iter()
                    .map(|arg| match arg {
                        syn::GenericArgument::Type(t) => display_type(t),
                        other => other.to_token_stream().to_string(),
                    })
                    .collect();
                out.push('<');
                out.push_str(&inner.join(", "));
                out.push('>');
            }
            out
        }
        other => other.to_token_stream().to_string(),
    }
}

/// The rustdoc of an item, joined.
fn doc_of(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// The pointer of every type the spec's schemas make, by the name typify
/// gives it: a component schema by its own name, an inline one by
/// `<Parent><Property>` (and `Item` for an array's items), the names
/// `normalize` hoists inline unions under too.
fn type_pointers(raw: &serde_json::Value) -> BTreeMap<String, String> {
    let schemas = raw
        .pointer("/components/schemas")
        .and_then(|s| s.as_object());
    // A component's own name wins over an inline schema that typify would
    // name the same.
    let mut out: BTreeMap<String, String> = schemas
        .into_iter()
        .flatten()
        .map(|(name, _)| (spec::type_name(name), spec::schema_pointer(name)))
        .collect();
    for (name, schema) in schemas.into_iter().flatten() {
        walk(
            spec::type_name(name),
            spec::schema_pointer(name),
            schema,
            &mut out,
        );
    }
    out
}

fn walk(
    name: String,
    pointer: String,
    schema: &serde_json::Value,
    out: &mut BTreeMap<String, String>,
) {
    if let Some(properties) = schema.get("properties").and_then(|p| p.as_object()) {
        for (property, inner) in properties {
            walk(
                format!("{name}{}", property.to_upper_camel_case()),
                format!("{pointer}/properties/{}", escape_segment(property)),
                inner,
                out,
            );
        }
    }
    if let Some(items) = schema.get("items") {
        walk(
            format!("{name}Item"),
            format!("{pointer}/items"),
            items,
            out,
        );
    }
    out.entry(name).or_insert(pointer);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_shown_as_users_write_them() {
        let ty: syn::Type =
            syn::parse_quote!(::std::option::Option<::std::vec::Vec<crate::types::ContentBlock>>);
        assert_eq!(display_type(&ty), "Option<Vec<ContentBlock>>");
        let map: syn::Type =
            syn::parse_quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>);
        assert_eq!(display_type(&map), "Map<String, Value>");
    }

    #[test]
    fn the_group_of_a_beta_resource_is_the_resource() {
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(group_of(&path(&["beta", "models"])), "models");
        assert_eq!(group_of(&path(&["messages", "batches"])), "messages");
        assert_eq!(group_of(&path(&["beta"])), "beta");
    }

    #[test]
    fn inline_schemas_point_where_they_are_written() {
        let raw = serde_json::json!({"components": {"schemas": {
            "Gadget": {"properties": {
                "part": {"type": "object", "properties": {}},
                "tags": {"type": "array", "items": {"type": "object"}}
            }},
            "GadgetPart": {"type": "string"}
        }}});
        let pointers = type_pointers(&raw);
        // A component wins over the inline schema typify would name the same.
        assert_eq!(pointers["GadgetPart"], "/components/schemas/GadgetPart");
        assert_eq!(
            pointers["GadgetTagsItem"],
            "/components/schemas/Gadget/properties/tags/items"
        );
    }
}
