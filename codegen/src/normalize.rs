//! Pass 3: reshape the spec where progenitor would produce code that does not
//! compile or cannot hold the API's values, and record what later passes
//! must generate instead.

use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StringType, Type,
};

use crate::error::{Error, SpecProblem};
use crate::load::{escape_segment, LoadedSpec};

/// A named set of strings where any value is accepted and some are known.
#[derive(Debug, Clone)]
pub struct OpenEnum {
    pub name: String,
    pub description: Option<String>,
    pub values: Vec<String>,
}

/// A named list schema that travels as one comma-separated header value.
#[derive(Debug, Clone)]
pub struct HeaderList {
    pub name: String,
    pub item: String,
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
    pub schema: String,
    pub description: Option<String>,
}

/// The spec as progenitor will see it, plus what it cannot express.
pub struct Normalized {
    pub api: OpenAPI,
    pub open_enums: Vec<OpenEnum>,
    pub header_lists: Vec<HeaderList>,
    pub tagged_unions: Vec<TaggedUnion>,
}

pub fn normalize(spec: &LoadedSpec) -> Result<Normalized, Error> {
    let mut api = spec.api.clone();
    let mut problems = Vec::new();
    keep_ref_descriptions(&spec.raw, &mut api);
    let open_enums = find_open_enums(&api);
    let header_lists = hoist_header_lists(spec, &mut api, &mut problems);
    let tagged_unions = find_tagged_unions(spec, &api, &mut problems);
    drop_optional_defaults(&mut api);
    if !problems.is_empty() {
        return Err(Error::Spec(problems));
    }
    Ok(Normalized {
        api,
        open_enums,
        header_lists,
        tagged_unions,
    })
}

/// `anyOf: [{type: string}, {type: string, enum: [...]}]`, in either order,
/// is how the reference writes an open set. Typify would make it a struct of
/// two options that cannot round-trip an unknown value.
fn find_open_enums(api: &OpenAPI) -> Vec<OpenEnum> {
    let Some(components) = &api.components else {
        return Vec::new();
    };
    components
        .schemas
        .iter()
        .filter_map(|(name, schema)| {
            let ReferenceOr::Item(schema) = schema else {
                return None;
            };
            let values = open_enum_values(schema)?;
            Some(OpenEnum {
                name: name.clone(),
                description: schema.schema_data.description.clone(),
                values,
            })
        })
        .collect()
}

pub(crate) fn open_enum_values(schema: &Schema) -> Option<Vec<String>> {
    let SchemaKind::AnyOf { any_of } = &schema.schema_kind else {
        return None;
    };
    let mut plain = false;
    let mut values = None;
    for member in any_of {
        let ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::Type(Type::String(StringType { enumeration, .. })),
            ..
        }) = member
        else {
            return None;
        };
        if enumeration.is_empty() {
            plain = true;
        } else {
            values = Some(enumeration.iter().flatten().cloned().collect::<Vec<_>>());
        }
    }
    if any_of.len() == 2 && plain {
        values
    } else {
        None
    }
}

/// An array-typed header parameter makes progenitor emit `value.to_string()`
/// on a `Vec`, which does not compile. The array becomes a named schema that
/// the raw pass replaces with the runtime's comma-separated list type.
fn hoist_header_lists(
    spec: &LoadedSpec,
    api: &mut OpenAPI,
    problems: &mut Vec<SpecProblem>,
) -> Vec<HeaderList> {
    let mut lists: Vec<HeaderList> = Vec::new();
    let mut new_schemas = Vec::new();
    let mut visit = |param: &mut Parameter, pointer: String| {
        let Parameter::Header { parameter_data, .. } = param else {
            return;
        };
        let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) =
            &mut parameter_data.format
        else {
            return;
        };
        let SchemaKind::Type(Type::Array(array)) = &schema.schema_kind else {
            return;
        };
        let item = match &array.items {
            Some(ReferenceOr::Reference { reference }) => reference
                .trim_start_matches("#/components/schemas/")
                .to_string(),
            _ => {
                problems.push(spec.problem(
                    &format!("{pointer}/schema/items"),
                    "the items of an array-typed header must be a `$ref` to a named schema",
                ));
                return;
            }
        };
        let name = format!("{item}List");
        if !lists.iter().any(|l| l.name == name) {
            lists.push(HeaderList {
                name: name.clone(),
                item: item.clone(),
            });
            let mut hoisted = schema.clone();
            hoisted.schema_data.description = Some(format!(
                "A list of `{item}` sent as one comma-separated header value."
            ));
            new_schemas.push((name.clone(), hoisted));
        }
        parameter_data.format = ParameterSchemaOrContent::Schema(ReferenceOr::Reference {
            reference: format!("#/components/schemas/{name}"),
        });
    };
    if let Some(components) = &mut api.components {
        for (name, param) in components.parameters.iter_mut() {
            if let ReferenceOr::Item(param) = param {
                visit(
                    param,
                    format!("/components/parameters/{}", escape_segment(name)),
                );
            }
        }
    }
    for (path, item) in api.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in operations_mut(item) {
            for (i, param) in op.parameters.iter_mut().enumerate() {
                if let ReferenceOr::Item(param) = param {
                    visit(
                        param,
                        format!("/paths/{}/{method}/parameters/{i}", escape_segment(path)),
                    );
                }
            }
        }
    }
    if !new_schemas.is_empty() {
        let components = api.components.get_or_insert_with(Default::default);
        for (name, schema) in new_schemas {
            components.schemas.insert(name, ReferenceOr::Item(schema));
        }
    }
    lists
}

