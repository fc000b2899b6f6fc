//! What a successful answer holds, and how a list pages.

use openapiv3::{ReferenceOr, Schema, SchemaKind, StatusCode, Type};

use super::body::is_binary;
use super::build::Context;
use super::{Body, Pagination, Param, ParamLocation, Response};
use crate::spec;

/// Media types read as JSON Lines.
const JSON_LINES: &[&str] = &[
    "application/x-jsonl",
    "application/jsonl",
    "application/x-ndjson",
];

pub(super) fn response(
    cx: &Context,
    pointer: &str,
    op: &openapiv3::Operation,
    body: &Body,
) -> Response {
    let successes: Vec<_> = op
        .responses
        .responses
        .iter()
        .filter(|(code, _)| match code {
            StatusCode::Code(n) => (200..300).contains(n),
            StatusCode::Range(n) => *n == 2,
        })
        .collect();
    let [(code, response)] = successes.as_slice() else {
        cx.problem(
            &format!("{pointer}/responses"),
            "an operation must have exactly one success (2xx) response",
        );
        return Response::Empty;
    };
    let here = format!("{pointer}/responses/{code}");
    let response = match response {
        ReferenceOr::Item(r) => r.clone(),
        ReferenceOr::Reference { reference } => {
            let name = reference.trim_start_matches("#/components/responses/");
            let found = cx
                .api()
                .components
                .as_ref()
                .and_then(|c| c.responses.get(name));
            match found {
                Some(ReferenceOr::Item(r)) => r.clone(),
                _ => {
                    cx.problem(
                        &here,
                        format!("the response `{reference}` does not resolve"),
                    );
                    return Response::Empty;
                }
            }
        }
    };
    if response.content.is_empty() {
        return Response::Empty;
    }
    let mut json = None;
    let mut events = None;
    let mut lines = None;
    let mut binary = false;
    for (media, content) in &response.content {
        let at = format!(
            "{here}/content/{}/schema",
            crate::load::escape_segment(media)
        );
        let named = |cx: &Context| match &content.schema {
            Some(ReferenceOr::Reference { reference }) => {
                spec::schema_ref_name(reference).map(spec::type_name)
            }
            _ => {
                cx.problem(
                    &at,
                    format!("the `{media}` response must be a `$ref` to a named schema"),
                );
                None
            }
        };
        match media.as_str() {
            "application/json" => json = named(cx),
            "text/event-stream" => events = named(cx),
            m if JSON_LINES.contains(&m) => lines = named(cx),
            _ if matches!(&content.schema, Some(ReferenceOr::Item(s)) if is_binary(s)) => {
                binary = true
            }
            other => cx.problem(
                &format!("{here}/content/{}", crate::load::escape_segment(other)),
                format!("`{other}` answers are not supported: JSON, server-sent events, JSON Lines, or `{{type: string, format: binary}}` bytes"),
            ),
        }
    }
    match (json, events, lines, binary) {
        (Some(json), None, None, false) => Response::Json(json),
        (Some(json), Some(event), None, false) => {
            if !matches!(body, Body::Json(b) if b.stream_flag) {
                cx.problem(
                    &here,
                    "an operation answering with JSON or events needs a JSON body with a boolean `stream` property to choose",
                );
            }
            Response::JsonOrEvents { json, event }
        }
        (None, None, Some(item), false) => Response::JsonLines(item),
        (None, None, None, true) => Response::Binary,
        (None, None, None, false) => Response::Empty,
        _ => {
            cx.problem(
                &format!("{here}/content"),
                "this mix of media types is not supported: JSON, JSON with server-sent events, JSON Lines, or bytes",
            );
            Response::Empty
        }
    }
}

/// The paging kind the parameters and the answer show. A list that takes a
/// paging parameter but does not answer with a page of the same kind is a
/// problem, not a list without `pages()`.
pub(super) fn pagination(
    cx: &Context,
    pointer: &str,
    params: &[Param],
    response: &Response,
) -> Pagination {
    let query = |name: &str| {
        params
            .iter()
            .any(|p| p.name == name && p.location == ParamLocation::Query)
    };
    let cursor = query("after_id") || query("before_id");
    let token = query("page");
    if !cursor && !token {
        return Pagination::None;
    }
    let kind = if cursor { "cursor" } else { "page-token" };
    if cursor && !(query("after_id") && query("before_id")) {
        cx.problem(
            pointer,
            "a cursor-paged list takes both `after_id` and `before_id`",
        );
        return Pagination::None;
    }
    let Response::Json(page_type) = response else {
        cx.problem(
            pointer,
            format!("a {kind}-paged list must answer with one JSON page"),
        );
        return Pagination::None;
    };
    let page_schema = cx
        .api()
        .components
        .as_ref()
        .and_then(|c| {
            c.schemas
                .iter()
                .find(|(name, _)| &spec::type_name(name) == page_type)
        })
        .and_then(|(name, schema)| match schema {
            ReferenceOr::Item(s) => Some((name.clone(), s.clone())),
            ReferenceOr::Reference { .. } => None,
        });
    let Some((page_name, page_schema)) = page_schema else {
        cx.problem(
            pointer,
            format!("the page `{page_type}` is not a component schema"),
        );
        return Pagination::None;
    };
    let page_pointer = spec::schema_pointer(&page_name);
    let SchemaKind::Type(Type::Object(object)) = &page_schema.schema_kind else {
        cx.problem(&page_pointer, "a page must be an object");
        return Pagination::None;
    };
    let property = |name: &str| -> Option<&Schema> {
        match object.properties.get(name)? {
            ReferenceOr::Item(s) => Some(s.as_ref()),
            ReferenceOr::Reference { .. } => None,
        }
    };
    let optional = |name: &str| {
        property(name).is_some_and(|s| s.schema_data.nullable)
            || !object.required.iter().any(|r| r == name)
    };
    let wanted: &[&str] = if cursor {
        &["data", "first_id", "last_id", "has_more"]
    } else {
        &["data", "next_page", "has_more"]
    };
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|name| property(name).is_none())
        .collect();
    if !missing.is_empty() {
        cx.problem(
            &page_pointer,
            format!(
                "a {kind}-paged list's page needs inline properties {}; missing: {}",
                wanted.join(", "),
                missing.join(", ")
            ),
        );
        return Pagination::None;
    }
    let item = match property("data").map(|s| &s.schema_kind) {
        Some(SchemaKind::Type(Type::Array(array))) => match &array.items {
            Some(ReferenceOr::Reference { reference }) => {
                spec::schema_ref_name(reference).map(spec::type_name)
            }
            _ => None,
        },
        _ => None,
    };
    let Some(item) = item else {
        cx.problem(
            &format!("{page_pointer}/properties/data"),
            "a page's `data` must be an array of a named schema",
        );
        return Pagination::None;
    };
    if optional("data") {
        cx.problem(
            &page_pointer,
            "a page's `data` must be required and not nullable",
        );
        return Pagination::None;
    }
    if cursor {
        Pagination::Cursor {
            page: page_type.clone(),
            item,
            first_id_optional: optional("first_id"),
            last_id_optional: optional("last_id"),
            has_more_optional: optional("has_more"),
        }
    } else {
        Pagination::PageToken {
            page: page_type.clone(),
            item,
            next_page_optional: optional("next_page"),
            has_more_optional: optional("has_more"),
        }
    }
}
