//! Pass: decoders for the untagged unions whose members are told apart by
//! their JSON kind alone (a string or a list of blocks, an error object or a
//! list of results). serde's derived `Deserialize` for `#[serde(untagged)]`
//! buffers the value into its private `Content` tree and replays it into each
//! member in turn, which compiles serde's buffering and a replaying copy of
//! every member's decoder. When each member takes its own kind of JSON, the
//! kind the deserializer reports picks the member, and the member reads the
//! input directly.
//!
//! A union with the catch-all `Other(serde_json::Value)` keeps what serde
//! gave it: a value whose kind picks a member but which that member cannot
//! read becomes `Other`, not an error. Unions whose members share a kind (two
//! objects), or whose member this pass cannot classify, keep serde's derive.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::decoders::drop_deserialize;
use crate::typeinfo::{derives, serde_flag};

/// The JSON kind a member reads.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    Bool,
    Str,
    Seq,
    Map,
}

/// How a member reads its kind: a `String` takes the text as it is; any
/// other type is decoded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Read {
    Owned,
    Decoded,
}

struct Member<'a> {
    variant: &'a syn::Ident,
    ty: &'a syn::Type,
    kind: Kind,
    read: Read,
}

/// What a named type of the file decodes from, when it is one kind.
type Shapes = BTreeMap<String, Kind>;

/// The `Deserialize` impls for the untagged unions of `file` this pass can
/// decode by kind; their derives lose `Deserialize`.
pub fn apply(file: &mut syn::File) -> Result<Vec<TokenStream>, crate::error::Error> {
    let shapes = shapes(file);
    let mut impls = Vec::new();
    for item in &mut file.items {
        let syn::Item::Enum(e) = item else { continue };
        if !serde_flag(&e.attrs, "untagged") || !derives(&e.attrs, "Deserialize") {
            continue;
        }
        let Some((members, other)) = members(e, &shapes) else {
            continue;
        };
        let code = union_impl(&e.ident, &members, other);
        drop_deserialize(&mut e.attrs, &e.ident)?;
        impls.push(code);
    }
    Ok(impls)
}

/// The kinds of the file's structs (objects), string enums (strings) and
/// transparent newtypes (their inner type's kind).
fn shapes(file: &syn::File) -> Shapes {
    let mut shapes = Shapes::new();
    for item in &file.items {
        match item {
            syn::Item::Struct(s) => {
                let kind = match &s.fields {
                    syn::Fields::Named(_) => Some(Kind::Map),
                    syn::Fields::Unnamed(f)
                        if f.unnamed.len() == 1 && serde_flag(&s.attrs, "transparent") =>
                    {
                        f.unnamed.first().and_then(|f| builtin_kind(&f.ty))
                    }
                    _ => None,
                };
                if let Some(kind) = kind {
                    shapes.insert(s.ident.to_string(), kind);
                }
            }
            syn::Item::Enum(e)
                if e.variants
                    .iter()
                    .all(|v| matches!(v.fields, syn::Fields::Unit))
                    && !e.variants.is_empty() =>
            {
                shapes.insert(e.ident.to_string(), Kind::Str);
            }
            _ => {}
        }
    }
    shapes
}

fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

/// The kind of a type the standard library or serde_json defines.
fn builtin_kind(ty: &syn::Type) -> Option<Kind> {
    let segment = last_segment(ty)?;
    match segment.ident.to_string().as_str() {
        "String" => Some(Kind::Str),
        "Vec" => Some(Kind::Seq),
        "bool" => Some(Kind::Bool),
        _ => None,
    }
}

fn is_json_value(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    let names: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    names == ["serde_json", "Value"]
}

/// The union's members, each of its own kind, and whether it ends with
/// `Other(serde_json::Value)`; `None` when the kinds do not tell them apart.
fn members<'a>(e: &'a syn::ItemEnum, shapes: &Shapes) -> Option<(Vec<Member<'a>>, bool)> {
    let mut members = Vec::new();
    let mut other = false;
    for (i, variant) in e.variants.iter().enumerate() {
        let syn::Fields::Unnamed(fields) = &variant.fields else {
            return None;
        };
        let [field] = fields.unnamed.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        let ty = &field.ty;
        if is_json_value(ty) {
            // Only as the last member does it catch what the others refuse.
            if variant.ident != "Other" || i + 1 != e.variants.len() {
                return None;
            }
            other = true;
            continue;
        }
        let (kind, read) = match builtin_kind(ty) {
            Some(Kind::Str) => (Kind::Str, Read::Owned),
            Some(Kind::Bool) => (Kind::Bool, Read::Owned),
            Some(kind) => (kind, Read::Decoded),
            None => {
                let name = last_segment(ty)?.ident.to_string();
                (*shapes.get(&name)?, Read::Decoded)
            }
        };
        if members.iter().any(|m: &Member| m.kind == kind) {
            return None;
        }
        members.push(Member {
            variant: &variant.ident,
            ty,
            kind,
            read,
        });
    }
    (!members.is_empty()).then_some((members, other))
}

