//! The facts of the object schemas that the request types' constructors
//! and checks need: the order of `required`, and each property's bounds.
//! Inline objects are keyed by the name typify gives them
//! (`<Parent><Property>`, `<Parent><Property>Item` for array items).

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::build::Context;
use super::{Checks, SchemaFacts};
use crate::spec;

pub(super) fn facts(cx: &Context) -> BTreeMap<String, SchemaFacts> {
    let mut out = BTreeMap::new();
    let Some(components) = &cx.api().components else {
        return out;
    };
    // Only what a request sends is checked; answers may state anything.
    let requested = crate::normalize::request_schemas(cx.api());
    for (name, schema) in &components.schemas {
        if !requested.contains(name) {
            continue;
        }
        if let ReferenceOr::Item(schema) = schema {
            object_facts(
                cx,
                &spec::schema_pointer(name),
                spec::type_name(name),
                schema,
                &mut out,
            );
        }
    }
    out
}

fn object_facts(
    cx: &Context,
    pointer: &str,
    type_name: String,
    schema: &Schema,
    out: &mut BTreeMap<String, SchemaFacts>,
) {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return;
    };
    let mut facts = SchemaFacts {
        required: object.required.clone(),
        checks: BTreeMap::new(),
    };
    for (property, value) in &object.properties {
        let ReferenceOr::Item(value) = value else {
            continue;
        };
        let here = format!(
            "{pointer}/properties/{}",
            crate::load::escape_segment(property)
        );
        let checks = schema_checks(cx, &here, value);
        if checks != Checks::default() {
            facts.checks.insert(property.clone(), checks);
        }
        let inner = format!("{type_name}{}", property.to_upper_camel_case());
        match &value.schema_kind {
            SchemaKind::Type(Type::Object(_)) => object_facts(cx, &here, inner, value, out),
            SchemaKind::Type(Type::Array(array)) => {
                if let Some(ReferenceOr::Item(items)) = &array.items {
                    object_facts(
                        cx,
                        &format!("{here}/items"),
                        format!("{inner}Item"),
                        items,
                        out,
                    );
                }
            }
            _ => {}
        }
    }
    out.insert(type_name, facts);
}

/// The bounds a schema states, for a parameter or a request field; a bound
/// the client cannot check yet is a problem, not a check left out.
pub(super) fn schema_checks(cx: &Context, pointer: &str, schema: &Schema) -> Checks {
    let unsupported = |what: &str| {
        cx.problem(pointer, format!("{what} is not checked by the client yet"));
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(i)) => {
            if i.exclusive_minimum || i.exclusive_maximum {
                unsupported("an exclusive bound");
            }
            Checks {
                minimum: i.minimum.map(|m| m as f64),
                maximum: i.maximum.map(|m| m as f64),
                ..Checks::default()
            }
        }
        SchemaKind::Type(Type::Number(n)) => {
            if n.exclusive_minimum || n.exclusive_maximum {
                unsupported("an exclusive bound");
            }
            Checks {
                minimum: n.minimum,
                maximum: n.maximum,
                ..Checks::default()
            }
        }
        SchemaKind::Type(Type::String(s)) => {
            if s.pattern.is_some() {
                unsupported("`pattern`");
            }
            Checks {
                min_length: s.min_length,
                max_length: s.max_length,
                ..Checks::default()
            }
        }
        SchemaKind::Type(Type::Array(a)) => Checks {
            min_items: a.min_items,
            max_items: a.max_items,
            ..Checks::default()
        },
        _ => Checks::default(),
    }
}
