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

/// The spec as progenitor will see it, plus what it cannot express.
pub struct Normalized {
    pub api: OpenAPI,
    pub open_enums: Vec<OpenEnum>,
    pub header_lists: Vec<HeaderList>,
}

pub fn normalize(spec: &LoadedSpec) -> Result<Normalized, Error> {
    let mut api = spec.api.clone();
    let mut problems = Vec::new();
    let open_enums = find_open_enums(&api);
    let header_lists = hoist_header_lists(spec, &mut api, &mut problems);
    if !problems.is_empty() {
        return Err(Error::Spec(problems));
    }
    Ok(Normalized {
        api,
        open_enums,
        header_lists,
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