fn union_impl(name: &syn::Ident, members: &[Member], other: bool) -> TokenStream {
    let mut kinds: Vec<Kind> = members.iter().map(|m| m.kind).collect();
    kinds.sort();
    let expecting = kinds
        .iter()
        .map(|k| match k {
            Kind::Bool => "a boolean",
            Kind::Str => "a string",
            Kind::Seq => "an array",
            Kind::Map => "an object",
        })
        .collect::<Vec<_>>()
        .join(" or ");
    let visits = [Kind::Bool, Kind::Str, Kind::Seq, Kind::Map]
        .into_iter()
        .filter_map(|kind| {
            let member = members.iter().find(|m| m.kind == kind);
            match (member, other) {
                (Some(member), _) => Some(visit(name, kind, member, other)),
                (None, true) => Some(visit_other(name, kind)),
                (None, false) => None,
            }
        });
    let scalars = other.then(|| {
        quote! {
            fn visit_i64<E: ::serde::de::Error>(self, v: i64) -> ::std::result::Result<#name, E> {
                ::std::result::Result::Ok(#name::Other(::serde_json::Value::from(v)))
            }
            fn visit_u64<E: ::serde::de::Error>(self, v: u64) -> ::std::result::Result<#name, E> {
                ::std::result::Result::Ok(#name::Other(::serde_json::Value::from(v)))
            }
            fn visit_f64<E: ::serde::de::Error>(self, v: f64) -> ::std::result::Result<#name, E> {
                ::std::result::Result::Ok(#name::Other(::serde_json::Value::from(v)))
            }
            fn visit_unit<E: ::serde::de::Error>(self) -> ::std::result::Result<#name, E> {
                ::std::result::Result::Ok(#name::Other(::serde_json::Value::Null))
            }
        }
    });
    let expecting = if other {
        "any JSON value".to_string()
    } else {
        expecting
    };
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    #(#visits)*
                    #scalars
                }
                deserializer.deserialize_any(Visitor)
            }
        }
    }
}

/// The visitor method for `kind`, which `member` reads.
fn visit(name: &syn::Ident, kind: Kind, member: &Member, other: bool) -> TokenStream {
    let variant = member.variant;
    let ty = member.ty;
    match (kind, member.read) {
        (Kind::Bool, _) => quote! {
            fn visit_bool<E: ::serde::de::Error>(self, v: bool) -> ::std::result::Result<#name, E> {
                ::std::result::Result::Ok(#name::#variant(v))
            }
        },
        (Kind::Str, Read::Owned) => quote! {
            fn visit_str<E: ::serde::de::Error>(self, v: &str) -> ::std::result::Result<#name, E> {
                ::std::result::Result::Ok(#name::#variant(v.to_owned()))
            }
            fn visit_string<E: ::serde::de::Error>(self, v: ::std::string::String) -> ::std::result::Result<#name, E> {
                ::std::result::Result::Ok(#name::#variant(v))
            }
        },
        (Kind::Str, Read::Decoded) => {
            let refused = if other {
                quote!(::std::result::Result::Ok(#name::Other(::serde_json::Value::String(v.to_owned()))))
            } else {
                quote!(::std::result::Result::Err(e))
            };
            quote! {
                fn visit_str<E: ::serde::de::Error>(self, v: &str) -> ::std::result::Result<#name, E> {
                    let read = <#ty as ::serde::Deserialize>::deserialize(
                        ::serde::de::IntoDeserializer::<E>::into_deserializer(v),
                    );
                    match read {
                        ::std::result::Result::Ok(member) => ::std::result::Result::Ok(#name::#variant(member)),
                        ::std::result::Result::Err(e) => #refused,
                    }
                }
            }
        }
        (Kind::Seq | Kind::Map, _) => {
            let (method, access, bound, wrapper) = access(kind);
            if other {
                // The value is kept whole, so that what the member refuses
                // can become `Other`.
                quote! {
                    fn #method<A: ::serde::de::#bound<'de>>(self, #access: A) -> ::std::result::Result<#name, A::Error> {
                        let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(
                            ::serde::de::value::#wrapper::new(#access),
                        )?;
                        ::std::result::Result::Ok(match crate::json::from_value::<#ty>(&value) {
                            ::std::result::Result::Ok(member) => #name::#variant(member),
                            ::std::result::Result::Err(_) => #name::Other(value),
                        })
                    }
                }
            } else {
                quote! {
                    fn #method<A: ::serde::de::#bound<'de>>(self, #access: A) -> ::std::result::Result<#name, A::Error> {
                        <#ty as ::serde::Deserialize>::deserialize(::serde::de::value::#wrapper::new(#access))
                            .map(#name::#variant)
                    }
                }
            }
        }
    }
}

/// The visitor method that keeps a value of `kind`, which no member reads,
/// as `Other`.
fn visit_other(name: &syn::Ident, kind: Kind) -> TokenStream {
    match kind {
        Kind::Bool => quote! {
            fn visit_bool<E: ::serde::de::Error>(self, v: bool) -> ::std::result::Result<#name, E> {
                ::std::result::Result::Ok(#name::Other(::serde_json::Value::Bool(v)))
            }
        },
        Kind::Str => quote! {
            fn visit_str<E: ::serde::de::Error>(self, v: &str) -> ::std::result::Result<#name, E> {
                ::std::result::Result::Ok(#name::Other(::serde_json::Value::String(v.to_owned())))
            }
        },
        Kind::Seq | Kind::Map => {
            let (method, access, bound, wrapper) = access(kind);
            quote! {
                fn #method<A: ::serde::de::#bound<'de>>(self, #access: A) -> ::std::result::Result<#name, A::Error> {
                    <::serde_json::Value as ::serde::Deserialize>::deserialize(
                        ::serde::de::value::#wrapper::new(#access),
                    )
                    .map(#name::Other)
                }
            }
        }
    }
}

/// The visitor method, its argument, the access trait and serde's
/// deserializer over that access, for a list or an object.
fn access(kind: Kind) -> (syn::Ident, syn::Ident, syn::Ident, syn::Ident) {
    let (method, access, bound, wrapper) = match kind {
        Kind::Seq => ("visit_seq", "seq", "SeqAccess", "SeqAccessDeserializer"),
        _ => ("visit_map", "map", "MapAccess", "MapAccessDeserializer"),
    };
    (
        format_ident!("{method}"),
        format_ident!("{access}"),
        format_ident!("{bound}"),
        format_ident!("{wrapper}"),
    )
}
