//! Pass: lossless types. A reply type that can be sent back keeps the
//! fields this crate does not know and writes them back in place, and so
//! does its input twin, so a block passed back with `to_param()` (which goes
//! from the reply type to the input type through JSON) reaches the API as it
//! came: the API wants thinking blocks, among others, back unmodified.
//!
//! Which types: the spec names the input twin of a reply union `X` `XParam`
//! (`ContentBlock` and `ContentBlockParam`, `BetaContentBlock` and
//! `BetaContentBlockParam`). From each such pair the pass walks both sides in
//! step: the members of the same tag, the fields of the same wire name, the
//! variants of the same name of typify's untagged unions, through `Option`,
//! `Vec` and `Box`. Every struct reached on either side is made lossless:
//! the text block, its citations, thinking, tool use, server tool use and
//! the server tools' results, and what they hold. A field a reply type
//! knows and its input twin does not (a citation's `file_id`, which the
//! server writes) is still left out of the input, as the spec's input shape
//! says: only what this crate does not know at all goes back unread. A type
//! the walk does not
//! reach (the message envelope, `Usage`, stream events, models) is never sent
//! back, so it still drops unknown fields: what it keeps would go nowhere,
//! and its derived decoder stays as it is.
//!
//! How: each such struct gets a field `unknown_fields`, serialized flattened
//! (no key on the wire; nothing when empty), and a generated `Deserialize`
//! in place of serde's derive. Deriving with `#[serde(flatten)]` would
//! buffer every object into serde's `Content` tree first; the generated
//! visitor reads the object once, like the derive, and puts a key it does
//! not know, with its value, in the map (`crate::lossless` in the runtime).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::Error;
use crate::normalize::TaggedUnion;
use crate::typeinfo::{self, TypeInfo, TypeItem};

/// The name of the field that holds the unknown fields.
pub const FIELD: &str = "unknown_fields";

/// Makes the types `to_param()` can reach lossless; returns every pair of a
/// reply type and its input twin that the walk met (the `send_back` pass
/// converts along them).
pub fn apply(
    file: &mut syn::File,
    info: &TypeInfo,
    unions: &[TaggedUnion],
) -> Result<BTreeSet<(String, String)>, Error> {
    let newtypes = newtypes(file);
    let (chosen, reply_only, pairs) = sent_back(info, unions, &newtypes);
    let mut impls = Vec::new();
    for item in &mut file.items {
        let syn::Item::Struct(s) = item else { continue };
        if !chosen.contains(&s.ident.to_string()) {
            continue;
        }
        let skipped = reply_only.get(&s.ident.to_string());
        if let Some(tokens) = make_lossless(s, skipped)? {
            impls.push(tokens);
        }
    }
    file.items
        .extend(crate::format::parse_items("lossless", impls)?);
    patch_builders(file, &chosen)?;
    Ok(pairs)
}

/// The structs reached from every reply union and its input twin, on both
/// sides; and for each input struct, the fields its reply twins know and it
/// does not (a citation's `file_id`): the spec says the server writes them
/// and the input shape leaves them out, so an input value skips them as it
/// always did, rather than keep them as unknown and send them back.
#[allow(clippy::type_complexity)]
fn sent_back(
    info: &TypeInfo,
    unions: &[TaggedUnion],
    newtypes: &BTreeMap<String, syn::Type>,
) -> (
    BTreeSet<String>,
    BTreeMap<String, BTreeSet<String>>,
    BTreeSet<(String, String)>,
) {
    let by_name: BTreeMap<&str, &TaggedUnion> =
        unions.iter().map(|u| (u.name.as_str(), u)).collect();
    let mut pending: Vec<(String, String)> = unions
        .iter()
        .filter_map(|u| {
            let twin = format!("{}Param", u.name);
            by_name
                .contains_key(twin.as_str())
                .then(|| (u.name.clone(), twin))
        })
        .collect();
    let mut seen = BTreeSet::new();
    let mut out = BTreeSet::new();
    let mut reply_only: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    while let Some((reply, input)) = pending.pop() {
        if !seen.insert((reply.clone(), input.clone())) {
            continue;
        }
        if let (Some(r), Some(p)) = (by_name.get(reply.as_str()), by_name.get(input.as_str())) {
            for member in &r.variants {
                let twin = p
                    .variants
                    .iter()
                    .find(|v| v.tag == member.tag || v.aliases.contains(&member.tag));
                if let Some(twin) = twin {
                    pending.push((
                        crate::spec::type_name(&member.schema),
                        crate::spec::type_name(&twin.schema),
                    ));
                }
            }
            continue;
        }
        match (info.items.get(&reply), info.items.get(&input)) {
            (Some(TypeItem::Struct(r)), Some(TypeItem::Struct(p))) => {
                out.insert(reply.clone());
                out.insert(input.clone());
                let skipped = reply_only.entry(input.clone()).or_default();
                skipped.extend(
                    r.fields
                        .iter()
                        .filter(|f| !p.fields.iter().any(|twin| twin.wire == f.wire))
                        .map(|f| f.wire.clone()),
                );
                for field in &r.fields {
                    if let Some(twin) = p.fields.iter().find(|f| f.wire == field.wire) {
                        pending.extend(paired(&field.ty, &twin.ty, newtypes));
                    }
                }
            }
            (Some(TypeItem::Enum(r)), Some(TypeItem::Enum(p))) => {
                for (ri, pi) in pair_variants(info, r, p, newtypes) {
                    let (Some(r), Some(p)) = (&r.variants[ri].1, &p.variants[pi].1) else {
                        continue;
                    };
                    pending.push((core(r, newtypes).1, core(p, newtypes).1));
                }
            }
            _ => {}
        }
    }
    (out, reply_only, seen)
}

