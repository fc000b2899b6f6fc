//! Request bodies: none, a JSON document of a named schema, or a
//! multipart form whose fields are text or files.

use openapiv3::{ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

use super::build::{setter_name, Context};
use super::params::value_type;
use super::{Body, FormField, FormFieldKind, JsonBody, MultipartBody, ValueType};
use crate::spec;

pub(super) fn body(cx: &Context, pointer: &str, op: &openapiv3::Operation) -> Body {
    let here = format!("{pointer}/requestBody");
    let Some(body) = &op.request_body else {
        return Body::None;
    };
    let ReferenceOr::Item(body) = body else {
        cx.problem(
            &here,
            "write the request body inline (a `$ref` to requestBodies is not supported)",
        );
        return Body::None;
    };
    let description = body.description.clone().unwrap_or_default();
    let media: Vec<&String> = body.content.keys().collect();
    let [media_type] = media.as_slice() else {
        cx.problem(
            &format!("{here}/content"),
            "a request body must offer exactly one media type",
        );
        return Body::None;
    };
    let content_pointer = format!(
        "{here}/content/{}/schema",
        crate::load::escape_segment(media_type)
    );
    let schema = body.content[*media_type].schema.as_ref();
    match media_type.as_str() {
        "application/json" => {
            let name = match schema {
                Some(ReferenceOr::Reference { reference }) => spec::schema_ref_name(reference),
                _ => None,
            };
            let Some(name) = name else {
                cx.problem(
                    &content_pointer,
                    "a JSON request body must be a `$ref` to a named schema",
                );
                return Body::None;
            };
            let stream_flag = stream_flag(cx, name);
            Body::Json(JsonBody {
                schema: name.to_string(),
                type_name: spec::type_name(name),
                description,
                stream_flag,
            })
        }
        "multipart/form-data" => {
            let Some(schema) = schema else {
                cx.problem(&content_pointer, "a multipart body needs a schema");
                return Body::None;
            };
            match form_fields(cx, &content_pointer, schema) {
                Some(fields) => Body::Multipart(MultipartBody {
                    description,
                    fields,
                }),
                None => Body::None,
            }
        }
        other => {
            cx.problem(
                &format!("{here}/content"),
                format!("request bodies of type `{other}` are not supported (JSON or multipart)"),
            );
            Body::None
        }
    }
}

/// Whether the body schema `name` has the `stream` flag that asks for
/// events. The request sets it itself, so it must be an optional boolean.
fn stream_flag(cx: &Context, name: &str) -> bool {
    let Some(SchemaKind::Type(Type::Object(object))) =
        spec::component_schema(cx.api(), name).map(|s| &s.schema_kind)
    else {
        return false;
    };
    let Some(flag) = object.properties.get("stream") else {
        return false;
    };
    let boolean = matches!(flag, ReferenceOr::Item(s)
        if matches!(s.schema_kind, SchemaKind::Type(Type::Boolean(_))));
    if !boolean || object.required.iter().any(|r| r == "stream") {
        cx.problem(
            &format!("{}/properties/stream", spec::schema_pointer(name)),
            "a body's `stream` property must be an optional boolean: the client sets it",
        );
    }
    true
}

/// The fields of a multipart form, from the properties of its object schema.
fn form_fields(
    cx: &Context,
    pointer: &str,
    schema: &ReferenceOr<Schema>,
) -> Option<Vec<FormField>> {
    let resolved = spec::resolve_schema(cx.api(), schema)?.schema.clone();
    let SchemaKind::Type(Type::Object(object)) = &resolved.schema_kind else {
        cx.problem(
            pointer,
            "a multipart body's schema must be an object of fields",
        );
        return None;
    };
    let mut fields = Vec::new();
    for (name, property) in &object.properties {
        let here = format!("{pointer}/properties/{}", crate::load::escape_segment(name));
        let property: ReferenceOr<Schema> = match property {
            ReferenceOr::Reference { reference } => ReferenceOr::Reference {
                reference: reference.clone(),
            },
            ReferenceOr::Item(p) => ReferenceOr::Item(p.as_ref().clone()),
        };
        let description = match &property {
            ReferenceOr::Item(p) => p.schema_data.description.clone().unwrap_or_default(),
            ReferenceOr::Reference { .. } => String::new(),
        };
        let kind = match &property {
            ReferenceOr::Item(p) if is_binary(p) => FormFieldKind::File,
            ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Type(Type::Array(array)),
                ..
            }) if matches!(&array.items, Some(ReferenceOr::Item(items)) if is_binary(items)) => {
                FormFieldKind::Files
            }
            _ => {
                let (ty, _) = value_type(cx, &here, &property)?;
                if matches!(ty, ValueType::List(_)) {
                    cx.problem(&here, "a multipart field may be a list of files only");
                    return None;
                }
                FormFieldKind::Text(ty)
            }
        };
        fields.push(FormField {
            name: name.clone(),
            rust_name: setter_name(cx, &here, name),
            kind,
            required: object.required.contains(name),
            description,
        });
    }
    Some(fields)
}

/// `{type: string, format: binary}`: the bytes of a file.
pub(super) fn is_binary(schema: &Schema) -> bool {
    matches!(&schema.schema_kind,
        SchemaKind::Type(Type::String(s))
            if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary))
}

/// The setter names a body adds to its request.
pub(super) fn field_names(body: &Body) -> impl Iterator<Item = &String> {
    let fields = match body {
        Body::Multipart(form) => form.fields.as_slice(),
        Body::None | Body::Json(_) => &[],
    };
    fields.iter().map(|f| &f.rust_name)
}
