//! How a value of the model becomes Rust: the type a request stores, the
//! type a method or setter takes, the conversion between them, and the
//! checks the spec states. One home for it, read by the resource methods,
//! the constructors and the setters alike.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Checks, FormField, FormFieldKind, JsonBody, Param, ValueType};

/// An argument of a resource method (and of the request's `new`), or of a setter.
pub struct Arg {
    pub ident: syn::Ident,
    /// The type it is taken as.
    pub param_type: TokenStream,
    /// Turns the argument (bound to `ident`) into the stored value, unless
    /// it is taken as stored.
    pub convert: Option<TokenStream>,
    /// Checks the converted value (bound to `ident`), recording a failure
    /// on `base`, a `RequestBase`.
    pub check: Option<TokenStream>,
}

/// The stored type of a value.
pub fn stored_type(ty: &ValueType) -> TokenStream {
    match ty {
        ValueType::String => quote!(::std::string::String),
        ValueType::Integer { unsigned: true } => quote!(u64),
        ValueType::Integer { unsigned: false } => quote!(i64),
        ValueType::Number => quote!(f64),
        ValueType::Boolean => quote!(bool),
        ValueType::DateTime => quote!(crate::Timestamp),
        ValueType::Date => quote!(crate::Date),
        ValueType::Named(name) => {
            let name = format_ident!("{}", name);
            quote!(types::#name)
        }
        ValueType::List(item) => {
            let item = stored_type(item);
            quote!(::std::vec::Vec<#item>)
        }
    }
}

/// The type a value is taken as, and how it becomes the stored type.
fn taken(ty: &ValueType, ident: &syn::Ident) -> (TokenStream, Option<TokenStream>) {
    match ty {
        ValueType::String | ValueType::Named(_) | ValueType::DateTime | ValueType::Date => {
            let stored = stored_type(ty);
            (
                quote!(impl ::std::convert::Into<#stored>),
                Some(quote!(::std::convert::Into::into(#ident))),
            )
        }
        ValueType::Integer { .. } | ValueType::Number | ValueType::Boolean => {
            (stored_type(ty), None)
        }
        ValueType::List(item) => {
            let item = stored_type(item);
            (
                quote!(impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<#item>>),
                Some(
                    quote!(#ident.into_iter().map(::std::convert::Into::into).collect::<::std::vec::Vec<#item>>()),
                ),
            )
        }
    }
}

/// The field type of a parameter: optional ones are `Option`s.
pub fn param_field_type(param: &Param) -> TokenStream {
    optional(stored_type(&param.ty), param.required)
}

pub fn param_arg(param: &Param) -> Arg {
    let ident = format_ident!("{}", param.rust_name);
    let (param_type, convert) = taken(&param.ty, &ident);
    let mut check = checks(&param.name, &param.checks, &ident);
    let name = &param.name;
    let format = match param.ty {
        ValueType::DateTime => Some(quote!(base.check(crate::checks::timestamp(#name, &#ident));)),
        ValueType::Date => Some(quote!(base.check(crate::checks::date(#name, &#ident));)),
        _ => None,
    };
    if let Some(format) = format {
        check = Some(quote!(#check #format));
    }
    Arg {
        ident,
        param_type,
        convert,
        check,
    }
}

/// The JSON body, taken as anything that converts into its type; a failed
/// conversion is reported by `send()`.
pub fn json_body_arg(body: &JsonBody) -> Arg {
    let ty = format_ident!("{}", body.type_name);
    let ident = format_ident!("body");
    Arg {
        param_type: quote!(impl ::std::convert::TryInto<types::#ty, Error: ::std::fmt::Display>),
        convert: Some(quote! {
            ::std::convert::TryInto::try_into(body)
                .map_err(|e| ::std::format!("invalid request body: {e}"))
        }),
        check: None,
        ident,
    }
}

fn field_stored_type(field: &FormField) -> TokenStream {
    match &field.kind {
        FormFieldKind::Text(ty) => stored_type(ty),
        FormFieldKind::File => quote!(crate::Upload),
        FormFieldKind::Files => quote!(::std::vec::Vec<crate::Upload>),
    }
}

pub fn field_field_type(field: &FormField) -> TokenStream {
    optional(field_stored_type(field), field.required)
}

pub fn field_arg(field: &FormField) -> Arg {
    let ident = format_ident!("{}", field.rust_name);
    let (param_type, convert) = match &field.kind {
        FormFieldKind::Text(ty) => taken(ty, &ident),
        FormFieldKind::File => (
            quote!(impl ::std::convert::Into<crate::Upload>),
            Some(quote!(::std::convert::Into::into(#ident))),
        ),
        FormFieldKind::Files => (
            quote!(impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<crate::Upload>>),
            Some(
                quote!(#ident.into_iter().map(::std::convert::Into::into).collect::<::std::vec::Vec<crate::Upload>>()),
            ),
        ),
    };
    Arg {
        ident,
        param_type,
        convert,
        check: None,
    }
}

fn optional(ty: TokenStream, required: bool) -> TokenStream {
    if required {
        ty
    } else {
        quote!(::std::option::Option<#ty>)
    }
}

fn opt_f64(v: Option<f64>) -> TokenStream {
    match v {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    }
}

fn opt_usize(v: Option<usize>) -> TokenStream {
    match v {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    }
}

/// The checks of `checks` on the value bound to `ident`, named `name` in
/// messages.
fn checks(name: &str, checks: &Checks, ident: &syn::Ident) -> Option<TokenStream> {
    let mut out = Vec::new();
    if checks.path_segment {
        out.push(quote!(base.check(crate::checks::path_segment(#name, &#ident));));
    }
    if checks.minimum.is_some() || checks.maximum.is_some() {
        let (min, max) = (opt_f64(checks.minimum), opt_f64(checks.maximum));
        out.push(quote!(base.check(crate::checks::range(#name, &#ident, #min, #max));));
    }
    if checks.min_length.is_some() || checks.max_length.is_some() {
        let (min, max) = (opt_usize(checks.min_length), opt_usize(checks.max_length));
        out.push(quote!(base.check(crate::checks::length(#name, &#ident, #min, #max));));
    }
    (!out.is_empty()).then(|| quote!(#(#out)*))
}