/// The variants of two untagged unions that stand for each other, by
/// index. Typify's untagged unions name their variants after what they hold,
/// which differs between the sides (`WebSearchToolResultError`,
/// `RequestError`): a variant pairs with the one of the same list depth, and
/// among several objects, with the one of the same field names. Unit
/// variants pair by name.
pub(crate) fn pair_variants(
    info: &TypeInfo,
    r: &crate::typeinfo::EnumInfo,
    p: &crate::typeinfo::EnumInfo,
    newtypes: &BTreeMap<String, syn::Type>,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (ri, (r_ident, r_held)) in r.variants.iter().enumerate() {
        if r_held.as_ref().is_some_and(is_json_value) {
            continue;
        }
        let Some(r_held) = r_held else {
            if let Some(pi) = p
                .variants
                .iter()
                .position(|(ident, held)| held.is_none() && ident == r_ident)
            {
                out.push((ri, pi));
            }
            continue;
        };
        let (depth, name) = core(r_held, newtypes);
        let candidates: Vec<(usize, String)> = p
            .variants
            .iter()
            .enumerate()
            .filter_map(|(pi, (_, held))| {
                let (d, n) = core(held.as_ref()?, newtypes);
                (d == depth).then_some((pi, n))
            })
            .collect();
        let twin = match candidates.as_slice() {
            [(one, _)] => Some(*one),
            _ => candidates
                .iter()
                .find(|(_, other)| same_fields(info, &name, other))
                .map(|(pi, _)| *pi),
        };
        if let Some(pi) = twin {
            out.push((ri, pi));
        }
    }
    out
}

/// Whether `ty` is `serde_json::Value`: what a union keeps when it cannot
/// read a member.
pub(crate) fn is_json_value(ty: &syn::Type) -> bool {
    typeinfo::last_ident(ty).is_some_and(|i| i == "Value")
}

/// The named types at the core of two field types, when they have the same
/// shape once `Option`, `Box` and newtypes are looked through (`Vec<A>`,
/// `Vec<B>`).
fn paired(
    reply: &syn::Type,
    input: &syn::Type,
    newtypes: &BTreeMap<String, syn::Type>,
) -> Option<(String, String)> {
    let (r_lists, r) = core(reply, newtypes);
    let (p_lists, p) = core(input, newtypes);
    (r_lists == p_lists).then_some((r, p))
}

/// How many lists deep `ty` is, and the name of the type they hold.
pub(crate) fn core(ty: &syn::Type, newtypes: &BTreeMap<String, syn::Type>) -> (usize, String) {
    let mut lists = 0;
    let mut ty = ty.clone();
    // Bounded: a newtype that held itself would not compile.
    for _ in 0..16 {
        let newtype = typeinfo::last_ident(&ty).and_then(|i| newtypes.get(&i.to_string()));
        if let Some(inner) = typeinfo::option_inner(&ty)
            .or_else(|| box_inner(&ty))
            .or_else(|| newtype.cloned())
        {
            ty = inner;
        } else if let Some(inner) = typeinfo::vec_inner(&ty) {
            lists += 1;
            ty = inner;
        } else {
            break;
        }
    }
    let name = typeinfo::last_ident(&ty).map(ToString::to_string);
    (lists, name.unwrap_or_default())
}

