//! Pass: the API's types, from progenitor's type generator (typify) run on
//! the normalized spec's schemas. Operations are the model's business, so
//! progenitor sees no paths; what it lacks for the types (open sets, tagged
//! unions) is replaced by the types the open-enum and union emitters write.

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};

use crate::error::Error;
use crate::normalize::Normalized;

pub struct TypesOutput {
    pub file: syn::File,
    pub type_count: usize,
}

pub fn generate(normalized: &Normalized) -> Result<TypesOutput, Error> {
    let mut settings = GenerationSettings::default();
    settings
        // Builder style gives every struct a builder.
        .with_interface(InterfaceStyle::Builder)
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
    let mut generator = Generator::new(&settings);
    generator
        .generate_tokens(&api)
        .map_err(|e| Error::Progenitor(e.to_string()))?;
    let types = generator.get_type_space();
    let file = syn::parse2(types.to_stream()).map_err(|e| Error::Syntax {
        pass: "types",
        message: e.to_string(),
    })?;
    Ok(TypesOutput {
        file,
        type_count: types.iter_types().count(),
    })
}
