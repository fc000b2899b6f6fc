//! Generates the `anthropic-client` crate from the OpenAPI spec.
//!
//! The work is a pipeline: [`load`] reads the YAML, [`validate`] applies
//! the project's rules, [`normalize`] reshapes what progenitor cannot
//! handle, [`model`] builds the one description of every operation that
//! the emitters read, `types` runs progenitor's type generator on the
//! schemas, `timestamps` gives its date-time fields the runtime's fast
//! decoder, `lossless` makes the types a reply is sent back through keep
//! the fields they do not know, `decoders` gives the other structs and enums of strings
//! decoders that share their machine code, `send_back` converts each reply type into its input twin, the emitters in `render` write the rest (resources, requests,
//! open sets, unions, conversions, meta), `format` pretty-prints, and
//! [`emit`] writes (or checks) the files. Nothing touches the disk until
//! every pass has succeeded.

mod decoders;
pub mod diff;
pub mod emit;
mod error;
mod exhaustive;
mod features;
mod format;
mod lean_derives;
pub mod load;
mod lossless;
pub mod model;
pub mod normalize;
mod render;
mod send_back;
pub mod spec;
mod timestamps;
mod typeinfo;
mod types;
mod untagged;
pub mod validate;

use std::path::{Path, PathBuf};
use std::time::Instant;

pub use emit::GeneratedFile;
pub use error::{Error, Location, SpecProblem};

/// What one generation produced.
#[derive(Debug, Clone)]
pub struct Output {
    pub files: Vec<GeneratedFile>,
    /// The crate manifest's `[features]` lines for the spec's groups, to
    /// go between its markers (see [`emit::splice_manifest`]).
    pub manifest_features: String,
    pub stats: Stats,
}

/// Figures for the one-line summary.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub operations: usize,
    pub types: usize,
    pub lines: usize,
    pub millis: u128,
    /// Pairs of a reply type and its input twin that `to_param()` converts
    /// through JSON, because the generator could not relate them field by
    /// field (each costs that input type's decoder in the crate).
    pub send_back_through_json: usize,
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
    let model = build_model(spec)?;
    let mut types = types::generate(&model.normalized)?;
    timestamps::apply(&mut types.file);
    // The lossless pass adds a field that the constructors and setters then
    // see like any other, so the types are read again after it.
    let info = typeinfo::TypeInfo::read(&types.file)?;
    let pairs = lossless::apply(&mut types.file, &info, &model.api.tagged_unions)?;
    decoders::apply(&mut types.file)?;
    lean_derives::apply(&mut types.file)?;
    let info = typeinfo::TypeInfo::read(&types.file)?;
    exhaustive::mark(&mut types.file, &info);
    let api = &model.api;
    let send_back = send_back::generate(
        &types.file,
        &info,
        &api.tagged_unions,
        &api.open_enums,
        &pairs,
    )?;
    let validated = render::validation::validated_types(api, &info)?;
    let files = [
        (
            "constructors.rs",
            render::constructors::generate(api, &info)?,
        ),
        ("conversions.rs", render::conversions::generate(&types.file)),
        ("meta.rs", render::meta::generate(api)),
        ("mod.rs", module_tokens()),
        (
            "open_enums.rs",
            render::open_enums::generate(&api.open_enums),
        ),
        ("requests.rs", render::requests::generate(api, &validated)),
        ("resources.rs", render::resources::generate(api)),
        ("send_back.rs", send_back.tokens),
        ("unions.rs", render::unions::generate(&api.tagged_unions)),
        (
            "validation.rs",
            render::validation::generate(api, &info, &validated),
        ),
    ];
    let mut parsed = Vec::new();
    for (name, tokens) in files {
        parsed.push((name, format::parse(name, tokens)?));
    }
    parsed.push(("types.rs", types.file));
    parsed.sort_by(|a, b| a.0.cmp(b.0));
    let plan = features::plan(api, &parsed);
    for (_, file) in &mut parsed {
        plan.apply(file);
    }
    let files: Vec<GeneratedFile> = parsed
        .into_iter()
        .map(|(name, file)| GeneratedFile {
            path: PathBuf::from(name),
            contents: format::format_file(&file, label),
        })
        .collect();
    let lines = files.iter().map(|f| f.contents.lines().count()).sum();
    Ok(Output {
        stats: Stats {
            operations: api.operations.len(),
            types: types.type_count + api.open_enums.len() + api.tagged_unions.len(),
            lines,
            millis: started.elapsed().as_millis(),
            send_back_through_json: send_back.through_json,
        },
        files,
        manifest_features: features::manifest_section(api),
    })
}

/// The model of a spec, with the normalized spec it was built from.
pub struct Model {
    pub api: model::Api,
    pub normalized: normalize::Normalized,
}

/// Validates and normalizes `spec` and builds its model.
pub fn build_model(spec: &load::LoadedSpec) -> Result<Model, Error> {
    validate::validate(spec)?;
    let normalized = normalize::normalize(spec)?;
    let api = model::build(spec, &normalized)?;
    Ok(Model { api, normalized })
}

fn module_tokens() -> proc_macro2::TokenStream {
    quote::quote! {
        //! Code generated from the spec, one module per emitter.

        pub mod constructors;
        pub mod conversions;
        pub mod meta;
        pub mod open_enums;
        pub mod requests;
        pub mod resources;
        pub mod send_back;
        /// The types of the spec's schemas, written by progenitor's type
        /// generator; `crate::types` re-exports them.
        #[allow(clippy::all, missing_docs, unused_imports, dead_code, rustdoc::all)]
        pub mod types;
        pub mod unions;
        pub mod validation;
    }
}