pub(crate) fn operations_mut(
    item: &mut openapiv3::PathItem,
) -> impl Iterator<Item = (&'static str, &mut openapiv3::Operation)> {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("options", &mut item.options),
        ("head", &mut item.head),
        ("patch", &mut item.patch),
        ("trace", &mut item.trace),
    ]
    .into_iter()
    .filter_map(|(method, op)| op.as_mut().map(|op| (method, op)))
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
            (schema, raw.pointer(&format!("/components/schemas/{}", escape_segment(name))))
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
                        if let Some(wrapper) = described_ref(reference, raw_prop) {
                            *prop = ReferenceOr::Item(Box::new(wrapper));
                        }
                    }
                    ReferenceOr::Item(inner) => describe_refs_in(inner, raw_prop),
                }
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let (Some(ReferenceOr::Item(items)), Some(raw_items)) = (&mut array.items, raw.get("items")) {
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

fn described_ref(reference: &str, raw: &serde_json::Value) -> Option<Schema> {
    let description = raw.get("description")?.as_str()?;
    let mut wrapper = Schema {
        schema_data: Default::default(),
        schema_kind: SchemaKind::AllOf {
            all_of: vec![ReferenceOr::Reference {
                reference: reference.to_string(),
            }],
        },
    };
    wrapper.schema_data.description = Some(description.to_string());
    Some(wrapper)
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
        let pointer = format!("/components/schemas/{}", escape_segment(name));
        let mut variants = Vec::new();
        for (i, member) in one_of.iter().enumerate() {
            let ReferenceOr::Reference { reference } = member else {
                problems.push(spec.problem(
                    &format!("{pointer}/oneOf/{i}"),
                    "a member of a discriminated union must be a `$ref` to a named schema",
                ));
                continue;
            };
            let member_name = reference.trim_start_matches("#/components/schemas/").to_string();
            let from_mapping = discriminator
                .mapping
                .iter()
                .find(|(_, target)| *target == reference)
                .map(|(tag, _)| tag.clone());
            let member_schema = match components.schemas.get(&member_name) {
                Some(ReferenceOr::Item(s)) => Some(s),
                _ => None,
            };
            let from_schema = member_schema.and_then(|s| single_string_value(s, &discriminator.property_name));
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
            variants.push(UnionVariant {
                tag,
                schema: member_name,
                description: member_schema.and_then(|s| s.schema_data.description.clone()),
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
        SchemaKind::Type(Type::String(StringType { enumeration, .. })) if enumeration.len() == 1 => {
            enumeration[0].clone()
        }
        _ => None,
    }
}

/// A `default` on an optional property makes typify drop the `Option` and
/// always send the default. The server applies its own default to an absent
/// field, so the client leaves it absent; the description still states it.
fn drop_optional_defaults(api: &mut OpenAPI) {
    let Some(components) = &mut api.components else {
        return;
    };
    for schema in components.schemas.values_mut() {
        if let ReferenceOr::Item(schema) = schema {
            drop_defaults_in(schema);
        }
    }
}

fn drop_defaults_in(schema: &mut Schema) {
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            for (name, prop) in object.properties.iter_mut() {
                if let ReferenceOr::Item(prop) = prop {
                    if !object.required.contains(name) {
                        prop.schema_data.default = None;
                    }
                    drop_defaults_in(prop);
                }
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(ReferenceOr::Item(items)) = &mut array.items {
                drop_defaults_in(items);
            }
        }
        SchemaKind::OneOf { one_of: members }
        | SchemaKind::AnyOf { any_of: members }
        | SchemaKind::AllOf { all_of: members } => {
            for member in members.iter_mut() {
                if let ReferenceOr::Item(member) = member {
                    drop_defaults_in(member);
                }
            }
        }
        _ => {}
    }
}
