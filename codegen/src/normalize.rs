//! Pass: reshape the spec where progenitor would produce code that does not
//! compile or cannot hold the API's values, and record what later passes
//! must generate instead.

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StringType, Type};

use crate::error::{Error, SpecProblem};
use crate::load::{escape_segment, LoadedSpec};
use crate::spec;

/// A named set of strings where any value is accepted and some are known.
#[derive(Debug, Clone)]
pub struct OpenEnum {
    pub name: String,
    pub description: Option<String>,
    pub values: Vec<String>,
    /// The Rust variant of each value, when the spec names them
    /// (`x-enum-varnames`); else they are derived from the values.
    pub variant_names: Option<Vec<String>>,
}

/// A `oneOf` told apart by a discriminator property.
#[derive(Debug, Clone)]
pub struct TaggedUnion {
    pub name: String,
    pub description: Option<String>,
    pub property: String,
    /// Each member: its tag value, its schema name and its description.
    pub variants: Vec<UnionVariant>,
}

#[derive(Debug, Clone)]
pub struct UnionVariant {
    pub tag: String,
    /// Other tags the discriminator maps to the same member (a tool that
    /// also takes its undated `type`), read as this variant too.
    pub aliases: Vec<String>,
    pub schema: String,
    pub description: Option<String>,
    /// The member may leave the tag out; it is chosen when the tag is absent.
    pub tag_optional: bool,
}

/// The spec as progenitor will see it, plus what it cannot express.
pub struct Normalized {
    pub api: OpenAPI,
    pub open_enums: Vec<OpenEnum>,
    pub tagged_unions: Vec<TaggedUnion>,
}

pub fn normalize(spec: &LoadedSpec) -> Result<Normalized, Error> {
    let mut api = spec.api.clone();
    let mut problems = Vec::new();
    keep_ref_descriptions(&spec.raw, &mut api);
    hoist_inline_unions(spec, &mut api, &mut problems);
    make_nullables_optional(&mut api);
    let open_enums = find_open_enums(spec, &api, &mut problems);
    let tagged_unions = find_tagged_unions(spec, &api, &mut problems);
    drop_optional_defaults(&mut api);
    // After the unions are read: it makes their tags optional.
    default_constants(&mut api);
    if !problems.is_empty() {
        return Err(Error::Spec(problems));
    }
    Ok(Normalized {
        api,
        open_enums,
        tagged_unions,
    })
}

/// `anyOf: [{type: string}, {type: string, enum: [...]}]`, in either order,
/// is how the reference writes an open set. Typify would make it a struct of
/// two options that cannot round-trip an unknown value.
fn find_open_enums(
    spec: &LoadedSpec,
    api: &OpenAPI,
    problems: &mut Vec<SpecProblem>,
) -> Vec<OpenEnum> {
    let Some(components) = &api.components else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let Some((values, names)) = open_enum_values(schema) else {
            continue;
        };
        if let Some(names) = &names {
            if names.len() != values.len() {
                problems.push(spec.problem(
                    &spec::schema_pointer(name),
                    format!(
                        "`x-enum-varnames` names {} variants for {} values",
                        names.len(),
                        values.len()
                    ),
                ));
                continue;
            }
        }
        out.push(OpenEnum {
            name: name.clone(),
            description: schema.schema_data.description.clone(),
            values,
            variant_names: names,
        });
    }
    out
}

/// The known values of an open set, and the names the spec gives their
/// variants (`x-enum-varnames`), if it does.
pub(crate) fn open_enum_values(schema: &Schema) -> Option<(Vec<String>, Option<Vec<String>>)> {
    let SchemaKind::AnyOf { any_of } = &schema.schema_kind else {
        return None;
    };
    let mut plain = false;
    let mut values = None;
    for member in any_of {
        let ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::Type(Type::String(StringType { enumeration, .. })),
            schema_data,
        }) = member
        else {
            return None;
        };
        if enumeration.is_empty() {
            plain = true;
        } else {
            let names = schema_data
                .extensions
                .get("x-enum-varnames")
                .and_then(|names| names.as_array())
                .map(|names| {
                    names
                        .iter()
                        .map(|n| n.as_str().unwrap_or_default().to_string())
                        .collect()
                });
            values = Some((enumeration.iter().flatten().cloned().collect(), names));
        }
    }
    if any_of.len() == 2 && plain {
        values
    } else {
        None
    }
}