/// Whether two structs have the same field names on the wire.
fn same_fields(info: &TypeInfo, a: &str, b: &str) -> bool {
    let wires = |name: &str| -> Option<BTreeSet<String>> {
        info.struct_info(name)
            .map(|s| s.fields.iter().map(|f| f.wire.clone()).collect())
    };
    matches!((wires(a), wires(b)), (Some(a), Some(b)) if a == b)
}

/// Typify's newtypes (`struct Items(pub Vec<Item>)`), by name: what they hold.
pub(crate) fn newtypes(file: &syn::File) -> BTreeMap<String, syn::Type> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => match &s.fields {
                syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                    Some((s.ident.to_string(), f.unnamed[0].ty.clone()))
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

pub(crate) fn box_inner(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Box" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner.clone()),
        _ => None,
    }
}

/// One field as its decoder needs it.
pub(crate) struct Field {
    pub(crate) ident: syn::Ident,
    pub(crate) wire: String,
    pub(crate) ty: syn::Type,
    /// What an absent field is.
    pub(crate) absent: Absent,
    /// `#[serde(deserialize_with = "...")]`.
    with: Option<syn::ExprPath>,
    /// Left out when `None` (`skip_serializing_if`): a `null` it came as
    /// is kept with the unknown fields, to be written back.
    pub(crate) skipped_when_none: bool,
    /// `#[serde(flatten)]`: a map of the object's other keys.
    pub(crate) flatten: bool,
}

pub(crate) enum Absent {
    /// `None`, as serde reads an absent `Option`.
    None,
    /// `Default::default()`.
    Default,
    /// A function of typify's `defaults` module.
    Function(syn::ExprPath),
    /// An error.
    Missing,
}

/// The fields of `s` as its decoder (and its conversions) read them, from
/// the serde attributes typify wrote.
pub(crate) fn fields_of(s: &syn::ItemStruct) -> Result<Vec<Field>, Error> {
    let name = &s.ident;
    let problem = |message: String| Error::Syntax {
        pass: "lossless",
        message: format!("`{name}`: {message}"),
    };
    let mut fields = Vec::new();
    for field in &s.fields {
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        let mut wire = ident.to_string();
        let mut default = None;
        let mut with = None;
        let mut flatten = false;
        let mut skipped = false;
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    wire = meta.value()?.parse::<syn::LitStr>()?.value();
                } else if meta.path.is_ident("default") {
                    default = Some(if meta.input.peek(syn::Token![=]) {
                        Absent::Function(meta.value()?.parse::<syn::LitStr>()?.parse()?)
                    } else {
                        Absent::Default
                    });
                } else if meta.path.is_ident("deserialize_with") {
                    with = Some(meta.value()?.parse::<syn::LitStr>()?.parse()?);
                } else if meta.path.is_ident("skip_serializing_if") {
                    let _: syn::LitStr = meta.value()?.parse()?;
                    skipped = true;
                } else if meta.path.is_ident("flatten") {
                    flatten = true;
                } else {
                    return Err(meta.error("a serde attribute the lossless pass does not read"));
                }
                Ok(())
            })
            .map_err(|e| problem(format!("field `{ident}`: {e}")))?;
        }
        let absent = match default {
            Some(default) => default,
            None if typeinfo::option_inner(&field.ty).is_some() => Absent::None,
            None => Absent::Missing,
        };
        let skipped_when_none = skipped && matches!(absent, Absent::None) && with.is_none();
        fields.push(Field {
            ident,
            wire,
            ty: field.ty.clone(),
            absent,
            with,
            skipped_when_none,
            flatten,
        });
    }
    Ok(fields)
}

/// Adds the field to `s`, drops its derived `Deserialize`, and returns the
/// generated one; `None` for a struct that already keeps every field (a
/// flattened map of its own, from `additionalProperties`).
fn make_lossless(
    s: &mut syn::ItemStruct,
    skipped: Option<&BTreeSet<String>>,
) -> Result<Option<TokenStream>, Error> {
    let name = s.ident.clone();
    let problem = |message: String| Error::Syntax {
        pass: "lossless",
        message: format!("`{name}`: {message}"),
    };
    let fields = fields_of(s)?;
    if fields.iter().any(|f| f.flatten) {
        return Ok(None);
    }
    let syn::Fields::Named(named) = &mut s.fields else {
        return Ok(None);
    };
    if fields.iter().any(|f| f.ident == FIELD) {
        return Err(problem(format!("a field of the spec is named `{FIELD}`")));
    }
    let doc = "The fields of this object that this crate does not know, as they came: kept \
               when it is decoded and written back in place when it is serialized, so that a \
               reply passed back to the API (`to_param()`) loses nothing. An optional field \
               that came as `null` is also here, as `null`, so that it goes back as `null` \
               rather than left out (set such a field by removing it from here too). Empty \
               for a value built here, and then not sent.";
    let ident = format_ident!("{}", FIELD);
    named.named.push(syn::parse_quote! {
        #[doc = #doc]
        #[serde(flatten)]
        pub #ident: ::serde_json::Map<::std::string::String, ::serde_json::Value>
    });
    let derived = crate::decoders::drop_deserialize(&mut s.attrs, &name)?;
    if !derived {
        return Err(problem("typify did not derive `Deserialize`".to_string()));
    }
    let skipped: Vec<&str> = skipped
        .into_iter()
        .flatten()
        .map(String::as_str)
        .filter(|w| !fields.iter().any(|f| f.wire == *w))
        .collect();
    Ok(Some(deserialize_impl(&s.ident, &fields, &skipped, true)))
}

