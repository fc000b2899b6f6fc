//! Path, query and header parameters: their Rust types and checks.

use openapiv3::{
    Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::build::{setter_name, Context};
use super::schemas::schema_checks;
use super::{Checks, Param, ParamLocation, PathPart, ValueType};
use crate::spec;

pub(super) fn parameters(
    cx: &Context,
    pointer: &str,
    op: &openapiv3::Operation,
    path: &[PathPart],
) -> Vec<Param> {
    let mut out = Vec::new();
    for (i, parameter) in op.parameters.iter().enumerate() {
        let here = format!("{pointer}/parameters/{i}");
        let Some(parameter) = spec::resolve_parameter(cx.api(), parameter) else {
            cx.problem(
                &here,
                "the parameter does not resolve to a declared parameter",
            );
            continue;
        };
        let location = match parameter {
            Parameter::Path { .. } => ParamLocation::Path,
            Parameter::Query { .. } => ParamLocation::Query,
            Parameter::Header { .. } => ParamLocation::Header,
            Parameter::Cookie { .. } => {
                cx.problem(&here, "cookie parameters are not supported");
                continue;
            }
        };
        let data = parameter.parameter_data_ref();
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            cx.problem(&here, "a parameter must have a `schema` (not `content`)");
            continue;
        };
        let Some((ty, checks)) = value_type(cx, &format!("{here}/schema"), schema) else {
            continue;
        };
        if location == ParamLocation::Path && matches!(ty, ValueType::List(_)) {
            cx.problem(&here, "a path parameter cannot be a list");
            continue;
        }
        let checks = Checks {
            path_segment: location == ParamLocation::Path,
            ..checks
        };
        out.push(Param {
            name: data.name.clone(),
            rust_name: setter_name(cx, &here, &data.name),
            location,
            required: data.required,
            ty,
            description: data.description.clone().unwrap_or_default(),
            checks,
        });
    }
    for part in path {
        if let PathPart::Param(name) = part {
            let declared = out
                .iter()
                .any(|p| &p.name == name && p.location == ParamLocation::Path);
            if !declared {
                cx.problem(
                    pointer,
                    format!("the path names `{{{name}}}`, which no path parameter declares"),
                );
            }
        }
    }
    for param in out.iter().filter(|p| p.location == ParamLocation::Path) {
        if !path.contains(&PathPart::Param(param.name.clone())) {
            cx.problem(
                pointer,
                format!("path parameter `{}` is not in the path", param.name),
            );
        }
    }
    out
}

/// The Rust type and checks of a parameter's (or form field's) schema.
pub(super) fn value_type(
    cx: &Context,
    pointer: &str,
    schema: &ReferenceOr<Schema>,
) -> Option<(ValueType, Checks)> {
    let resolved = spec::resolve_schema(cx.api(), schema);
    let Some(resolved) = resolved else {
        cx.problem(pointer, "the schema does not resolve to a component schema");
        return None;
    };
    if let Some(name) = resolved.name {
        return named_type(cx, pointer, name, resolved.schema);
    }
    inline_type(cx, pointer, resolved.schema)
}

fn named_type(
    cx: &Context,
    pointer: &str,
    name: &str,
    schema: &Schema,
) -> Option<(ValueType, Checks)> {
    let is_open_set = cx.normalized.open_enums.iter().any(|e| e.name == name);
    let is_string = matches!(&schema.schema_kind, SchemaKind::Type(Type::String(_)));
    if is_open_set || is_string {
        return Some((ValueType::Named(spec::type_name(name)), Checks::default()));
    }
    cx.problem(
        pointer,
        format!("`{name}` cannot be a parameter: a parameter's named schema must be a string or an open set of strings"),
    );
    None
}

fn inline_type(cx: &Context, pointer: &str, schema: &Schema) -> Option<(ValueType, Checks)> {
    let unsupported = |cx: &Context, what: &str| {
        cx.problem(pointer, format!("{what} is not supported in a parameter"));
        None
    };
    let ty = match &schema.schema_kind {
        // A one-member `allOf` is how a described `$ref` is kept.
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
            return value_type(cx, &format!("{pointer}/allOf/0"), &all_of[0]);
        }
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
            return unsupported(
                cx,
                "an inline enum (name it as a component schema so it gets a type)",
            );
        }
        SchemaKind::Type(Type::String(s))
            if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) =>
        {
            ValueType::DateTime
        }
        SchemaKind::Type(Type::String(s))
            if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Date) =>
        {
            ValueType::Date
        }
        SchemaKind::Type(Type::String(_)) => ValueType::String,
        SchemaKind::Type(Type::Integer(i)) => ValueType::Integer {
            unsigned: i.minimum.is_some_and(|m| m >= 0),
        },
        SchemaKind::Type(Type::Number(_)) => ValueType::Number,
        SchemaKind::Type(Type::Boolean(_)) => ValueType::Boolean,
        SchemaKind::Type(Type::Array(array)) => {
            let Some(items) = &array.items else {
                return unsupported(cx, "an array without `items`");
            };
            let items = match items {
                ReferenceOr::Reference { reference } => ReferenceOr::Reference {
                    reference: reference.clone(),
                },
                ReferenceOr::Item(item) => ReferenceOr::Item(item.as_ref().clone()),
            };
            let (item, _) = value_type(cx, &format!("{pointer}/items"), &items)?;
            if matches!(item, ValueType::List(_)) {
                return unsupported(cx, "a list of lists");
            }
            ValueType::List(Box::new(item))
        }
        _ => return unsupported(cx, "this kind of schema"),
    };
    Some((ty, schema_checks(cx, pointer, schema)))
}