/// OpenAPI 3.0 ignores a `description` beside a `$ref`, but the reference
/// documents nearly every field that way (as OpenAPI 3.1 allows). Wrapping
/// the reference in a one-member `allOf` keeps the description for the
/// field's rustdoc while typify still uses the referenced type.
fn keep_ref_descriptions(raw: &serde_json::Value, api: &mut OpenAPI) {
    let Some(components) = &mut api.components else {
        return;
    };
    for (name, schema) in components.schemas.iter_mut() {
        if let (ReferenceOr::Item(schema), Some(raw)) =
            (schema, raw.pointer(&spec::schema_pointer(name)))
        {
            describe_refs_in(schema, raw);
        }
    }
}

fn describe_refs_in(schema: &mut Schema, raw: &serde_json::Value) {
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            for (name, prop) in object.properties.iter_mut() {
                let Some(raw_prop) = raw.get("properties").and_then(|p| p.get(name)) else {
                    continue;
                };
                match prop {
                    ReferenceOr::Reference { reference } => {
                        if let Some(description) =
                            raw_prop.get("description").and_then(|d| d.as_str())
                        {
                            let wrapper = described_ref(reference, Some(description.to_string()));
                            *prop = ReferenceOr::Item(Box::new(wrapper));
                        }
                    }
                    ReferenceOr::Item(inner) => describe_refs_in(inner, raw_prop),
                }
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let (Some(ReferenceOr::Item(items)), Some(raw_items)) =
                (&mut array.items, raw.get("items"))
            {
                describe_refs_in(items, raw_items);
            }
        }
        SchemaKind::OneOf { one_of: members }
        | SchemaKind::AnyOf { any_of: members }
        | SchemaKind::AllOf { all_of: members } => {
            let raw_members = ["oneOf", "anyOf", "allOf"]
                .iter()
                .find_map(|k| raw.get(*k))
                .and_then(|m| m.as_array());
            for (i, member) in members.iter_mut().enumerate() {
                if let (ReferenceOr::Item(inner), Some(raw_member)) =
                    (member, raw_members.and_then(|m| m.get(i)))
                {
                    describe_refs_in(inner, raw_member);
                }
            }
        }
        _ => {}
    }
}

/// `allOf: [$ref]`, carrying `description`: a reference that keeps its doc.
fn described_ref(reference: &str, description: Option<String>) -> Schema {
    let mut wrapper = Schema {
        schema_data: Default::default(),
        schema_kind: SchemaKind::AllOf {
            all_of: vec![ReferenceOr::Reference {
                reference: reference.to_string(),
            }],
        },
    };
    wrapper.schema_data.description = description;
    wrapper
}

/// Typify ignores `discriminator` and makes an untagged enum, which fails on
/// a member the spec does not list. These unions get an enum of our own that
/// dispatches on the tag and keeps unknown members as raw JSON.
fn find_tagged_unions(
    spec: &LoadedSpec,
    api: &OpenAPI,
    problems: &mut Vec<SpecProblem>,
) -> Vec<TaggedUnion> {
    let Some(components) = &api.components else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let SchemaKind::OneOf { one_of } = &schema.schema_kind else {
            continue;
        };
        let Some(discriminator) = &schema.schema_data.discriminator else {
            continue;
        };
        let pointer = spec::schema_pointer(name);
        let mut variants = Vec::new();
        for (i, member) in one_of.iter().enumerate() {
            let ReferenceOr::Reference { reference } = member else {
                problems.push(spec.problem(
                    &format!("{pointer}/oneOf/{i}"),
                    "a member of a discriminated union must be a `$ref` to a named schema",
                ));
                continue;
            };
            let member_name = spec::schema_ref_name(reference)
                .unwrap_or(reference)
                .to_string();
            let mut mapped = discriminator
                .mapping
                .iter()
                .filter(|(_, target)| *target == reference)
                .map(|(tag, _)| tag.clone());
            let from_mapping = mapped.next();
            let aliases: Vec<String> = mapped.collect();
            let member_schema = match components.schemas.get(&member_name) {
                Some(ReferenceOr::Item(s)) => Some(s),
                _ => None,
            };
            let from_schema =
                member_schema.and_then(|s| single_string_value(s, &discriminator.property_name));
            let Some(tag) = from_mapping.or(from_schema) else {
                problems.push(spec.problem(
                    &format!("{pointer}/oneOf/{i}"),
                    format!(
                        "cannot tell the `{}` value of `{member_name}`: add it to the discriminator mapping",
                        discriminator.property_name
                    ),
                ));
                continue;
            };
            let tag_optional = member_schema.is_some_and(|s| match &s.schema_kind {
                SchemaKind::Type(Type::Object(o)) => {
                    !o.required.contains(&discriminator.property_name)
                }
                _ => false,
            });
            variants.push(UnionVariant {
                tag,
                aliases,
                schema: member_name,
                description: member_schema.and_then(|s| s.schema_data.description.clone()),
                tag_optional,
            });
        }
        out.push(TaggedUnion {
            name: name.clone(),
            description: schema.schema_data.description.clone(),
            property: discriminator.property_name.clone(),
            variants,
        });
    }
    out
}

