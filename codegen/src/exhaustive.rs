//! Pass: which of typify's types are `#[non_exhaustive]`.
//!
//! A struct with named fields is marked: a request type is built with
//! `new(required…)` and setters (or typify's builder when it has more
//! required fields than `new` takes), a response type is read, not built
//! (typify's builder and serde still build one), so no user needs a struct
//! literal, and a new field is then a minor release instead of a major one.
//!
//! These stay exhaustive, each for a reason of its own:
//! - typify's enums: a closed string enum (`MessageParamRole`) and an
//!   untagged union (`MessageParamContent`) are sets the spec declares
//!   complete, so users match them without a wildcard arm. A value the
//!   server adds to one breaks deployed decoders anyway (a major change
//!   whatever the attribute says); a set that can grow is written as an open
//!   set or a tagged union, which are already `#[non_exhaustive]`;
//! - newtypes (`struct X(pub Vec<Y>)`): built with their tuple constructor,
//!   which the attribute would take away, and they have no field to gain.

use crate::typeinfo::{TypeInfo, TypeItem};

/// Marks the structs of typify's output whose public API needs no literal.
/// `info` is what [`TypeInfo::read`] read of the same file.
pub fn mark(file: &mut syn::File, info: &TypeInfo) {
    for item in &mut file.items {
        let syn::Item::Struct(s) = item else { continue };
        let named = matches!(s.fields, syn::Fields::Named(_));
        let known = matches!(
            info.items.get(&s.ident.to_string()),
            Some(TypeItem::Struct(_))
        );
        if named && known && !is_non_exhaustive(&s.attrs) {
            s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
    }
}

/// Whether `attrs` hold `#[non_exhaustive]`.
pub fn is_non_exhaustive(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_structs_are_marked_and_enums_and_newtypes_are_not() {
        let mut file: syn::File = syn::parse_quote! {
            pub struct Params { pub model: String }
            pub struct Ids(pub Vec<String>);
            pub enum Role { User, Assistant }
        };
        let info = TypeInfo::read(&file).expect("typify-like items read");
        mark(&mut file, &info);
        let marked: Vec<(String, bool)> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Struct(s) => Some((s.ident.to_string(), is_non_exhaustive(&s.attrs))),
                syn::Item::Enum(e) => Some((e.ident.to_string(), is_non_exhaustive(&e.attrs))),
                _ => None,
            })
            .collect();
        assert_eq!(
            marked,
            [
                ("Params".to_string(), true),
                ("Ids".to_string(), false),
                ("Role".to_string(), false)
            ]
        );
        // Marking twice adds nothing: the attribute is not repeated.
        mark(&mut file, &info);
        let syn::Item::Struct(params) = &file.items[0] else {
            panic!("the first item is a struct")
        };
        let count = params
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("non_exhaustive"))
            .count();
        assert_eq!(count, 1);
    }
}