/// The decoder of `name`: `fields` are read, the names in `skipped` are
/// read past, and any other key is kept in `unknown_fields` when `keep`
/// (a lossless type), else read past too. Keys are read as borrowed
/// strings by one runtime type shared by every struct
/// (`crate::decode::Key`), so only the `match` on them is per struct.
pub(crate) fn deserialize_impl(
    name: &syn::Ident,
    fields: &[Field],
    skipped: &[&str],
    keep: bool,
) -> TokenStream {
    let expecting = format!("a `{name}` object");
    let name_str = name.to_string();
    let all_wires: Vec<&str> = fields
        .iter()
        .map(|f| f.wire.as_str())
        .chain(skipped.iter().copied())
        .collect();
    // The slots are one tuple, not a local each: every `?` then drops one
    // value, where a local each made every early return drop all the
    // fields read so far, code quadratic in the number of fields.
    let slots: Vec<TokenStream> = (0..fields.len())
        .map(|i| {
            let i = syn::Index::from(i);
            quote!(__slots.#i)
        })
        .collect();
    let slot_types = fields.iter().map(|f| {
        let ty = &f.ty;
        quote!(::std::option::Option<#ty>)
    });
    let nones = fields.iter().map(|_| quote!(::std::option::Option::None));
    let declarations =
        (!fields.is_empty()).then(|| quote!(let mut __slots: (#(#slot_types,)*) = (#(#nones,)*);));
    let unknown = format_ident!("{}", FIELD);
    let arms = fields.iter().zip(&slots).enumerate().map(|(i, (f, slot))| {
        let wire = &f.wire;
        let ty = &f.ty;
        let known = quote!(::std::result::Result::Ok(#i));
        match &f.with {
            None if f.skipped_when_none && keep => quote! {
                #known => crate::lossless::fill_nullable(&mut #slot, &mut __map, #wire, &mut #unknown)?,
            },
            None => quote! {
                #known => crate::decode::fill(&mut #slot, &mut __map, #wire)?,
            },
            Some(with) => quote! {
                #known => {
                    struct __With(#ty);
                    impl<'de> ::serde::Deserialize<'de> for __With {
                        fn deserialize<D: ::serde::Deserializer<'de>>(
                            deserializer: D,
                        ) -> ::std::result::Result<Self, D::Error> {
                            #with(deserializer).map(__With)
                        }
                    }
                    if #slot.is_some() {
                        return ::std::result::Result::Err(
                            <A::Error as ::serde::de::Error>::duplicate_field(#wire),
                        );
                    }
                    #slot = ::std::option::Option::Some(__map.next_value::<__With>()?.0);
                }
            },
        }
    });
    // The required fields are taken in one `match`, which has no early
    // return to drop the others on.
    let required: Vec<(usize, syn::Ident)> = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| matches!(f.absent, Absent::Missing))
        .map(|(i, _)| (i, format_ident!("__required{}", i)))
        .collect();
    let inits = fields.iter().zip(&slots).enumerate().map(|(i, (f, slot))| {
        let ident = &f.ident;
        match &f.absent {
            // An absent `Option` is `None`, its default.
            Absent::None | Absent::Default => quote!(#ident: #slot.unwrap_or_default()),
            Absent::Function(path) => quote!(#ident: #slot.unwrap_or_else(#path)),
            Absent::Missing => {
                let binding = format_ident!("__required{}", i);
                quote!(#ident: #binding)
            }
        }
    });
    // A field this type leaves out (a reply-only field of an input type:
    // its position is past the type's own fields) is read and dropped.
    let (unknown_declaration, other_arm, unknown_init) = if keep {
        (
            quote!(let mut #unknown = ::serde_json::Map::new();),
            quote! {
                ::std::result::Result::Err(__key) => {
                    let __value = __map.next_value()?;
                    #unknown.insert(__key.into_string(), __value);
                }
                ::std::result::Result::Ok(_) => {
                    __map.next_value::<::serde::de::IgnoredAny>()?;
                }
            },
            quote!(#unknown,),
        )
    } else {
        (
            quote!(),
            quote! {
                _ => {
                    __map.next_value::<::serde::de::IgnoredAny>()?;
                }
            },
            quote!(),
        )
    };
    let value = quote! {
        ::std::result::Result::Ok(#name {
            #(#inits,)*
            #unknown_init
        })
    };
    let build = if required.is_empty() {
        value
    } else {
        let taken = required.iter().map(|(i, _)| &slots[*i]);
        let bindings: Vec<&syn::Ident> = required.iter().map(|(_, b)| b).collect();
        let wires = required.iter().map(|(i, _)| fields[*i].wire.as_str());
        quote! {
            match (#(#taken,)*) {
                (#(::std::option::Option::Some(#bindings),)*) => #value,
                (#(#bindings,)*) => ::std::result::Result::Err(crate::decode::first_missing(&[
                    #((#bindings.is_none(), #wires)),*
                ])),
            }
        }
    };
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                // The type's fields, then those it leaves out.
                const FIELDS: &[&str] = &[#(#all_wires),*];
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = #name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        mut __map: A,
                    ) -> ::std::result::Result<#name, A::Error> {
                        #declarations
                        #unknown_declaration
                        while let ::std::option::Option::Some(__field) =
                            __map.next_key_seed(crate::decode::Fields(FIELDS))?
                        {
                            match __field {
                                #(#arms)*
                                #other_arm
                            }
                        }
                        #build
                    }
                }
                // A struct, not a map: where this type is flattened into
                // another (`#[serde(flatten)]`), serde then hands it only
                // its own fields and leaves the rest to the outer type.
                deserializer.deserialize_struct(#name_str, FIELDS, Visitor)
            }
        }
    }
}

/// Typify builds some of these structs with a literal of every field: in
/// the `Default` it writes for a struct whose fields all have defaults, and
/// in its builders (while the crate has them). Those literals get the new
/// field, empty.
fn patch_builders(file: &mut syn::File, chosen: &BTreeSet<String>) -> Result<(), Error> {
    for item in &mut file.items {
        match item {
            syn::Item::Impl(imp) => patch_literal(imp, "Default", chosen)?,
            syn::Item::Mod(module) if module.ident == "builder" => {
                let Some((_, items)) = &mut module.content else {
                    continue;
                };
                for item in items {
                    if let syn::Item::Impl(imp) = item {
                        patch_literal(imp, "TryFrom", chosen)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Adds the field to the struct literal of `imp`, an impl of `trait_name`
/// for one of the `chosen` types (`Ok(Self { .. })` or `Self { .. }`).
fn patch_literal(
    imp: &mut syn::ItemImpl,
    trait_name: &str,
    chosen: &BTreeSet<String>,
) -> Result<(), Error> {
    let implements = imp
        .trait_
        .as_ref()
        .and_then(|(_, path, _)| path.segments.last())
        .is_some_and(|s| s.ident == trait_name);
    let target = typeinfo::last_ident(&imp.self_ty).map(ToString::to_string);
    if !implements || !target.is_some_and(|t| chosen.contains(&t)) {
        return Ok(());
    }
    let literal = imp.items.iter_mut().find_map(|item| match item {
        syn::ImplItem::Fn(f) => f.block.stmts.iter_mut().find_map(|stmt| match stmt {
            syn::Stmt::Expr(syn::Expr::Struct(literal), None) => Some(literal),
            syn::Stmt::Expr(syn::Expr::Call(call), None) => {
                call.args.iter_mut().find_map(|arg| match arg {
                    syn::Expr::Struct(literal) => Some(literal),
                    _ => None,
                })
            }
            _ => None,
        }),
        _ => None,
    });
    let Some(literal) = literal else {
        return Err(Error::Syntax {
            pass: "lossless",
            message: format!(
                "typify's `{trait_name}` of `{}` builds it in a way this pass does not know",
                quote::ToTokens::to_token_stream(&imp.self_ty)
            ),
        });
    };
    let ident = format_ident!("{}", FIELD);
    literal
        .fields
        .push(syn::parse_quote!(#ident: ::std::default::Default::default()));
    Ok(())
}
