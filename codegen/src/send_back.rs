//! Emitter: a reply sent back. `Message::to_param()` turns each reply block
//! into its input twin (`TextBlock` into `TextBlockParam`, and so on down
//! through citations, tool results and what they hold). Going through JSON
//! would be the shortest code, but it compiles the decoder of the whole
//! input family (every `...Param` type) into the crate, a third of its
//! machine code, for one method. This emitter writes the conversion out
//! instead, field by field, along the pairs of types the `lossless` pass
//! walked: a struct from the fields of the same wire name, a tagged union
//! from the member of the same tag, an untagged union from the variant of
//! the same shape, an open set through its string, a one-value tag by name.
//! What the input has and the reply lacks takes the input's default; what
//! the reply has and the input lacks is left out, as the input's decoder
//! would have; the fields neither knows go across with `unknown_fields`.
//! A pair of types it cannot relate is converted through JSON, as before:
//! slower to compile, never wrong; `Stats::send_back_through_json` counts
//! them.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};

use crate::error::Error;
use crate::lossless::{self, Absent, Field};
use crate::normalize::{OpenEnum, TaggedUnion};
use crate::typeinfo::{self, TypeInfo, TypeItem};

/// The conversions, and how many pairs went through JSON.
pub struct SendBack {
    pub tokens: TokenStream,
    pub through_json: usize,
}

pub fn generate(
    file: &syn::File,
    info: &TypeInfo,
    unions: &[TaggedUnion],
    open_enums: &[OpenEnum],
    pairs: &BTreeSet<(String, String)>,
) -> Result<SendBack, Error> {
    let structs: BTreeMap<String, &syn::ItemStruct> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some((s.ident.to_string(), s)),
            _ => None,
        })
        .collect();
    let mut ctx = Ctx {
        info,
        unions: unions.iter().map(|u| (u.name.clone(), u)).collect(),
        open: open_enums.iter().map(|e| e.name.clone()).collect(),
        newtypes: lossless::newtypes(file),
        pairs: pairs.iter().filter(|(r, p)| r != p).cloned().collect(),
        through_json: 0,
        next: 0,
    };
    let mut impls = Vec::new();
    for (reply, input) in &ctx.pairs.clone() {
        let body = if let (Some(r), Some(p)) = (ctx.unions.get(reply), ctx.unions.get(input)) {
            let (r, p) = (*r, *p);
            ctx.union_body(r, p)
        } else if let (Some(r), Some(p)) = (structs.get(reply), structs.get(input)) {
            ctx.struct_body(r, p)?
        } else if let (Some(TypeItem::Enum(r)), Some(TypeItem::Enum(p))) =
            (info.items.get(reply), info.items.get(input))
        {
            ctx.enum_body(reply, input, r, p)
        } else {
            // Open sets and newtypes are converted where they are met.
            continue;
        };
        let (r, p) = (format_ident!("{reply}"), format_ident!("{input}"));
        // `#[inline]`: only `to_param()` (itself `#[inline]`) reaches these,
        // so a program that sends replies back compiles them and the crate
        // does not.
        impls.push(quote! {
            impl crate::lossless::SendBack<#p> for #r {
                #[inline]
                fn send_back(&self) -> ::std::result::Result<#p, crate::lossless::NotSent> {
                    #body
                }
            }
        });
    }
    let tokens = quote! {
        //! Each reply type as its input twin, for `Message::to_param()`:
        //! field by field, without a detour through JSON.
        #[allow(unused_imports)]
        use crate::types::*;
        #[allow(unused_imports)]
        use crate::generated::types::defaults;
        #(#impls)*
    };
    Ok(SendBack {
        tokens,
        through_json: ctx.through_json,
    })
}

