//! The generator's model of the API: one value, built once from the
//! normalized spec, describing every operation the crate will have and how
//! it is reached, called and answered. Every emitter reads only this, and a
//! construct it cannot represent is a spec error with a location, never a
//! method quietly left out.

mod body;
mod build;
mod params;
mod response;
mod schemas;

use std::collections::{BTreeMap, BTreeSet};

pub use build::build;

use crate::normalize::{OpenEnum, TaggedUnion};

/// Everything the emitters generate from.
#[derive(Debug, Clone)]
pub struct Api {
    /// The API version, sent as `anthropic-version`.
    pub version: String,
    /// The default server, without a trailing slash.
    pub base_url: String,
    /// The credentials operations authenticate with.
    pub schemes: Vec<SecurityScheme>,
    /// Every resource, intermediate ones (such as `beta`) included, in order.
    pub resources: Vec<Resource>,
    pub operations: Vec<Operation>,
    /// The cargo features that compile groups of operations, in the order
    /// the spec's tags declare them.
    pub features: Vec<Feature>,
    pub open_enums: Vec<OpenEnum>,
    pub tagged_unions: Vec<TaggedUnion>,
    /// What the schemas of object types say beyond their fields' types, by
    /// the Rust type name typify gives them (an inline object's name too).
    pub schemas: BTreeMap<String, SchemaFacts>,
}

/// The facts of one object schema the emitters of request types need.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchemaFacts {
    /// The `required` list, in the spec's order: the order `new` takes them.
    pub required: Vec<String>,
    /// The checks of each property that has any, by its name on the wire.
    pub checks: BTreeMap<String, Checks>,
}

impl Api {
    /// The operations of the resource at `path`.
    pub fn operations_of<'a>(&'a self, path: &'a [String]) -> impl Iterator<Item = &'a Operation> {
        self.operations.iter().filter(move |op| op.resource == path)
    }

    /// The features of the operations at or below the resource at `path`:
    /// what its accessor is compiled under.
    pub fn features_under(&self, path: &[String]) -> BTreeSet<&str> {
        self.operations
            .iter()
            .filter(|op| op.resource.starts_with(path))
            .filter_map(|op| op.feature.as_deref())
            .collect()
    }

    /// The resources directly below `path` (below the client for `[]`).
    pub fn children_of<'a>(&'a self, path: &'a [String]) -> impl Iterator<Item = &'a Resource> {
        self.resources
            .iter()
            .filter(move |r| r.path.len() == path.len() + 1 && r.path.starts_with(path))
    }
}

/// A cargo feature of the generated crate: one group of operations, named
/// by a tag's `x-feature`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    pub name: String,
    /// The features it turns on too (`x-feature-needs`): those whose
    /// runtime it shares.
    pub needs: Vec<String>,
    /// What the group is, from its tag's description.
    pub doc: String,
}

/// The schema every error body decodes as.
pub const ERROR_SCHEMA: &str = "ErrorResponse";

/// The schemas the hand-written runtime names, whatever features are on:
/// error bodies, and the `anthropic-beta` values a client sends by default.
/// They (and what they hold) are compiled under every feature.
pub const RUNTIME_SCHEMAS: &[&str] = &[ERROR_SCHEMA, "AnthropicBeta"];

/// Feature names the crate's manifest defines by hand.
pub const RESERVED_FEATURES: &[&str] = &["default", "full", "rustls", "schemars"];

/// A credential: an API key sent in a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The scheme's name in the spec (`ApiKeyAuth`).
    pub name: String,
    /// The header that carries the key, lower case.
    pub header: String,
    /// The environment variable the key is read from (`x-env`).
    pub env: String,
    pub description: Option<String>,
}

/// A group of operations reached as `client.a().b()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// `["beta", "models"]` for `client.beta().models()`.
    pub path: Vec<String>,
    pub doc: String,
}

impl Resource {
    /// The accessor method that reaches it from its parent.
    pub fn accessor(&self) -> &str {
        self.path.last().map(String::as_str).unwrap_or_default()
    }
}

/// One operation: how it is reached, what it sends, and what it answers.
#[derive(Debug, Clone)]
pub struct Operation {
    pub id: String,
    /// Where it is in the spec, for messages.
    pub pointer: String,
    /// The resource it belongs to (`["messages", "batches"]`).
    pub resource: Vec<String>,
    /// Its method on the resource (`list`).
    pub method_name: String,
    /// Upper case (`GET`).
    pub http_method: String,
    /// The path below the base URL, in pieces.
    pub path: Vec<PathPart>,
    /// A literal query the path key carries (`?beta=true`), sent first.
    pub fixed_query: Vec<(String, String)>,
    pub params: Vec<Param>,
    pub body: Body,
    pub response: Response,
    pub pagination: Pagination,
    /// The scheme it authenticates with (an index into [`Api::schemes`]);
    /// `None` when it needs no credential.
    pub security: Option<usize>,
    /// Reached through the beta surface (`client.beta()`, `?beta=true`).
    pub beta: bool,
    /// The `anthropic-beta` values it sends by default (`x-default-betas`).
    pub default_betas: Vec<String>,
    /// The cargo feature it is compiled under; `None` when the spec names
    /// no features, and everything is compiled.
    pub feature: Option<String>,
    pub docs: Docs,
}

