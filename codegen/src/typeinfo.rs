//! What typify wrote for each type, read back from its output: the fields
//! of every struct (their Rust types, and whether serde fills them in) and
//! the variants of every enum. Typify decides the Rust types of fields and
//! the names of inline types, so the emitters that add methods to those
//! types (constructors, setters, checks) learn them here. This is the one
//! place generated code is read back; anything unexpected is an error.

use std::collections::BTreeMap;

use quote::ToTokens;

use crate::error::Error;

/// The types of typify's output, by name.
#[derive(Debug, Default)]
pub struct TypeInfo {
    pub items: BTreeMap<String, TypeItem>,
}

#[derive(Debug)]
pub enum TypeItem {
    Struct(StructInfo),
    Enum(EnumInfo),
    /// A newtype or an alias, and the types it holds.
    Other(Vec<syn::Type>),
}

#[derive(Debug)]
pub struct StructInfo {
    pub fields: Vec<FieldInfo>,
    /// Typify derived `Default` for it.
    pub has_default: bool,
}

#[derive(Debug)]
pub struct FieldInfo {
    pub ident: syn::Ident,
    /// The field's rustdoc, from the spec's description.
    pub doc: String,
    /// The field's name on the wire.
    pub wire: String,
    pub ty: syn::Type,
    pub kind: FieldKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// Must be given.
    Required,
    /// `Option<inner>`.
    Optional(syn::Type),
    /// A list or map serde fills in as empty: `#[serde(default)]` or a
    /// flattened map.
    Empty,
    /// A one-value tag that serde fills in: the enum and its one variant.
    Tag(syn::Ident, syn::Ident),
}

#[derive(Debug)]
pub struct EnumInfo {
    /// Each variant and the type it holds, if any.
    pub variants: Vec<(syn::Ident, Option<syn::Type>)>,
}

impl TypeInfo {
    /// Reads the items of typify's output (the top level of `file`).
    pub fn read(file: &syn::File) -> Result<Self, Error> {
        let mut items = BTreeMap::new();
        for item in &file.items {
            match item {
                syn::Item::Struct(s) => {
                    let item = match &s.fields {
                        syn::Fields::Named(named) => {
                            let mut info = read_struct(named)?;
                            info.has_default = derives(&s.attrs, "Default");
                            TypeItem::Struct(info)
                        }
                        _ => TypeItem::Other(s.fields.iter().map(|f| f.ty.clone()).collect()),
                    };
                    items.insert(s.ident.to_string(), item);
                }
                syn::Item::Type(alias) => {
                    items.insert(
                        alias.ident.to_string(),
                        TypeItem::Other(vec![(*alias.ty).clone()]),
                    );
                }
                syn::Item::Enum(e) => {
                    let variants = e
                        .variants
                        .iter()
                        .map(|v| {
                            let held = match &v.fields {
                                syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                                    Some(f.unnamed[0].ty.clone())
                                }
                                _ => None,
                            };
                            (v.ident.clone(), held)
                        })
                        .collect();
                    items.insert(e.ident.to_string(), TypeItem::Enum(EnumInfo { variants }));
                }
                _ => {}
            }
        }
        // Typify writes some `Default`s as impls rather than derives.
        for item in &file.items {
            let syn::Item::Impl(imp) = item else { continue };
            let is_default = imp
                .trait_
                .as_ref()
                .and_then(|(_, path, _)| path.segments.last())
                .is_some_and(|s| s.ident == "Default");
            if !is_default {
                continue;
            }
            if let Some(TypeItem::Struct(s)) =
                last_ident(&imp.self_ty).and_then(|name| items.get_mut(&name.to_string()))
            {
                s.has_default = true;
            }
        }
        let mut info = TypeInfo { items };
        info.find_tags();
        Ok(info)
    }

    pub fn struct_info(&self, name: &str) -> Option<&StructInfo> {
        match self.items.get(name)? {
            TypeItem::Struct(s) => Some(s),
            TypeItem::Enum(_) | TypeItem::Other(_) => None,
        }
    }

    /// A defaulted field whose type is a one-variant unit enum is a tag.
    fn find_tags(&mut self) {
        let single: BTreeMap<String, syn::Ident> = self
            .items
            .iter()
            .filter_map(|(name, item)| match item {
                TypeItem::Enum(e) => match e.variants.as_slice() {
                    [(variant, None)] => Some((name.clone(), variant.clone())),
                    _ => None,
                },
                TypeItem::Struct(_) | TypeItem::Other(_) => None,
            })
            .collect();
        for item in self.items.values_mut() {
            let TypeItem::Struct(s) = item else { continue };
            for field in &mut s.fields {
                if field.kind != FieldKind::Empty {
                    continue;
                }
                if let Some(name) = last_ident(&field.ty) {
                    if let Some(variant) = single.get(&name.to_string()) {
                        field.kind = FieldKind::Tag(name.clone(), variant.clone());
                    }
                }
            }
        }
    }
}

fn read_struct(named: &syn::FieldsNamed) -> Result<StructInfo, Error> {
    let mut fields = Vec::new();
    for field in &named.named {
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        let serde = SerdeAttrs::of(&field.attrs);
        let kind = if let Some(inner) = option_inner(&field.ty) {
            FieldKind::Optional(inner)
        } else if serde.default || serde.flatten {
            FieldKind::Empty
        } else {
            FieldKind::Required
        };
        fields.push(FieldInfo {
            doc: doc_of(&field.attrs),
            wire: serde.rename.unwrap_or_else(|| ident.to_string()),
            ident,
            ty: field.ty.clone(),
            kind,
        });
    }
    Ok(StructInfo {
        fields,
        has_default: false,
    })
}

