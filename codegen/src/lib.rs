//! Generates the `anthropic-client` crate from the OpenAPI spec.
//!
//! The work is a pipeline of passes, one module each:
//! [`load`] reads the YAML, [`validate`] applies the project's rules,
//! [`normalize`] reshapes what progenitor cannot handle, `raw` runs
//! progenitor, `open_enums`, `unions`, `conversions`, `meta` and `resources` add what
//! progenitor lacks, `format` pretty-prints, and [`emit`] writes (or checks) the files.
//! Nothing touches the disk until every pass has succeeded.

mod conversions;
pub mod emit;
mod error;
mod format;
pub mod load;
mod meta;
pub mod normalize;
mod open_enums;
mod raw;
mod resources;
mod unions;
pub mod validate;

use std::path::{Path, PathBuf};
use std::time::Instant;

pub use emit::GeneratedFile;
pub use error::{Error, Location, SpecProblem};

/// What one generation produced.
#[derive(Debug, Clone)]
pub struct Output {
    pub files: Vec<GeneratedFile>,
    pub stats: Stats,
}

/// Figures for the one-line summary.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub operations: usize,
    pub types: usize,
    pub lines: usize,
    pub millis: u128,
}

/// Generates the crate's files from the spec at `spec_path`. `spec_label` is
/// how the `@generated` header names the spec (a path relative to the repo).
pub fn generate(spec_path: &Path, spec_label: &str) -> Result<Output, Error> {
    let started = Instant::now();
    let spec = load::load(spec_path)?;
    generate_loaded(&spec, spec_label, started)
}

/// Like [`generate`], from spec text already in memory (`path` names it in errors).
pub fn generate_from_str(path: &Path, text: &str, spec_label: &str) -> Result<Output, Error> {
    let started = Instant::now();
    let spec = load::parse(path, text.to_string())?;
    generate_loaded(&spec, spec_label, started)
}

fn generate_loaded(
    spec: &load::LoadedSpec,
    label: &str,
    started: Instant,
) -> Result<Output, Error> {
    validate::validate(spec)?;
    let normalized = normalize::normalize(spec)?;
    let raw = raw::generate(&normalized)?;
    let resources = resources::generate(spec, &raw.file)?;
    let open_enums = format::parse("open_enums", open_enums::generate(&normalized.open_enums))?;
    let unions = format::parse("unions", unions::generate(&normalized.tagged_unions))?;
    let conversions = format::parse("conversions", conversions::generate(&raw.file))?;
    let meta = format::parse("meta", meta::generate(spec)?)?;
    let resources_file = format::parse("resources", resources.tokens)?;
    let module = format::parse("mod", module_tokens())?;

    let files: Vec<GeneratedFile> = [
        ("conversions.rs", &conversions),
        ("mod.rs", &module),
        ("meta.rs", &meta),
        ("open_enums.rs", &open_enums),
        ("raw.rs", &raw.file),
        ("resources.rs", &resources_file),
        ("unions.rs", &unions),
    ]
    .into_iter()
    .map(|(name, file)| GeneratedFile {
        path: PathBuf::from(name),
        contents: format::format_file(file, label),
    })
    .collect();
    let lines = files.iter().map(|f| f.contents.lines().count()).sum();
    Ok(Output {
        stats: Stats {
            operations: resources.operations,
            types: raw.type_count + normalized.open_enums.len() + normalized.tagged_unions.len(),
            lines,
            millis: started.elapsed().as_millis(),
        },
        files,
    })
}

fn module_tokens() -> proc_macro2::TokenStream {
    quote::quote! {
        //! Code generated from the spec, one module per generator pass.

        pub mod conversions;
        pub mod meta;
        pub mod open_enums;
        /// Progenitor's client: every operation as a builder, and every schema
        /// as a type. The crate's public API wraps it.
        #[allow(clippy::all, missing_docs, unused_imports, dead_code, rustdoc::all)]
        pub mod raw;
        pub mod resources;
        pub mod unions;
    }
}
