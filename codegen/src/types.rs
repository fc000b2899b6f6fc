//! Pass: the API's types, from progenitor's type generator (typify) run on
//! the normalized spec's schemas. Operations are the model's business, so
//! progenitor sees no paths; what it lacks for the types (open sets, tagged
//! unions) is replaced by the types the open-enum and union emitters write.

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};

use openapiv3::{ReferenceOr, SchemaKind, Type};

use crate::error::Error;
use crate::normalize::Normalized;
use crate::spec;

pub struct TypesOutput {
    pub file: syn::File,
    pub type_count: usize,
}

pub fn generate(normalized: &Normalized) -> Result<TypesOutput, Error> {
    let mut settings = GenerationSettings::default();
    settings
        // No builder per struct: they were 42% of the generated lines and a
        // fifth of the build, and the constructors emitter writes `new` and
        // setters for every request type, and a builder for the few types
        // with more required fields than `new` takes.
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        .with_derive("PartialEq");
    for e in &normalized.open_enums {
        settings.with_replacement(
            &e.name,
            format!("crate::types::{}", e.name),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    for union in &normalized.tagged_unions {
        settings.with_replacement(
            &union.name,
            format!("crate::types::{}", union.name),
            std::iter::empty(),
        );
    }
    let mut api = normalized.api.clone();
    api.paths = Default::default();
    // Bounds are checked before sending (see the validation emitter); left
    // in, they make typify pick `NonZeroU64` for an integer bounded at 1 and
    // a newtype for a string of bounded length, types that a literal such as
    // `1024` or `"alice"` does not convert into.
    if let Some(components) = &mut api.components {
        for schema in components.schemas.values_mut() {
            if let ReferenceOr::Item(schema) = schema {
                spec::for_each_schema(schema, &mut |schema| match &mut schema.schema_kind {
                    SchemaKind::Type(Type::Integer(integer)) => {
                        integer.minimum = None;
                        integer.maximum = None;
                    }
                    SchemaKind::Type(Type::String(string)) => {
                        string.min_length = None;
                        string.max_length = None;
                    }
                    _ => {}
                });
            }
        }
    }
    let mut generator = Generator::new(&settings);
    generator
        .generate_tokens(&api)
        .map_err(|e| Error::Progenitor(e.to_string()))?;
    let types = generator.get_type_space();
    let mut file = syn::parse2(types.to_stream()).map_err(|e| Error::Syntax {
        pass: "types",
        message: e.to_string(),
    })?;
    document_variants(&mut file);
    trim_tag_enums(&mut file);
    read_absent_nullables_as_null(&mut file);
    keep_unknown_reply_shapes(&mut file, &reply_unions(&normalized.api));
    Ok(TypesOutput {
        file,
        type_count: types.iter_types().count(),
    })
}

/// Typify leaves the variants of a string enum without docs; each gets its
/// value on the wire as its doc line.
fn document_variants(file: &mut syn::File) {
    for item in &mut file.items {
        let syn::Item::Enum(e) = item else { continue };
        for variant in &mut e.variants {
            if variant.attrs.iter().any(|a| a.path().is_ident("doc")) {
                continue;
            }
            let wire = crate::typeinfo::serde_rename(&variant.attrs)
                .unwrap_or_else(|| variant.ident.to_string());
            let doc = format!("`{wire}`");
            variant.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
        }
    }
}

/// A string enum of one value (a tag such as `type: "text"`, or a name an
/// input allows only one of) is implied by its type, so typify's
/// conversions to and from strings (`Display`, `FromStr`, `TryFrom<&str>`,
/// `TryFrom<String>`) say nothing a program needs, and there are four of
/// them for each of some 270 such enums: a thousand impls that every build
/// type-checked and compiled. Enums of several values keep them.
fn trim_tag_enums(file: &mut syn::File) {
    let tags: std::collections::BTreeSet<syn::Ident> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Enum(e)
                if e.variants.len() == 1
                    && e.variants
                        .iter()
                        .all(|v| matches!(v.fields, syn::Fields::Unit)) =>
            {
                Some(e.ident.clone())
            }
            _ => None,
        })
        .collect();
    let is_string_conversion = |item: &syn::ItemImpl| {
        let Some((_, path, _)) = &item.trait_ else {
            return false;
        };
        let Some(last) = path.segments.last() else {
            return false;
        };
        let self_is_tag = matches!(&*item.self_ty, syn::Type::Path(p)
            if p.qself.is_none() && p.path.get_ident().is_some_and(|i| tags.contains(i)));
        self_is_tag
            && ["Display", "FromStr", "TryFrom"]
                .iter()
                .any(|t| last.ident == t)
    };
    file.items.retain(|item| match item {
        syn::Item::Impl(i) => !is_string_conversion(i),
        _ => true,
    });
}

