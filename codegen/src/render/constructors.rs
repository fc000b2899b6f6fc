//! Emitter: how request values are made. Every type a request body can
//! hold gets chainable setters on the type itself (`.system("…")`), taking
//! anything that converts into the field; a struct with at most three
//! required fields gets `new(required…)` with everything else unset and
//! its one-value tags filled in; a struct with more gets a builder
//! (`X::builder()`, a setter per field, `build()` returning the crate's own
//! error), where each field is named.

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
            // A newtype's value is built as the type it holds is.
            Some(TypeItem::Other(held)) => {
                for ty in held {
                    typeinfo::mentioned(ty, &mut pending);
                }
            }
            None => {}
        }
    }
    seen
}

pub fn generate(api: &Api, info: &TypeInfo) -> Result<TokenStream, Error> {
    let mut items = Vec::new();
    let mut builders = Vec::new();
    for name in request_types(api, info) {
        let Some(item) = info.struct_info(&name) else {
            continue;
        };
        let ident = format_ident!("{}", name);
        // The order `new` takes the required fields in is the order of the
        // schema's `required` list, which the spec sets.
        let order = api.schemas.get(&name).map(|s| &s.required);
        let (methods, builder) = struct_methods(&ident, item, order, info)?;
        items.push(methods);
        builders.extend(builder);
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

        /// Builders of the request types with more required fields than
        /// `new` takes: each field is set by name, and `build()` says which
        /// required one is missing.
        pub mod builder {
            #(#builders)*
        }
    })
}

fn struct_methods(
    ident: &syn::Ident,
    item: &StructInfo,
    order: Option<&Vec<String>>,
    info: &TypeInfo,
) -> Result<(TokenStream, Option<TokenStream>), Error> {
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
        .map(|f| setter(f, info, false));
    let mut builder = None;
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
        builder = Some(builder_type(ident, fields, &required, info));
        let doc = format!(
            "A builder of `{ident}`, whose {} required fields are each set by name.",
            required.len()
        );
        let start = quote! {
            #[doc = #doc]
            pub fn builder() -> builder::#ident {
                ::std::default::Default::default()
            }
        };
        (start, TokenStream::new())
    };
    Ok((
        quote! {
            impl crate::types::#ident {
                #constructor
                #(#setters)*
            }

            #extra
        },
        builder,
    ))
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

/// The setter of `field`; `held_as_option`: a builder holds the required
/// field as an option until `build()`.
fn setter(field: &FieldInfo, info: &TypeInfo, held_as_option: bool) -> TokenStream {
    let name = &field.ident;
    let doc = if field.doc.is_empty() {
        format!("Sets `{}`.", field.wire)
    } else {
        field.doc.clone()
    };
    let (ty, wrap) = match &field.kind {
        FieldKind::Optional(inner) => (inner, true),
        _ => (&field.ty, held_as_option),
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

/// The builder of a type with many required fields: every field held
/// until `build()`, the required ones as options.
fn builder_type(
    ident: &syn::Ident,
    fields: &[FieldInfo],
    required: &[&FieldInfo],
    info: &TypeInfo,
) -> TokenStream {
    let is_required = |f: &FieldInfo| required.iter().any(|r| r.ident == f.ident);
    let settable: Vec<&FieldInfo> = fields
        .iter()
        .filter(|f| !matches!(f.kind, FieldKind::Tag(..)))
        .collect();
    let held = settable.iter().map(|f| {
        let name = &f.ident;
        let ty = typeinfo::qualified(&f.ty, info);
        if is_required(f) {
            quote!(#name: ::std::option::Option<#ty>)
        } else {
            quote!(#name: #ty)
        }
    });
    let setters = settable.iter().map(|f| setter(f, info, is_required(f)));
    // The required fields are matched together, so the code that drops
    // what was set when one is missing exists once, not once per field.
    let required_names: Vec<&syn::Ident> = required.iter().map(|f| &f.ident).collect();
    let required_wires = required.iter().map(|f| &f.wire);
    let held_names = settable.iter().map(|f| &f.ident);
    let inits = fields.iter().map(|f| {
        let name = &f.ident;
        match &f.kind {
            FieldKind::Tag(ty, variant) => quote!(#name: crate::types::#ty::#variant),
            _ => quote!(#name),
        }
    });
    let type_name = ident.to_string();
    let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.wire)).collect();
    let doc = format!(
        "Builds a [`{ident}`](crate::types::{ident}) field by field: it has {} required fields \
         ({}), too many to take by position.",
        names.len(),
        names.join(", ")
    );
    let build_doc = format!(
        "The `{ident}` set so far; a required field left unset is an \
         [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming it."
    );
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, Default)]
        #[must_use = "a builder does nothing until it is built"]
        pub struct #ident {
            #(#held,)*
        }

        impl #ident {
            #(#setters)*

            #[doc = #build_doc]
            pub fn build(self) -> ::std::result::Result<crate::types::#ident, crate::Error> {
                let Self { #(#held_names,)* } = self;
                match (#(#required_names,)*) {
                    (#(::std::option::Option::Some(#required_names),)*) => {
                        ::std::result::Result::Ok(crate::types::#ident { #(#inits,)* })
                    }
                    (#(#required_names,)*) => ::std::result::Result::Err(crate::checks::unset(
                        #type_name,
                        &[#((#required_wires, #required_names.is_some())),*],
                    )),
                }
            }
        }

        impl ::std::convert::TryFrom<#ident> for crate::types::#ident {
            type Error = crate::Error;

            fn try_from(builder: #ident) -> ::std::result::Result<Self, crate::Error> {
                builder.build()
            }
        }
    }
}
