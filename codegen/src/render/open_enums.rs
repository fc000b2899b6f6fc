//! Pass: the open string sets. Each becomes a Rust enum with one variant
//! per known value and `Other(String)`, which keeps any value the server adds
//! later and writes it back unchanged.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::normalize::OpenEnum;

pub fn generate(enums: &[OpenEnum]) -> TokenStream {
    let items = enums.iter().map(generate_one);
    quote! {
        //! Open sets of strings: every value known to the spec has a variant,
        //! and any other value is kept in `Other`.
        #(#items)*
    }
}

fn generate_one(e: &OpenEnum) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let doc = e
        .description
        .clone()
        .unwrap_or_else(|| format!("An open set of `{}` values.", e.name));
    let names = match &e.variant_names {
        Some(names) => names.clone(),
        None => crate::spec::variant_names(&e.values, "Value"),
    };
    let variants: Vec<_> = names.iter().map(|v| format_ident!("{}", v)).collect();
    let values = &e.values;
    let variant_docs = values.iter().map(|v| format!("`{v}`"));
    quote! {
        #[doc = #doc]
        ///
        /// Values this crate does not know are kept in [`Self::Other`] and
        /// serialized back unchanged.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            /// A value not known when this crate was generated, kept verbatim.
            Other(::std::string::String),
        }

        crate::impls::open_enum!(#name { #( #variants => #values, )* });
    }
}
