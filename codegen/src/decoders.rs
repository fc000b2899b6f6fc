//! Pass: lean decoders. serde's derived `Deserialize` for a struct compiles,
//! for every deserializer it meets, a field-name visitor of its own, a
//! sequence visitor (JSON arrays as structs, which the API never sends) and
//! the map visitor; for an enum of strings, serde's enum machinery besides.
//! Most of that machine code is the same from one type to the next. This
//! pass replaces the derive with generated impls that share it:
//! - a struct reads its keys through the runtime's one `decode::Key` type and
//!   matches them (the decoder the `lossless` pass writes, without keeping
//!   unknown fields);
//! - an enum of strings reads one string through the runtime's `Key` and
//!   matches it, with serde's own error for a value it does not know.
//!
//! Structs with a flattened map (`additionalProperties`) keep serde's
//! derive, which knows how to fill it. Untagged unions are the `untagged`
//! pass's.

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::Error;
use crate::lossless;
use crate::typeinfo::derives;

/// Replaces the derived `Deserialize` of the structs and string enums of
/// `file` that still have one.
pub fn apply(file: &mut syn::File) -> Result<(), Error> {
    let mut impls = crate::untagged::apply(file)?;
    for item in &mut file.items {
        match item {
            syn::Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => {
                if !derives(&s.attrs, "Deserialize") {
                    continue;
                }
                let fields = lossless::fields_of(s)?;
                if fields.iter().any(|f| f.flatten) {
                    continue;
                }
                drop_deserialize(&mut s.attrs, &s.ident)?;
                impls.push(lossless::deserialize_impl(&s.ident, &fields, &[], false));
            }
            syn::Item::Enum(e) => {
                let unit = e
                    .variants
                    .iter()
                    .all(|v| matches!(v.fields, syn::Fields::Unit));
                if !unit || !derives(&e.attrs, "Deserialize") || has_serde_attrs(&e.attrs) {
                    continue;
                }
                let wires = e
                    .variants
                    .iter()
                    .map(|v| Ok((v.ident.clone(), wire_name(v)?)))
                    .collect::<Result<Vec<_>, Error>>()?;
                drop_deserialize(&mut e.attrs, &e.ident)?;
                impls.push(string_enum_impl(&e.ident, &wires));
            }
            _ => {}
        }
    }
    file.items
        .extend(crate::format::parse_items("decoders", impls)?);
    Ok(())
}

fn string_enum_impl(name: &syn::Ident, wires: &[(syn::Ident, String)]) -> TokenStream {
    let arms = wires
        .iter()
        .map(|(variant, wire)| quote!(#wire => Self::#variant,));
    let all = wires.iter().map(|(_, wire)| wire);
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value = <crate::decode::Key<'de> as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(match value.as_str() {
                    #(#arms)*
                    other => {
                        return ::std::result::Result::Err(
                            <D::Error as ::serde::de::Error>::unknown_variant(other, &[#(#all),*]),
                        )
                    }
                })
            }
        }
    }
}

/// A unit variant's string: its `rename`, or its name.
fn wire_name(variant: &syn::Variant) -> Result<String, Error> {
    let mut wire = variant.ident.to_string();
    for attr in variant.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                wire = meta.value()?.parse::<syn::LitStr>()?.value();
                Ok(())
            } else {
                Err(meta.error("a serde attribute the decoders pass does not read"))
            }
        })
        .map_err(|e| Error::Syntax {
            pass: "decoders",
            message: format!("variant `{}`: {e}", variant.ident),
        })?;
    }
    Ok(wire)
}

fn has_serde_attrs(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("serde"))
}

/// Takes `Deserialize` out of the derives of `name`; whether it was there.
pub(crate) fn drop_deserialize(
    attrs: &mut [syn::Attribute],
    name: &syn::Ident,
) -> Result<bool, Error> {
    crate::typeinfo::drop_derives(attrs, name, "decoders", &["Deserialize"])
}