struct Ctx<'a> {
    info: &'a TypeInfo,
    unions: BTreeMap<String, &'a TaggedUnion>,
    open: BTreeSet<String>,
    newtypes: BTreeMap<String, syn::Type>,
    /// The pairs that get a `SendBack` impl (or are converted in place).
    pairs: BTreeSet<(String, String)>,
    through_json: usize,
    /// For fresh binding names.
    next: usize,
}

impl Ctx<'_> {
    fn fresh(&mut self, prefix: &str) -> syn::Ident {
        self.next += 1;
        format_ident!("__{}{}", prefix, self.next)
    }

    /// A tagged union: each member as the input's member of the same tag;
    /// a member the input lacks, and one this crate does not know, go as
    /// JSON into the input's `Other`, as they would have been decoded.
    fn union_body(&mut self, r: &TaggedUnion, p: &TaggedUnion) -> TokenStream {
        let r_names = crate::render::unions::variant_idents(r);
        let p_names = crate::render::unions::variant_idents(p);
        let r_ident = format_ident!("{}", r.name);
        let p_ident = format_ident!("{}", p.name);
        let arms = r.variants.iter().zip(&r_names).map(|(member, variant)| {
            let twin = p
                .variants
                .iter()
                .position(|v| v.tag == member.tag || v.aliases.contains(&member.tag));
            match twin {
                Some(i) => {
                    let r_ty = named(&crate::spec::type_name(&member.schema));
                    let p_ty = named(&crate::spec::type_name(&p.variants[i].schema));
                    let value = self.convert(quote!(__member), &r_ty, &p_ty, &member.tag);
                    let p_variant = &p_names[i];
                    quote!(#r_ident::#variant(__member) => #p_ident::#p_variant(#value),)
                }
                None => quote! {
                    #r_ident::#variant(__member) => #p_ident::Other(crate::lossless::as_json(__member)?),
                },
            }
        });
        quote! {
            ::std::result::Result::Ok(match self {
                #(#arms)*
                #r_ident::Other(__value) => #p_ident::Other(__value.clone()),
            })
        }
    }

    /// A struct: the input's fields from the reply's of the same wire name.
    fn struct_body(
        &mut self,
        r: &syn::ItemStruct,
        p: &syn::ItemStruct,
    ) -> Result<TokenStream, Error> {
        let r_fields = lossless::fields_of(r)?;
        let p_fields = lossless::fields_of(p)?;
        let unknown = lossless::FIELD;
        let p_name = &p.ident;
        // Keys of the reply's unknown fields that must not go across: a
        // `null` the reply kept for a field the input does not have, or
        // one the input always writes itself.
        let mut dropped: Vec<String> = r_fields
            .iter()
            .filter(|f| !f.flatten && !p_fields.iter().any(|t| t.wire == f.wire))
            .map(|f| f.wire.clone())
            .collect();
        dropped.extend(
            p_fields
                .iter()
                .filter(|f| !f.flatten && !f.skipped_when_none)
                .map(|f| f.wire.clone()),
        );
        dropped.sort();
        dropped.dedup();
        let mut inits = Vec::new();
        for field in &p_fields {
            let ident = &field.ident;
            let value = if field.flatten {
                let twin = r_fields
                    .iter()
                    .find(|t| t.flatten && t.ident == field.ident);
                match twin {
                    Some(_) if field.ident == unknown => quote! {
                        crate::lossless::carry(&self.#ident, &[#(#dropped),*])
                    },
                    Some(twin) => {
                        let from = &twin.ident;
                        self.convert(quote!(&self.#from), &twin.ty, &field.ty, &field.wire)
                    }
                    None => quote!(::std::default::Default::default()),
                }
            } else {
                match r_fields.iter().find(|t| !t.flatten && t.wire == field.wire) {
                    Some(twin) => {
                        let from = &twin.ident;
                        self.convert(quote!(&self.#from), &twin.ty, &field.ty, &field.wire)
                    }
                    None => absent(field),
                }
            };
            inits.push(quote!(#ident: #value));
        }
        Ok(quote! {
            ::std::result::Result::Ok(#p_name { #(#inits,)* })
        })
    }

    /// One of typify's enums: unit variants by name, the variants of an
    /// untagged union by shape.
    fn enum_body(
        &mut self,
        reply: &str,
        input: &str,
        r: &typeinfo::EnumInfo,
        p: &typeinfo::EnumInfo,
    ) -> TokenStream {
        let pairs: BTreeMap<usize, usize> =
            lossless::pair_variants(self.info, r, p, &self.newtypes)
                .into_iter()
                .collect();
        let (r_ident, p_ident) = (format_ident!("{reply}"), format_ident!("{input}"));
        let arms: Vec<TokenStream> = r
            .variants
            .iter()
            .enumerate()
            .map(|(ri, (variant, held))| {
                let missing = format!("`{reply}::{variant}` has no counterpart in `{input}`");
                match (held, pairs.get(&ri).map(|pi| &p.variants[*pi])) {
                    // What the reply could not read goes back as the input
                    // reads it.
                    (Some(r_ty), _) if lossless::is_json_value(r_ty) => quote! {
                        #r_ident::#variant(__held) => {
                            return crate::lossless::through_json::<_, #p_ident>(__held);
                        }
                    },
                    (None, Some((p_variant, None))) => {
                        quote!(#r_ident::#variant => #p_ident::#p_variant,)
                    }
                    (Some(r_ty), Some((p_variant, Some(p_ty)))) => {
                        let value = self.convert(quote!(__held), r_ty, p_ty, reply);
                        quote!(#r_ident::#variant(__held) => #p_ident::#p_variant(#value),)
                    }
                    (None, _) => quote! {
                        #r_ident::#variant => return crate::lossless::not_sent(#missing),
                    },
                    (Some(_), _) => quote! {
                        #r_ident::#variant(_) => return crate::lossless::not_sent(#missing),
                    },
                }
            })
            .collect();
        quote! {
            ::std::result::Result::Ok(match self {
                #(#arms)*
            })
        }
    }

    /// An expression of type `p` from `expr`, a reference to an `r`, using
    /// `?` for what can fail. `wire` names the field, for errors.
    fn convert(
        &mut self,
        expr: TokenStream,
        r: &syn::Type,
        p: &syn::Type,
        wire: &str,
    ) -> TokenStream {
        if canonical(r) == canonical(p) {
            return quote!(::std::clone::Clone::clone(#expr));
        }
        let (r_opt, p_opt) = (typeinfo::option_inner(r), typeinfo::option_inner(p));
        match (&r_opt, &p_opt) {
            (Some(ri), Some(pi)) => {
                let v = self.fresh("v");
                let inner = self.convert(quote!(#v), ri, pi, wire);
                return quote! {
                    match #expr {
                        ::std::option::Option::Some(#v) => ::std::option::Option::Some(#inner),
                        ::std::option::Option::None => ::std::option::Option::None,
                    }
                };
            }
            (None, Some(pi)) => {
                let inner = self.convert(expr, r, pi, wire);
                return quote!(::std::option::Option::Some(#inner));
            }
            (Some(ri), None) => {
                let v = self.fresh("v");
                let inner = self.convert(quote!(#v), ri, p, wire);
                return quote! {
                    match #expr {
                        ::std::option::Option::Some(#v) => #inner,
                        ::std::option::Option::None => crate::lossless::missing(#wire)?,
                    }
                };
            }
            (None, None) => {}
        }
        if let (Some(ri), Some(pi)) = (typeinfo::vec_inner(r), typeinfo::vec_inner(p)) {
            let (v, out) = (self.fresh("v"), self.fresh("out"));
            let inner = self.convert(quote!(#v), &ri, &pi, wire);
            return quote! {{
                let mut #out = ::std::vec::Vec::with_capacity(::std::vec::Vec::len(#expr));
                for #v in #expr {
                    #out.push(#inner);
                }
                #out
            }};
        }
        if let (Some(ri), Some(pi)) = (lossless::box_inner(r), lossless::box_inner(p)) {
            let inner = self.convert(quote!(&**#expr), &ri, &pi, wire);
            return quote!(::std::boxed::Box::new(#inner));
        }
        let r_name = typeinfo::last_ident(r).map(ToString::to_string);
        let p_name = typeinfo::last_ident(p).map(ToString::to_string);
        if let (Some(r_name), Some(p_name)) = (r_name, p_name) {
            if let Some(inner) = self.newtypes.get(&r_name).cloned() {
                return self.convert(quote!(&(#expr).0), &inner, p, wire);
            }
            if let Some(inner) = self.newtypes.get(&p_name).cloned() {
                let value = self.convert(expr, r, &inner, wire);
                let p_ident = format_ident!("{p_name}");
                return quote!(#p_ident(#value));
            }
            if self.open.contains(&r_name) && self.open.contains(&p_name) {
                let (r_ident, p_ident) = (format_ident!("{r_name}"), format_ident!("{p_name}"));
                return quote!(<#p_ident as ::std::convert::From<&str>>::from(#r_ident::as_str(#expr)));
            }
            // An open set on one side, typify's closed enum of strings on
            // the other (the input accepts fewer values than the reply has).
            if self.open.contains(&r_name) && self.is_unit_enum(&p_name) {
                let (r_ident, p_ident) = (format_ident!("{r_name}"), format_ident!("{p_name}"));
                return quote!(crate::lossless::parse::<#p_ident>(#r_ident::as_str(#expr))?);
            }
            if self.is_unit_enum(&r_name) && self.open.contains(&p_name) {
                let p_ident = format_ident!("{p_name}");
                return quote! {
                    <#p_ident as ::std::convert::From<::std::string::String>>::from(
                        crate::lossless::wire(#expr)?,
                    )
                };
            }
            if self.pairs.contains(&(r_name.clone(), p_name.clone()))
                && self.converts(&r_name, &p_name)
            {
                let (r_ident, p_ident) = (format_ident!("{r_name}"), format_ident!("{p_name}"));
                return quote! {
                    <#r_ident as crate::lossless::SendBack<#p_ident>>::send_back(#expr)?
                };
            }
        }
        self.through_json += 1;
        quote!(crate::lossless::through_json::<_, #p>(#expr)?)
    }

    fn is_unit_enum(&self, name: &str) -> bool {
        matches!(self.info.items.get(name),
            Some(TypeItem::Enum(e)) if e.variants.iter().all(|(_, held)| held.is_none()))
    }

    /// Whether the pair gets a `SendBack` impl of its own.
    fn converts(&self, reply: &str, input: &str) -> bool {
        let both_unions = self.unions.contains_key(reply) && self.unions.contains_key(input);
        let both = |f: fn(&TypeItem) -> bool| {
            matches!((self.info.items.get(reply), self.info.items.get(input)),
                (Some(a), Some(b)) if f(a) && f(b))
        };
        both_unions
            || both(|i| matches!(i, TypeItem::Struct(_)))
            || both(|i| matches!(i, TypeItem::Enum(_)))
    }
}

/// What an input field the reply lacks is: what its decoder makes of an
/// absent field.
fn absent(field: &Field) -> TokenStream {
    match &field.absent {
        Absent::None | Absent::Default => quote!(::std::default::Default::default()),
        Absent::Function(path) => quote!(#path()),
        Absent::Missing => {
            let wire = &field.wire;
            quote!(crate::lossless::missing(#wire)?)
        }
    }
}

fn named(name: &str) -> syn::Type {
    let ident = format_ident!("{name}");
    syn::parse_quote!(#ident)
}

/// A type as text, with the module path typify sometimes writes left out.
fn canonical(ty: &syn::Type) -> String {
    ty.to_token_stream()
        .to_string()
        .replace("crate :: types :: ", "")
}