/// Typify makes a required nullable field (a request field the API wants
/// sent, `null` included) fail to decode when it is absent. A reply writes
/// its nullable fields absent when null, and a reply block goes back as its
/// input twin through JSON (`to_param`): a citation without a document
/// title, or a failed compaction, could not be sent back. Such a field now
/// reads absent as `null`; it is still always sent.
fn read_absent_nullables_as_null(file: &mut syn::File) {
    let required_nullable: syn::Attribute =
        syn::parse_quote!(#[serde(deserialize_with = "::std::option::Option::deserialize")]);
    let required_nullable = quote::ToTokens::to_token_stream(&required_nullable).to_string();
    for item in &mut file.items {
        let syn::Item::Struct(s) = item else { continue };
        for field in s.fields.iter_mut() {
            for attr in &mut field.attrs {
                if quote::ToTokens::to_token_stream(attr).to_string() == required_nullable {
                    *attr = syn::parse_quote!(#[serde(default)]);
                }
            }
        }
    }
}

/// The untagged unions (typify's, a string or a list or an object, told
/// apart by shape) that only replies hold: the named `oneOf` schemas no
/// request reaches, and those written inline in such a schema's property,
/// which typify names `<Schema><Property>`.
fn reply_unions(api: &openapiv3::OpenAPI) -> std::collections::BTreeSet<String> {
    let requested = crate::normalize::request_schemas(api);
    let mut out = std::collections::BTreeSet::new();
    let Some(components) = &api.components else {
        return out;
    };
    let is_union =
        |kind: &SchemaKind| matches!(kind, SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. });
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        if requested.contains(name) {
            continue;
        }
        if is_union(&schema.schema_kind) {
            out.insert(spec::type_name(name));
        }
        if let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind {
            for (property, schema) in &object.properties {
                if let ReferenceOr::Item(schema) = schema {
                    if is_union(&schema.schema_kind) {
                        out.insert(format!(
                            "{}{}",
                            spec::type_name(name),
                            spec::type_name(property)
                        ));
                    }
                }
            }
        }
    }
    out
}

/// A reply's untagged union fails the whole reply on a shape it does not
/// list (a new kind of error, or of item, in a server tool's result). Each
/// gets an `Other` variant, tried last, that keeps such a shape as raw JSON
/// and writes it back unchanged, as the tagged unions' `Other` does.
fn keep_unknown_reply_shapes(file: &mut syn::File, unions: &std::collections::BTreeSet<String>) {
    for item in &mut file.items {
        let syn::Item::Enum(e) = item else { continue };
        if !unions.contains(&e.ident.to_string()) {
            continue;
        }
        let untagged = crate::typeinfo::serde_flag(&e.attrs, "untagged");
        if !untagged || e.variants.iter().any(|v| v.ident == "Other") {
            continue;
        }
        e.variants.push(syn::parse_quote! {
            /// A shape not known when this crate was generated, as raw JSON.
            Other(::serde_json::Value)
        });
        e.attrs.push(syn::parse_quote!(#[non_exhaustive]));
    }
}
