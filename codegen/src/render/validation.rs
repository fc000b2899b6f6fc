//! Emitter: the checks of request bodies. Every request type that holds a
//! field the spec bounds (a range, a length, a number of items), or holds
//! such a type, gets a `Validate` impl that checks it and names the field's
//! path in the body (`thinking.budget_tokens`); the request types run it
//! before anything is sent.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::constructors::request_types;
use crate::error::Error;
use crate::model::{Api, Checks};
use crate::spec;
use crate::typeinfo::{self, FieldInfo, FieldKind, TypeInfo, TypeItem};

/// The request types that need a `Validate` impl: those with a bounded
/// field, and those that hold one of them.
pub fn validated_types(api: &Api, info: &TypeInfo) -> Result<BTreeSet<String>, Error> {
    let requested = request_types(api, info);
    let mut validated = BTreeSet::new();
    for name in &requested {
        let Some(facts) = api.schemas.get(name) else {
            continue;
        };
        if facts.checks.is_empty() {
            continue;
        }
        let Some(item) = info.struct_info(name) else {
            return Err(Error::Progenitor(format!(
                "the schema of `{name}` states bounds, but typify wrote no struct of that name"
            )));
        };
        for wire in facts.checks.keys() {
            if !item.fields.iter().any(|f| &f.wire == wire) {
                return Err(Error::Progenitor(format!(
                    "`{name}` has no field `{wire}`, whose schema states bounds"
                )));
            }
        }
        validated.insert(name.clone());
    }
    let members = union_members(api);
    loop {
        let before = validated.len();
        for name in &requested {
            if validated.contains(name) {
                continue;
            }
            let mut held = Vec::new();
            if let Some(types) = members.get(name.as_str()) {
                held.extend(types.iter().map(|(_, ty)| ty.clone()));
            }
            match info.items.get(name) {
                Some(TypeItem::Struct(s)) => {
                    for field in &s.fields {
                        typeinfo::mentioned(&field.ty, &mut held);
                    }
                }
                Some(TypeItem::Enum(e)) => {
                    for ty in e.variants.iter().filter_map(|(_, t)| t.as_ref()) {
                        typeinfo::mentioned(ty, &mut held);
                    }
                }
                Some(TypeItem::Other(_)) | None => {}
            }
            if held.iter().any(|h| validated.contains(h)) {
                validated.insert(name.clone());
            }
        }
        if validated.len() == before {
            return Ok(validated);
        }
    }
}

/// Each tagged union's variants and member types, by union name.
fn union_members(api: &Api) -> BTreeMap<&str, Vec<(String, String)>> {
    api.tagged_unions
        .iter()
        .map(|u| {
            let tags: Vec<&str> = u.variants.iter().map(|v| v.tag.as_str()).collect();
            let names = spec::variant_names(&tags, "Member");
            let members = names
                .into_iter()
                .zip(&u.variants)
                .map(|(variant, v)| (variant, spec::type_name(&v.schema)))
                .collect();
            (u.name.as_str(), members)
        })
        .collect()
}

pub fn generate(api: &Api, info: &TypeInfo, validated: &BTreeSet<String>) -> TokenStream {
    let members = union_members(api);
    let impls = validated.iter().map(|name| {
        let ident = format_ident!("{}", name);
        let body = if let Some(union) = members.get(name.as_str()) {
            variants_body(union.iter().map(|(v, t)| (v.clone(), vec![t.clone()])), validated, true)
        } else {
            match info.items.get(name) {
                Some(TypeItem::Struct(s)) => {
                    let checks = api.schemas.get(name).map(|f| &f.checks);
                    struct_body(&s.fields, checks, validated)
                }
                Some(TypeItem::Enum(e)) => {
                    let variants = e.variants.iter().filter_map(|(v, held)| {
                        let mut types = Vec::new();
                        typeinfo::mentioned(held.as_ref()?, &mut types);
                        Some((v.to_string(), types))
                    });
                    let all_held = e.variants.iter().all(|(_, held)| held.is_some());
                    variants_body(variants, validated, !all_held)
                }
                Some(TypeItem::Other(_)) | None => quote!(Ok(())),
            }
        };
        quote! {
            impl crate::checks::Validate for crate::types::#ident {
                fn validate(&self, at: crate::checks::At<'_>) -> ::std::result::Result<(), ::std::string::String> {
                    #body
                }
            }
        }
    });
    quote! {
        //! The checks of the request types that hold a bounded field.
        #(#impls)*
    }
}

/// A `match` over the variants holding a validated type; the others (and
/// an unknown member) have nothing to check.
fn variants_body(
    variants: impl Iterator<Item = (String, Vec<String>)>,
    validated: &BTreeSet<String>,
    others: bool,
) -> TokenStream {
    let mut arms = Vec::new();
    let mut skipped = others;
    for (variant, types) in variants {
        if types.iter().any(|t| validated.contains(t)) {
            let variant = format_ident!("{}", variant);
            arms.push(
                quote!(Self::#variant(value) => crate::checks::Validate::validate(value, at),),
            );
        } else {
            skipped = true;
        }
    }
    let rest = skipped.then(|| quote!(_ => Ok(()),));
    quote! {
        match self {
            #(#arms)*
            #rest
        }
    }
}

fn struct_body(
    fields: &[FieldInfo],
    checks: Option<&BTreeMap<String, Checks>>,
    validated: &BTreeSet<String>,
) -> TokenStream {
    let statements = fields.iter().filter_map(|field| {
        let own = checks
            .and_then(|c| c.get(&field.wire))
            .map(|c| bounds(field, c));
        let mut held = Vec::new();
        typeinfo::mentioned(&field.ty, &mut held);
        let nested = held.iter().any(|h| validated.contains(h)).then(|| {
            let name = &field.ident;
            let wire = &field.wire;
            quote!(crate::checks::Validate::validate(&self.#name, at.field(#wire))?;)
        });
        (own.is_some() || nested.is_some()).then(|| quote!(#own #nested))
    });
    quote! {
        #(#statements)*
        Ok(())
    }
}

/// The checks of one bounded field, on its value when it has one.
fn bounds(field: &FieldInfo, checks: &Checks) -> TokenStream {
    let wire = &field.wire;
    let opt_f64 = |v: Option<f64>| match v {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    };
    let opt_usize = |v: Option<usize>| match v {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    };
    let mut calls = Vec::new();
    if checks.minimum.is_some() || checks.maximum.is_some() {
        let (min, max) = (opt_f64(checks.minimum), opt_f64(checks.maximum));
        calls.push(quote!(crate::checks::range(at.field(#wire), value, #min, #max)?;));
    }
    if checks.min_length.is_some() || checks.max_length.is_some() {
        let (min, max) = (opt_usize(checks.min_length), opt_usize(checks.max_length));
        calls.push(quote!(crate::checks::length(at.field(#wire), value, #min, #max)?;));
    }
    if checks.min_items.is_some() || checks.max_items.is_some() {
        let (min, max) = (opt_usize(checks.min_items), opt_usize(checks.max_items));
        calls.push(quote!(crate::checks::items(at.field(#wire), value.len(), #min, #max)?;));
    }
    let name = &field.ident;
    match field.kind {
        FieldKind::Optional(_) => quote! {
            if let ::std::option::Option::Some(value) = &self.#name {
                #(#calls)*
            }
        },
        _ => quote! {
            {
                let value = &self.#name;
                #(#calls)*
            }
        },
    }
}
