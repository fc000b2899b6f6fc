//! Emitter: how request values are made. Every type a request body can
//! hold gets chainable setters on the type itself (`.system("…")`), taking
//! anything that converts into the field; a struct with at most three
//! required fields gets `new(required…)` with everything else unset and
//! its one-value tags filled in; a struct with more keeps typify's builder,
//! which gets a `build()` returning the crate's own error.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::Error;
use crate::model::{Api, Body};
use crate::spec;
use crate::typeinfo::{self, FieldInfo, FieldKind, StructInfo, TypeInfo, TypeItem};

/// The most required fields `new` takes; a type with more is built with
/// its builder, where each field is named.
pub(crate) const MOST_ARGUMENTS: usize = 3;

/// Names a setter must not take: typify's and ours.
const RESERVED: &[&str] = &["new", "builder", "build"];

/// The types a request body can hold: the bodies' types and everything
/// they reach through fields, union members and enum variants.
pub fn request_types(api: &Api, info: &TypeInfo) -> BTreeSet<String> {
    let unions: BTreeMap<&str, Vec<String>> = api
        .tagged_unions
        .iter()
        .map(|u| {
            let members = u
                .variants
                .iter()
                .map(|v| spec::type_name(&v.schema))
                .collect();
            (u.name.as_str(), members)
        })
        .collect();
    let mut pending: Vec<String> = api
        .operations
        .iter()
        .filter_map(|op| match &op.body {
            Body::Json(body) => Some(body.type_name.clone()),
            Body::None | Body::Multipart(_) => None,
        })
        .collect();
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(members) = unions.get(name.as_str()) {
            pending.extend(members.iter().cloned());
        }
        match info.items.get(&name) {
            Some(TypeItem::Struct(s)) => {
                for field in &s.fields {
                    typeinfo::mentioned(&field.ty, &mut pending);
                }
            }
            Some(TypeItem::Enum(e)) => {
                for ty in e.variants.iter().filter_map(|(_, held)| held.as_ref()) {
                    typeinfo::mentioned(ty, &mut pending);
                }
            }
            Some(TypeItem::Other) | None => {}
        }
    }
    seen
}

pub fn generate(api: &Api, info: &TypeInfo) -> Result<TokenStream, Error> {
    let mut items = Vec::new();
    for name in request_types(api, info) {
        let Some(item) = info.struct_info(&name) else {
            continue;
        };
        let ident = format_ident!("{}", name);
        // The order `new` takes the required fields in is the order of the
        // schema's `required` list, which the spec sets.
        let order = api.schemas.get(&name).map(|s| &s.required);
        items.push(struct_methods(&ident, item, order, info)?);
    }
    // A body can be sent from a reference: the params of a conversation are
    // kept, and grown, across turns.
    let bodies: BTreeSet<&str> = api
        .operations
        .iter()
        .filter_map(|op| match &op.body {
            Body::Json(body) => Some(body.type_name.as_str()),
            Body::None | Body::Multipart(_) => None,
        })
        .collect();
    let copies = bodies.iter().map(|name| {
        let ident = format_ident!("{}", name);
        quote! {
            impl ::std::convert::From<&crate::types::#ident> for crate::types::#ident {
                /// A copy, so that a request can be sent from params kept for the next one.
                fn from(params: &Self) -> Self {
                    params.clone()
                }
            }
        }
    });
    Ok(quote! {
        //! Constructors and setters of the request types: every type a
        //! request body can hold.
        #(#items)*
        #(#copies)*
    })
}

fn struct_methods(
    ident: &syn::Ident,
    item: &StructInfo,
    order: Option<&Vec<String>>,
    info: &TypeInfo,
) -> Result<TokenStream, Error> {
    let fields = item.fields.as_slice();
    for field in fields {
        if RESERVED.contains(&field.ident.to_string().as_str()) {
            return Err(Error::Progenitor(format!(
                "`{ident}` has a field `{}`, whose setter would collide with `{ident}::{}`",
                field.ident, field.ident
            )));
        }
    }
    let mut required: Vec<&FieldInfo> = fields
        .iter()
        .filter(|f| f.kind == FieldKind::Required)
        .collect();
    if let Some(order) = order {
        required.sort_by_key(|f| {
            order
                .iter()
                .position(|w| *w == f.wire)
                .unwrap_or(usize::MAX)
        });
    }
    let setters = fields
        .iter()
        .filter(|f| !matches!(f.kind, FieldKind::Tag(..)))
        .map(|f| setter(f, info));
    let (constructor, extra) = if required.is_empty() && !item.has_default {
        // Nothing is required: `new()` is the default value too.
        let default = quote! {
            impl ::std::default::Default for crate::types::#ident {
                fn default() -> Self {
                    Self::new()
                }
            }
        };
        (constructor(ident, fields, &required, info), default)
    } else if required.len() <= MOST_ARGUMENTS {
        (
            constructor(ident, fields, &required, info),
            TokenStream::new(),
        )
    } else {
        (TokenStream::new(), build(ident, &required))
    };
    Ok(quote! {
        impl crate::types::#ident {
            #constructor
            #(#setters)*
        }

        #extra
    })
}