/// The one value an object's `property` may take (`{type: string, enum: [x]}`).
fn single_string_value(schema: &Schema, property: &str) -> Option<String> {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    let ReferenceOr::Item(prop) = object.properties.get(property)? else {
        return None;
    };
    match &prop.schema_kind {
        SchemaKind::Type(Type::String(StringType { enumeration, .. }))
            if enumeration.len() == 1 =>
        {
            enumeration[0].clone()
        }
        _ => None,
    }
}

/// A `default` on an optional property makes typify drop the `Option` and
/// always send the default. The server applies its own default to an absent
/// field, so the client leaves it absent; the description still states it.
fn drop_optional_defaults(api: &mut OpenAPI) {
    for_each_component_object(api, &mut |object| {
        for (name, prop) in object.properties.iter_mut() {
            if let ReferenceOr::Item(prop) = prop {
                if !object.required.contains(name) && single_value(prop).is_none() {
                    prop.schema_data.default = None;
                }
            }
        }
    });
}

/// Every object schema inside `schema` (itself included), mutably.
fn for_each_object(schema: &mut Schema, f: &mut dyn FnMut(&mut openapiv3::ObjectType)) {
    spec::for_each_schema(schema, &mut |schema| {
        if let SchemaKind::Type(Type::Object(object)) = &mut schema.schema_kind {
            f(object);
        }
    });
}

fn for_each_component_object(api: &mut OpenAPI, f: &mut dyn FnMut(&mut openapiv3::ObjectType)) {
    if let Some(components) = &mut api.components {
        for schema in components.schemas.values_mut() {
            if let ReferenceOr::Item(schema) = schema {
                for_each_object(schema, f);
            }
        }
    }
}

/// A field the server may send as `null` may also be left out (the
/// reference's own examples do), so in schemas only responses use it becomes
/// optional: absent and null both read as `None`. Schemas a request uses
/// keep it required, so `None` is sent as an explicit `null`.
fn make_nullables_optional(api: &mut OpenAPI) {
    let requested = request_schemas(api);
    let Some(components) = &mut api.components else {
        return;
    };
    for (name, schema) in components.schemas.iter_mut() {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        if requested.contains(name) {
            continue;
        }
        for_each_object(schema, &mut |object| {
            let nullable: Vec<String> = object
                .properties
                .iter()
                .filter(|(_, p)| matches!(p, ReferenceOr::Item(p) if p.schema_data.nullable))
                .map(|(name, _)| name.clone())
                .collect();
            object.required.retain(|r| !nullable.contains(r));
        });
    }
}

/// The component schemas a request body or parameter reaches.
pub(crate) fn request_schemas(api: &OpenAPI) -> std::collections::BTreeSet<String> {
    let mut pending: Vec<String> = Vec::new();
    for (_, item) in api.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, op) in item.iter() {
            let inputs = (
                serde_json::to_value(&op.request_body),
                serde_json::to_value(&op.parameters),
            );
            if let (Ok(body), Ok(params)) = inputs {
                collect_refs(&body, &mut pending);
                collect_refs(&params, &mut pending);
            }
        }
    }
    let components = api.components.as_ref();
    if let Some(c) = components {
        if let Ok(params) = serde_json::to_value(&c.parameters) {
            collect_refs(&params, &mut pending);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = components.and_then(|c| c.schemas.get(&name)) {
            if let Ok(value) = serde_json::to_value(schema) {
                collect_refs(&value, &mut pending);
            }
        }
    }
    seen
}

