//! Pass: lean derives. typify derives `Hash`, `Ord` and `PartialOrd` on
//! every enum of strings. On an enum of one value (the `type` tag of most
//! objects: 269 of the spec's 280 enums of strings) they hash and order a
//! constant, which no program needs, and their 800 impls cost the `full`
//! build about a second of type and borrow checking. This pass takes them
//! off those enums; an enum of several values keeps them, to be a map key
//! or sorted.

use crate::error::Error;
use crate::typeinfo::drop_derives;

/// What an enum of one value does not derive.
const UNNEEDED: &[&str] = &["Hash", "Ord", "PartialOrd"];

pub fn apply(file: &mut syn::File) -> Result<(), Error> {
    for item in &mut file.items {
        if let syn::Item::Enum(e) = item {
            let one_value = e.variants.len() == 1
                && e.variants
                    .iter()
                    .all(|v| matches!(v.fields, syn::Fields::Unit));
            if one_value {
                drop_derives(&mut e.attrs, &e.ident, "lean_derives", UNNEEDED)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    #[test]
    fn an_enum_of_one_value_loses_hash_and_order_and_others_keep_them() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
            pub enum TextBlockType { Text }
            #[derive(Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
            pub enum MediaType { Png, Jpeg }
            #[derive(Clone, Debug, PartialEq)]
            pub enum Holder { Only(String) }
        };
        super::apply(&mut file).expect("well-formed derives");
        let derives: Vec<String> = file
            .items
            .iter()
            .map(|item| match item {
                syn::Item::Enum(e) => e.attrs[0].to_token_stream().to_string(),
                _ => unreachable!("only enums"),
            })
            .collect();
        assert_eq!(
            derives,
            [
                "# [derive (Clone , Copy , Debug , Eq , PartialEq)]",
                "# [derive (Clone , Copy , Debug , Eq , Hash , Ord , PartialEq , PartialOrd)]",
                "# [derive (Clone , Debug , PartialEq)]",
            ]
        );
    }
}