/// Whether `#[derive(..)]` among `attrs` names `name`.
pub(crate) fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    any_meta(attrs, "derive", |path| {
        path.segments.last().is_some_and(|s| s.ident == name)
    })
}

/// Takes the traits `names` out of the derives of `name` (the item whose
/// `attrs` they are, for errors, in the pass `pass`); whether any was there.
pub(crate) fn drop_derives(
    attrs: &mut [syn::Attribute],
    name: &syn::Ident,
    pass: &'static str,
    names: &[&str],
) -> Result<bool, Error> {
    let mut derived = false;
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let paths = attr
            .parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .map_err(|e| Error::Syntax {
                pass,
                message: format!("`{name}`: {e}"),
            })?;
        let named = |p: &syn::Path| {
            p.segments
                .last()
                .is_some_and(|s| names.iter().any(|n| s.ident == n))
        };
        let kept: Vec<&syn::Path> = paths.iter().filter(|p| !named(p)).collect();
        derived |= kept.len() != paths.len();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
    Ok(derived)
}

/// Whether a `#[serde(..)]` attribute holds the word `flag` (`untagged`,
/// `transparent`, `default`).
pub(crate) fn serde_flag(attrs: &[syn::Attribute], flag: &str) -> bool {
    any_meta(attrs, "serde", |path| path.is_ident(flag))
}

/// Whether an `#[outer(..)]` attribute among `attrs` holds an item whose
/// path is `wanted` (a `key = value` item is read past its value).
fn any_meta(attrs: &[syn::Attribute], outer: &str, wanted: impl Fn(&syn::Path) -> bool) -> bool {
    attrs.iter().filter(|a| a.path().is_ident(outer)).any(|a| {
        let mut found = false;
        let _ = a.parse_nested_meta(|meta| {
            found |= wanted(&meta.path);
            if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
        found
    })
}

/// The text of the `#[doc]` attributes.
fn doc_of(attrs: &[syn::Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    lines.join("\n").trim().to_string()
}

/// The value of `#[serde(rename = "...")]` among `attrs`.
pub fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    SerdeAttrs::of(attrs).rename
}

/// The serde attributes of a field that matter here.
#[derive(Default)]
struct SerdeAttrs {
    rename: Option<String>,
    default: bool,
    flatten: bool,
}

impl SerdeAttrs {
    fn of(attrs: &[syn::Attribute]) -> Self {
        let mut out = SerdeAttrs::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let value: syn::LitStr = meta.value()?.parse()?;
                    out.rename = Some(value.value());
                } else if meta.path.is_ident("default") {
                    out.default = true;
                    if meta.input.peek(syn::Token![=]) {
                        let _: syn::LitStr = meta.value()?.parse()?;
                    }
                } else if meta.path.is_ident("flatten") {
                    out.flatten = true;
                } else if meta.input.peek(syn::Token![=]) {
                    let _: syn::LitStr = meta.value()?.parse()?;
                }
                Ok(())
            });
        }
        out
    }
}

/// `T` of `::std::option::Option<T>`.
pub fn option_inner(ty: &syn::Type) -> Option<syn::Type> {
    generic_of(ty, "Option")
}

/// `T` of `::std::vec::Vec<T>`.
pub fn vec_inner(ty: &syn::Type) -> Option<syn::Type> {
    generic_of(ty, "Vec")
}

fn generic_of(ty: &syn::Type, wrapper: &str) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
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

/// Whether `ty` is `::serde_json::Map<..>`.
pub fn is_map(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Map"))
}

/// The last identifier of a path type (`Foo` of `crate::types::Foo`).
pub fn last_ident(ty: &syn::Type) -> Option<&syn::Ident> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| &s.ident),
        _ => None,
    }
}

/// Every type name `ty` mentions, its generic arguments included.
pub fn mentioned(ty: &syn::Type, out: &mut Vec<String>) {
    if let syn::Type::Path(path) = ty {
        for segment in &path.path.segments {
            if let syn::PathArguments::AngleBracketed(args) = &segment.arguments {
                for arg in &args.args {
                    if let syn::GenericArgument::Type(inner) = arg {
                        mentioned(inner, out);
                    }
                }
            }
        }
        if let Some(last) = path.path.segments.last() {
            out.push(last.ident.to_string());
        }
    }
}

/// `ty` written so it names the type from outside typify's module: a bare
/// name `Foo` (typify's own reference to a sibling) becomes `types::Foo`.
pub fn qualified(ty: &syn::Type, known: &TypeInfo) -> proc_macro2::TokenStream {
    let mut ty = ty.clone();
    qualify(&mut ty, known);
    ty.into_token_stream()
}

fn qualify(ty: &mut syn::Type, known: &TypeInfo) {
    let syn::Type::Path(path) = ty else { return };
    for segment in path.path.segments.iter_mut() {
        if let syn::PathArguments::AngleBracketed(args) = &mut segment.arguments {
            for arg in args.args.iter_mut() {
                if let syn::GenericArgument::Type(inner) = arg {
                    qualify(inner, known);
                }
            }
        }
    }
    if path.qself.is_none()
        && path.path.leading_colon.is_none()
        && path.path.segments.len() == 1
        && known
            .items
            .contains_key(&path.path.segments[0].ident.to_string())
    {
        let name = &path.path.segments[0].ident;
        if let Ok(full) = syn::parse2::<syn::Path>(quote::quote!(crate::types::#name)) {
            path.path = full;
        }
    }
}
