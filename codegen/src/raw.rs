//! Pass: progenitor, in builder style, on the normalized spec. Its output
//! is the low-level client every higher layer calls into.

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::quote;

use crate::error::Error;
use crate::normalize::Normalized;

pub struct RawOutput {
    pub file: syn::File,
    pub type_count: usize,
}

pub fn generate(normalized: &Normalized) -> Result<RawOutput, Error> {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // Our `ClientHooks` impl adds auth, retries and timeouts; `Expected`
        // makes its absence a compile error instead of a silent no-op.
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(crate::transport::Transport))
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
    for list in &normalized.header_lists {
        settings.with_replacement(
            &list.name,
            format!("crate::CommaSeparated<crate::types::{}>", list.item),
            [TypeImpl::Display, TypeImpl::Default].into_iter(),
        );
    }
    let mut generator = Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&normalized.api)
        .map_err(|e| Error::Progenitor(e.to_string()))?;
    let type_count = generator.get_type_space().iter_types().count();
    let file = syn::parse2(tokens).map_err(|e| Error::Syntax {
        pass: "raw",
        message: e.to_string(),
    })?;
    Ok(RawOutput { file, type_count })
}
