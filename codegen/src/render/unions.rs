//! Pass: discriminated unions. Each becomes an enum with one variant per
//! member, chosen by the tag property, and `Other(serde_json::Value)` for a
//! member the spec does not list, so a new block or event type from the
//! server is kept instead of failing the whole response.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::normalize::TaggedUnion;

pub fn generate(unions: &[TaggedUnion]) -> TokenStream {
    let items = unions.iter().map(generate_one);
    quote! {
        //! Discriminated unions: one variant per known member, chosen by the
        //! tag property, and `Other` for members this crate does not know.
        #(#items)*
    }
}

/// The enum's variant for each member, in order (named after its tag).
pub(crate) fn variant_idents(union: &TaggedUnion) -> Vec<syn::Ident> {
    let tags: Vec<&str> = union.variants.iter().map(|v| v.tag.as_str()).collect();
    crate::spec::variant_names(&tags, "Member")
        .iter()
        .map(|v| format_ident!("{}", v))
        .collect()
}

fn generate_one(union: &TaggedUnion) -> TokenStream {
    let name = format_ident!("{}", union.name);
    let doc = union
        .description
        .clone()
        .unwrap_or_else(|| format!("One of several kinds of `{}`.", union.name));
    let property = &union.property;
    let tags: Vec<&str> = union.variants.iter().map(|v| v.tag.as_str()).collect();
    let variants = variant_idents(union);
    let types: Vec<_> = union
        .variants
        .iter()
        .map(|v| format_ident!("{}", crate::spec::type_name(&v.schema)))
        .collect();
    // A member that may leave the tag out is the one meant when it is absent.
    let untagged = union.variants.iter().position(|v| v.tag_optional).map(|i| {
        let v = &variants[i];
        quote!(, untagged = #v)
    });
    let variant_docs = union.variants.iter().map(|v| {
        let also: String = v.aliases.iter().map(|a| format!(" (or `{a}`)")).collect();
        match &v.description {
            Some(d) => format!("`{}`{also}: {}", v.tag, d.trim()),
            None => format!("`{}`{also}", v.tag),
        }
    });
    let aliases = union.variants.iter().map(|v| {
        let aliases = &v.aliases;
        quote!(#( | #aliases )*)
    });
    // A `From` impl only where the member type stands in one variant.
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for t in &types {
        *counts.entry(t.to_string()).or_default() += 1;
    }
    let froms = variants
        .iter()
        .zip(&types)
        .filter(|(_, t)| counts[&t.to_string()] == 1)
        .map(|(v, t)| {
            quote! {
                impl ::std::convert::From<crate::types::#t> for #name {
                    fn from(value: crate::types::#t) -> Self {
                        Self::#v(value)
                    }
                }
            }
        });
    quote! {
        #[doc = #doc]
        ///
        /// A member this crate does not know is kept in [`Self::Other`] as raw
        /// JSON and serialized back unchanged.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        // A member as it is, not boxed: matching a union reads like the API.
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #( #[doc = #variant_docs] #variants(crate::types::#types), )*
            /// A member not known when this crate was generated, as raw JSON.
            Other(::serde_json::Value),
        }

        #(#froms)*

        crate::impls::tagged_union!(#name, #property, { #( #variants => #tags #aliases, )* } #untagged);
    }
}
