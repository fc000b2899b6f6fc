//! Pass: conversions typify leaves out. A union of a string and something
//! else (`system`, message `content`, ...) gets `From<&str>` and
//! `From<String>`, so `"Hello".into()` works where the API takes a string.

use proc_macro2::TokenStream;
use quote::quote;

/// Reads progenitor's types and returns the missing `From` impls.
pub fn generate(raw: &syn::File) -> TokenStream {
    let impls = string_unions(raw).into_iter().map(|name| {
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

/// Enums in progenitor's `types` module with exactly one variant holding a
/// `String`, named `String`.
fn string_unions(raw: &syn::File) -> Vec<syn::Ident> {
    let Some(types) = raw.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    }) else {
        return Vec::new();
    };
    types
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