impl Operation {
    /// The path parameters, in the order the path names them.
    pub fn path_params(&self) -> impl Iterator<Item = &Param> {
        self.path.iter().filter_map(|part| match part {
            PathPart::Param(name) => self.params.iter().find(|p| &p.name == name),
            PathPart::Literal(_) => None,
        })
    }

    /// The parameters set through setters: every one but the path's.
    pub fn setter_params(&self) -> impl Iterator<Item = &Param> {
        self.params
            .iter()
            .filter(|p| p.location != ParamLocation::Path)
    }

    /// The spec path as written (`/v1/models/{model_id}`), for docs.
    pub fn path_template(&self) -> String {
        self.path
            .iter()
            .map(|part| match part {
                PathPart::Literal(text) => text.clone(),
                PathPart::Param(name) => format!("{{{name}}}"),
            })
            .collect()
    }
}

/// The text the operation's documentation is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Docs {
    pub summary: String,
    pub description: String,
    /// The reference page.
    pub url: String,
}

/// A piece of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Literal(String),
    /// A path parameter, by its name in the spec.
    Param(String),
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

/// A path, query or header parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// As sent (`anthropic-beta`).
    pub name: String,
    /// Its setter and field (`anthropic_beta`).
    pub rust_name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: ValueType,
    pub description: String,
    pub checks: Checks,
}

/// The Rust type a parameter (or a form field) holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueType {
    String,
    /// A whole number; unsigned when the spec rules out negatives.
    Integer {
        unsigned: bool,
    },
    Number,
    Boolean,
    /// An RFC 3339 timestamp (`format: date-time`).
    DateTime,
    /// A calendar day, `YYYY-MM-DD` (`format: date`).
    Date,
    /// A named schema of the spec that reads and writes as a string (an
    /// open set, a closed enum), by its Rust type name.
    Named(String),
    /// Several values: a query parameter repeated, a header joined by commas.
    List(Box<ValueType>),
}

/// The constraints the spec states that are checked before sending.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checks {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    /// A path parameter must stay one non-empty, non-dot segment.
    pub path_segment: bool,
}

/// What a request sends as its body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    None,
    /// A JSON document of the named schema.
    Json(JsonBody),
    /// `multipart/form-data` with these fields.
    Multipart(MultipartBody),
}

#[derive(Debug, Clone, PartialEq)]
pub struct JsonBody {
    /// The schema's name in the spec.
    pub schema: String,
    /// Its Rust type name.
    pub type_name: String,
    pub description: String,
    /// The body has a boolean `stream` property that asks for events.
    pub stream_flag: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MultipartBody {
    pub description: String,
    pub fields: Vec<FormField>,
}

/// One field of a multipart form.
#[derive(Debug, Clone, PartialEq)]
pub struct FormField {
    /// The part's name as sent (`files[]`).
    pub name: String,
    pub rust_name: String,
    pub kind: FormFieldKind,
    pub required: bool,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FormFieldKind {
    /// A text part.
    Text(ValueType),
    /// One file.
    File,
    /// Any number of files, each a part of the same name.
    Files,
}

/// What a successful answer holds and how it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// JSON of the named type.
    Json(String),
    /// JSON of the first type, or server-sent events of the second when the
    /// body's `stream` flag asks for them.
    JsonOrEvents { json: String, event: String },
    /// JSON Lines, one value of the named type per line.
    JsonLines(String),
    /// Raw bytes.
    Binary,
    /// Nothing worth reading.
    Empty,
}

/// How a list operation pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pagination {
    None,
    /// `after_id`/`before_id` in; `data`, `first_id`, `last_id`, `has_more` out.
    Cursor {
        page: String,
        item: String,
        first_id_optional: bool,
        last_id_optional: bool,
        /// A page may leave `has_more` out: more pages are then looked for
        /// while pages are not empty.
        has_more_optional: bool,
    },
    /// `page` in; `data`, `next_page`, `has_more` out.
    PageToken {
        page: String,
        item: String,
        next_page_optional: bool,
        has_more_optional: bool,
    },
}

impl Pagination {
    /// The page type and item type, for a paged operation.
    pub fn page_and_item(&self) -> Option<(&str, &str)> {
        match self {
            Pagination::None => None,
            Pagination::Cursor { page, item, .. } | Pagination::PageToken { page, item, .. } => {
                Some((page, item))
            }
        }
    }
}

/// Names a request type's own methods take; a parameter named so would
/// collide with them.
pub const RESERVED_SETTERS: &[&str] = &[
    "timeout",
    "max_retries",
    "header",
    "options",
    "send",
    "pages",
    "items",
    "new",
];

/// Every resource path the operations need, intermediate ones included.
pub(crate) fn resource_paths(operations: &[Operation]) -> BTreeSet<Vec<String>> {
    let mut paths = BTreeSet::new();
    for op in operations {
        for depth in 1..=op.resource.len() {
            paths.insert(op.resource[..depth].to_vec());
        }
    }
    paths
}

#[cfg(test)]
mod tests;