fn collect_refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                if let Some(name) = spec::schema_ref_name(r) {
                    out.push(name.to_string());
                }
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// A required property that can hold one value only (a `type` tag) gets
/// that value as its default, so struct builders and decoding fill it in.
/// Typify honours a default only on an optional property, and then still
/// always serializes the field, so the tag is always sent.
fn default_constants(api: &mut OpenAPI) {
    for_each_component_object(api, &mut |object| {
        let mut constants = Vec::new();
        for (name, prop) in object.properties.iter_mut() {
            let ReferenceOr::Item(prop) = prop else {
                continue;
            };
            if !object.required.contains(name) || prop.schema_data.default.is_some() {
                continue;
            }
            if let Some(only) = single_value(prop) {
                prop.schema_data.default = Some(serde_json::Value::String(only));
                constants.push(name.clone());
            }
        }
        object.required.retain(|r| !constants.contains(r));
    });
}

fn single_value(schema: &Schema) -> Option<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(StringType { enumeration, .. })) => {
            match enumeration.as_slice() {
                [Some(only)] => Some(only.clone()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A discriminated `oneOf` written inline (a property's schema, or the
/// items of an array property) becomes a named schema `<Parent><Property>`,
/// so the unions pass can give it a catch-all like the named ones. A name
/// already taken is a problem: the union would otherwise be lost.
fn hoist_inline_unions(spec: &LoadedSpec, api: &mut OpenAPI, problems: &mut Vec<SpecProblem>) {
    let Some(components) = &mut api.components else {
        return;
    };
    let mut hoisted: Vec<Hoisted> = Vec::new();
    let names: Vec<String> = components.schemas.keys().cloned().collect();
    for name in names {
        let Some(ReferenceOr::Item(schema)) = components.schemas.get_mut(&name) else {
            continue;
        };
        let SchemaKind::Type(Type::Object(object)) = &mut schema.schema_kind else {
            continue;
        };
        for (prop_name, prop) in object.properties.iter_mut() {
            if let ReferenceOr::Item(prop) = prop {
                let base = format!(
                    "{name}{}",
                    heck::ToUpperCamelCase::to_upper_camel_case(prop_name.as_str())
                );
                let pointer = format!(
                    "{}/properties/{}",
                    spec::schema_pointer(&name),
                    escape_segment(prop_name)
                );
                hoist_in(prop, base, pointer, &mut hoisted);
            }
        }
    }
    for Hoisted {
        name,
        schema,
        pointer,
    } in hoisted
    {
        if components.schemas.contains_key(&name) {
            problems.push(spec.problem(
                &pointer,
                format!(
                    "this inline union would be named `{name}`, which another schema already is; \
                     name the union as a component schema"
                ),
            ));
            continue;
        }
        components.schemas.insert(name, ReferenceOr::Item(schema));
    }
}

/// An inline union taken out to a named schema.
struct Hoisted {
    name: String,
    schema: Schema,
    /// Where it was written.
    pointer: String,
}

/// Hoists the tagged unions in a property's schema: the schema itself, the
/// items of an array (`<name>Item`), or a member of an untagged `oneOf`.
fn hoist_in(schema: &mut Schema, name: String, pointer: String, hoisted: &mut Vec<Hoisted>) {
    if is_inline_tagged_union(schema) {
        let reference = described_ref(
            &spec::schema_ref(&name),
            schema.schema_data.description.clone(),
        );
        hoisted.push(Hoisted {
            name,
            schema: std::mem::replace(schema, reference),
            pointer,
        });
        return;
    }
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(ReferenceOr::Item(items)) = &mut array.items {
                hoist_in(
                    items,
                    format!("{name}Item"),
                    format!("{pointer}/items"),
                    hoisted,
                );
            }
        }
        SchemaKind::OneOf { one_of: members } => {
            hoist_members(members, &name, &format!("{pointer}/oneOf"), hoisted)
        }
        SchemaKind::AnyOf { any_of: members } => {
            hoist_members(members, &name, &format!("{pointer}/anyOf"), hoisted)
        }
        _ => {}
    }
}

fn hoist_members(
    members: &mut [ReferenceOr<Schema>],
    name: &str,
    pointer: &str,
    hoisted: &mut Vec<Hoisted>,
) {
    for (i, member) in members.iter_mut().enumerate() {
        if let ReferenceOr::Item(member) = member {
            hoist_in(member, name.to_string(), format!("{pointer}/{i}"), hoisted);
        }
    }
}

fn is_inline_tagged_union(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::OneOf { one_of }
        if schema.schema_data.discriminator.is_some()
            && one_of.iter().all(|m| matches!(m, ReferenceOr::Reference { .. })))
}
