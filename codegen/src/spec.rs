//! Reading the OpenAPI document: one home for each helper every pass needs,
//! so that a `$ref` is resolved, a schema named and an operation found the
//! same way everywhere.

use heck::ToUpperCamelCase;
use openapiv3::{OpenAPI, Operation, Parameter, ReferenceOr, Schema, SchemaKind, Type};

use crate::load::escape_segment;

const SCHEMA_PREFIX: &str = "#/components/schemas/";
const PARAMETER_PREFIX: &str = "#/components/parameters/";

/// One operation of the spec, where it sits, and what it is.
#[derive(Debug, Clone, Copy)]
pub struct SpecOperation<'a> {
    /// The path key as written, literal query included (`/v1/models?beta=true`).
    pub path: &'a str,
    /// The HTTP method in lower case, as the spec's key writes it.
    pub method: &'a str,
    pub operation: &'a Operation,
}

impl SpecOperation<'_> {
    /// The operation's JSON pointer, for error locations.
    pub fn pointer(&self) -> String {
        format!("/paths/{}/{}", escape_segment(self.path), self.method)
    }
}

/// Every operation of the spec, in the order of its paths and then methods.
pub fn operations(api: &OpenAPI) -> Vec<SpecOperation<'_>> {
    let mut out = Vec::new();
    for (path, item) in api.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, operation) in item.iter() {
            out.push(SpecOperation {
                path,
                method,
                operation,
            });
        }
    }
    out
}

/// The component schema name a `$ref` points at (`#/components/schemas/X` → `X`).
pub fn schema_ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix(SCHEMA_PREFIX)
}

/// A `$ref` to the component schema `name`.
pub fn schema_ref(name: &str) -> String {
    format!("{SCHEMA_PREFIX}{name}")
}

/// The JSON pointer of the component schema `name`, for error locations.
pub fn schema_pointer(name: &str) -> String {
    format!("/components/schemas/{}", escape_segment(name))
}

/// The Rust type name typify gives the component schema `name`.
pub fn type_name(schema: &str) -> String {
    schema.to_upper_camel_case()
}

/// The component schema called `name`, when it is written inline there.
pub fn component_schema<'a>(api: &'a OpenAPI, name: &str) -> Option<&'a Schema> {
    match api.components.as_ref()?.schemas.get(name)? {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { .. } => None,
    }
}

/// A schema with the component name it was reached through, if any.
#[derive(Debug, Clone, Copy)]
pub struct Resolved<'a> {
    pub name: Option<&'a str>,
    pub schema: &'a Schema,
}

/// Follows a schema `$ref` (one level: component schemas are written inline).
pub fn resolve_schema<'a>(
    api: &'a OpenAPI,
    schema: &'a ReferenceOr<Schema>,
) -> Option<Resolved<'a>> {
    match schema {
        ReferenceOr::Item(schema) => Some(Resolved { name: None, schema }),
        ReferenceOr::Reference { reference } => resolve_ref(api, reference),
    }
}

fn resolve_ref<'a>(api: &'a OpenAPI, reference: &str) -> Option<Resolved<'a>> {
    let name = schema_ref_name(reference)?;
    let (name, schema) = api.components.as_ref()?.schemas.get_key_value(name)?;
    match schema {
        ReferenceOr::Item(schema) => Some(Resolved {
            name: Some(name.as_str()),
            schema,
        }),
        ReferenceOr::Reference { .. } => None,
    }
}

/// Follows a parameter `$ref` to `#/components/parameters/`.
pub fn resolve_parameter<'a>(
    api: &'a OpenAPI,
    parameter: &'a ReferenceOr<Parameter>,
) -> Option<&'a Parameter> {
    match parameter {
        ReferenceOr::Item(parameter) => Some(parameter),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix(PARAMETER_PREFIX)?;
            match api.components.as_ref()?.parameters.get(name)? {
                ReferenceOr::Item(parameter) => Some(parameter),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

/// Every schema written inside `schema` (itself included, `$ref`s not
/// followed), mutably, parents before children.
pub fn for_each_schema(schema: &mut Schema, f: &mut dyn FnMut(&mut Schema)) {
    f(schema);
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            for prop in object.properties.values_mut() {
                if let ReferenceOr::Item(prop) = prop {
                    for_each_schema(prop, f);
                }
            }
            if let Some(openapiv3::AdditionalProperties::Schema(extra)) =
                &mut object.additional_properties
            {
                if let ReferenceOr::Item(extra) = extra.as_mut() {
                    for_each_schema(extra, f);
                }
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(ReferenceOr::Item(items)) = &mut array.items {
                for_each_schema(items, f);
            }
        }
        SchemaKind::OneOf { one_of: members }
        | SchemaKind::AnyOf { any_of: members }
        | SchemaKind::AllOf { all_of: members } => {
            for member in members.iter_mut() {
                if let ReferenceOr::Item(member) = member {
                    for_each_schema(member, f);
                }
            }
        }
        _ => {}
    }
}

/// The Rust variant name of each value of an enum (an open set's values, a
/// union's tags), unique within it. One rule for every enum the generator
/// writes: upper camel case; a `V` before a name that would not start with a
/// letter; `Other` is taken by the catch-all, so a value named so becomes
/// `Other<suffix>`; a name already taken gets the next free number.
pub fn variant_names<S: AsRef<str>>(values: &[S], other_suffix: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for value in values {
        let mut name = value.as_ref().to_upper_camel_case();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            name = format!("V{name}");
        }
        if name == "Other" {
            name = format!("Other{other_suffix}");
        }
        let base = name.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        names.push(name);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names_are_unique_identifiers() {
        let names = variant_names(&["red", "3d-blue", "other", "Red", "r-e-d"], "Value");
        assert_eq!(names, ["Red", "V3dBlue", "OtherValue", "Red2", "RED"]);
    }

    #[test]
    fn schema_refs_round_trip() {
        assert_eq!(schema_ref_name(&schema_ref("Message")), Some("Message"));
        assert_eq!(schema_ref_name("#/components/parameters/Limit"), None);
        assert_eq!(type_name("URLPDFSource"), "UrlpdfSource");
    }
}
