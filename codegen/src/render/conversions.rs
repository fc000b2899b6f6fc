//! Emitter: conversions typify leaves out. A union of a string and something
//! else (`system`, message `content`, ...) gets `From<&str>` and
//! `From<String>`, so `"Hello".into()` works where the API takes a string.

use proc_macro2::TokenStream;
use quote::quote;

/// Reads typify's types and returns the missing `From` impls. This is the
/// one place the generator reads generated code: typify names the members
/// of the unions it writes, and only its output says which hold a string.
pub fn generate(types: &syn::File) -> TokenStream {
    let impls = string_unions(types).into_iter().map(|name| {
        quote! {
            impl ::std::convert::From<&str> for crate::types::#name {
                fn from(value: &str) -> Self {
                    Self::String(value.to_string())
                }
            }

            impl ::std::convert::From<::std::string::String> for crate::types::#name {
                fn from(value: ::std::string::String) -> Self {
                    Self::String(value)
                }
            }
        }
    });
    quote! {
        //! Conversions the generated types lack: strings into the unions that
        //! accept a string.
        #(#impls)*
    }
}

/// Enums among typify's types with exactly one variant holding a `String`,
/// named `String`.
fn string_unions(types: &syn::File) -> Vec<syn::Ident> {
    types
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Enum(e) => Some(e),
            _ => None,
        })
        .filter(|e| {
            let strings = e
                .variants
                .iter()
                .filter(|v| match &v.fields {
                    syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                        let ty = &f.unnamed[0].ty;
                        quote!(#ty).to_string().replace(' ', "") == "::std::string::String"
                    }
                    _ => false,
                })
                .count();
            strings == 1 && e.variants.iter().any(|v| v.ident == "String")
        })
        .map(|e| e.ident.clone())
        .collect()
}
