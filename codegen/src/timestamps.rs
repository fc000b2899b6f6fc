//! Pass: date-time fields decode through the runtime's fast parser. Typify
//! types a `format: date-time` as `chrono::DateTime<Utc>`, whose serde impl
//! runs chrono's general parser on every value; a page of 1000 models spends
//! most of its decode there. Each such field (and each `Option` of one) gets
//! `#[serde(deserialize_with = "crate::timestamp::...")]`, which reads the
//! API's own form (`2025-02-19T00:00:00Z`, with or without a fraction)
//! directly and hands anything else to chrono, so what decodes, and to
//! what, is unchanged.

use quote::ToTokens;

/// Adds the attribute to every date-time field of typify's structs.
pub fn apply(file: &mut syn::File) {
    for item in &mut file.items {
        let syn::Item::Struct(s) = item else { continue };
        for field in s.fields.iter_mut() {
            let (with, optional) = if is_utc(&field.ty) {
                ("crate::timestamp::deserialize", false)
            } else if crate::typeinfo::option_inner(&field.ty).is_some_and(|t| is_utc(&t)) {
                ("crate::timestamp::deserialize_option", true)
            } else {
                continue;
            };
            field
                .attrs
                .push(syn::parse_quote!(#[serde(deserialize_with = #with)]));
            // With `deserialize_with`, serde no longer reads an absent
            // `Option` as `None` by itself.
            if optional && !crate::typeinfo::serde_flag(&field.attrs, "default") {
                field.attrs.push(syn::parse_quote!(#[serde(default)]));
            }
        }
    }
}

/// Whether `ty` is `DateTime<Utc>`, as typify writes it.
fn is_utc(ty: &syn::Type) -> bool {
    let text = ty.to_token_stream().to_string().replace(' ', "");
    text == "::chrono::DateTime<::chrono::offset::Utc>"
}