/// How a value of the field's type is taken, and how it becomes the field.
struct Taken {
    param: TokenStream,
    convert: TokenStream,
}

fn taken(ty: &syn::Type, value: &syn::Ident, info: &TypeInfo) -> Taken {
    if let Some(item) = typeinfo::vec_inner(ty) {
        let item = typeinfo::qualified(&item, info);
        return Taken {
            param: quote!(impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<#item>>),
            convert: quote!(#value.into_iter().map(::std::convert::Into::into).collect()),
        };
    }
    if typeinfo::is_map(ty) {
        return Taken {
            param: quote! {
                impl ::std::iter::IntoIterator<Item = (
                    impl ::std::convert::Into<::std::string::String>,
                    impl ::std::convert::Into<::serde_json::Value>,
                )>
            },
            convert: quote!(#value.into_iter().map(|(k, v)| (k.into(), v.into())).collect()),
        };
    }
    let is_copy = typeinfo::last_ident(ty).is_some_and(|i| {
        matches!(
            i.to_string().as_str(),
            "i64" | "i32" | "u64" | "u32" | "f64" | "f32" | "bool"
        )
    });
    let full = typeinfo::qualified(ty, info);
    if is_copy {
        Taken {
            param: full,
            convert: quote!(#value),
        }
    } else {
        Taken {
            param: quote!(impl ::std::convert::Into<#full>),
            convert: quote!(::std::convert::Into::into(#value)),
        }
    }
}

fn setter(field: &FieldInfo, info: &TypeInfo) -> TokenStream {
    let name = &field.ident;
    let doc = if field.doc.is_empty() {
        format!("Sets `{}`.", field.wire)
    } else {
        field.doc.clone()
    };
    let (ty, wrap) = match &field.kind {
        FieldKind::Optional(inner) => (inner, true),
        _ => (&field.ty, false),
    };
    let Taken { param, convert } = taken(ty, name, info);
    let value = if wrap {
        quote!(::std::option::Option::Some(#convert))
    } else {
        convert
    };
    quote! {
        #[doc = #doc]
        pub fn #name(mut self, #name: #param) -> Self {
            self.#name = #value;
            self
        }
    }
}

fn constructor(
    ident: &syn::Ident,
    fields: &[FieldInfo],
    required: &[&FieldInfo],
    info: &TypeInfo,
) -> TokenStream {
    let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.wire)).collect();
    let doc =
        match names.as_slice() {
            [] => format!(
                "A `{ident}` with every optional field unset; set them with the methods of the \
             same names."
            ),
            _ => {
                format!(
            "A `{ident}` from its required {}: {}. The optional fields are unset; set them \
             with the methods of the same names.",
            if names.len() == 1 { "field" } else { "fields, in this order" },
            names.join(", ")
        )
            }
        };
    let params = required.iter().map(|f| {
        let name = &f.ident;
        let Taken { param, .. } = taken(&f.ty, name, info);
        quote!(#name: #param)
    });
    let inits = fields.iter().map(|f| {
        let name = &f.ident;
        match &f.kind {
            FieldKind::Required => {
                let Taken { convert, .. } = taken(&f.ty, name, info);
                if *name == convert.to_string() {
                    quote!(#name)
                } else {
                    quote!(#name: #convert)
                }
            }
            FieldKind::Optional(_) => quote!(#name: ::std::option::Option::None),
            FieldKind::Empty => quote!(#name: ::std::default::Default::default()),
            FieldKind::Tag(ty, variant) => quote!(#name: crate::types::#ty::#variant),
        }
    });
    quote! {
        #[doc = #doc]
        pub fn new(#(#params),*) -> Self {
            Self { #(#inits,)* }
        }
    }
}

/// `build()` on typify's builder of a type with many required fields.
fn build(ident: &syn::Ident, required: &[&FieldInfo]) -> TokenStream {
    let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.wire)).collect();
    let doc = format!(
        "The `{ident}` this builder describes. It has {} required fields ({}), too many to \
         take by position, so each is set by name; a missing one is an \
         [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming it.",
        names.len(),
        names.join(", ")
    );
    quote! {
        impl crate::types::builder::#ident {
            #[doc = #doc]
            pub fn build(self) -> ::std::result::Result<crate::types::#ident, crate::Error> {
                ::std::convert::TryFrom::try_from(self).map_err(crate::Error::from)
            }
        }
    }
}
