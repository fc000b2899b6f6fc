//! Pass: the public API. Each tag becomes a resource (`client.models()`,
//! `client.beta().models()`), each operation a method on it that returns a
//! request builder wrapping progenitor's, with the spec's documentation, the
//! client-side checks the spec implies, `send()` returning the crate's own
//! `Response` and `Error`, and auto-pagination for cursor-paged lists.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::{
    OpenAPI, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};

use crate::error::Error;
use crate::load::LoadedSpec;
use crate::validate::operations;

/// What the resource pass learned about one operation.
struct Op<'s> {
    id: String,
    tag: Vec<String>,
    method_name: String,
    builder: String,
    op: &'s Operation,
    params: Vec<Param>,
    page: Option<PageInfo>,
    /// Progenitor's `body` setter, for operations with a body.
    body: Option<syn::ImplItemFn>,
    /// The event type, for operations that can answer with server-sent events.
    stream_event: Option<String>,
    /// The body has the `stream` flag that picks server-sent events.
    stream_flag: bool,
    http_method: String,
    path: String,
}

struct Param {
    api_name: String,
    rust_name: String,
    description: Option<String>,
    path: bool,
    minimum: Option<f64>,
    maximum: Option<f64>,
}

#[derive(Clone, Copy)]
enum Via {
    Client,
    Parent,
}

struct PageInfo {
    response: String,
    item: String,
    first_nullable: bool,
    last_nullable: bool,
}

pub struct ResourcesOutput {
    pub tokens: TokenStream,
    pub operations: usize,
}

pub fn generate(spec: &LoadedSpec, raw: &syn::File) -> Result<ResourcesOutput, Error> {
    let builders = raw_builders(raw);
    let mut ops = Vec::new();
    for (_, path, method, op) in operations(&spec.api) {
        ops.push(describe(&spec.api, op, &builders, method, path)?);
    }
    let tags: BTreeMap<&str, Option<&str>> = spec
        .api
        .tags
        .iter()
        .map(|t| (t.name.as_str(), t.description.as_deref()))
        .collect();

    // Every resource path, including intermediate ones such as `beta`.
    let mut resources: BTreeSet<Vec<String>> = BTreeSet::new();
    for op in &ops {
        for depth in 1..=op.tag.len() {
            resources.insert(op.tag[..depth].to_vec());
        }
    }

    let root_methods = resources
        .iter()
        .filter(|path| path.len() == 1)
        .map(|path| accessor(path, &tags, Via::Client));
    let resource_items = resources.iter().map(|path| {
        let ident = resource_ident(path);
        let doc = resource_doc(path, &tags);
        let children = resources
            .iter()
            .filter(|child| child.len() == path.len() + 1 && child.starts_with(path))
            .map(|child| accessor(child, &tags, Via::Parent));
        let methods = ops
            .iter()
            .filter(|op| &op.tag == path)
            .map(operation_method);
        quote! {
            #[doc = #doc]
            #[derive(Clone, Copy, Debug)]
            pub struct #ident<'a> {
                client: &'a crate::Client,
            }

            impl<'a> #ident<'a> {
                #(#children)*
                #(#methods)*
            }
        }
    });
    let requests = ops
        .iter()
        .map(|op| request_impl(op, &builders))
        .collect::<Result<Vec<_>, _>>()?;

    // Two list operations may share a page type; it gets one impl.
    let page_impls: BTreeMap<&str, TokenStream> = ops
        .iter()
        .filter_map(|op| op.page.as_ref())
        .map(|page| (page.response.as_str(), page_impl(page)))
        .collect();
    let page_impls = page_impls.values();

    let tokens = quote! {
        //! Resources and request builders, one per operation in the spec.
        #![allow(clippy::needless_lifetimes)]

        #[allow(unused_imports)]
        use crate::types;
        use crate::generated::raw::builder;

        impl crate::Client {
            #(#root_methods)*
        }

        #(#resource_items)*

        #(#requests)*

        #(#page_impls)*
    };
    Ok(ResourcesOutput {
        tokens,
        operations: ops.len(),
    })
}

/// Progenitor's builder structs and the methods they offer, by name.
fn raw_builders(raw: &syn::File) -> BTreeMap<String, Vec<syn::ImplItemFn>> {
    let mut out: BTreeMap<String, Vec<syn::ImplItemFn>> = BTreeMap::new();
    for item in &raw.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        if module.ident != "builder" {
            continue;
        }
        for item in module.content.iter().flat_map(|(_, items)| items) {
            let syn::Item::Impl(imp) = item else {
                continue;
            };
            let syn::Type::Path(path) = imp.self_ty.as_ref() else {
                continue;
            };
            let Some(last) = path.path.segments.last() else {
                continue;
            };
            let fns = imp.items.iter().filter_map(|i| match i {
                syn::ImplItem::Fn(f) => Some(f.clone()),
                _ => None,
            });
            out.entry(last.ident.to_string()).or_default().extend(fns);
        }
    }
    out
}

fn describe<'s>(
    api: &'s OpenAPI,
    op: &'s Operation,
    builders: &BTreeMap<String, Vec<syn::ImplItemFn>>,
    http_method: String,
    path: String,
) -> Result<Op<'s>, Error> {
    let id = op.operation_id.clone().unwrap_or_default();
    let tag_name = op.tags.first().cloned().unwrap_or_default();
    let prefix = format!("{}_", tag_name.replace('-', "_"));
    let method_name = id.strip_prefix(&prefix).unwrap_or(&id).to_string();
    let builder = id.to_upper_camel_case();
    if !builders.contains_key(&builder) {
        return Err(Error::Progenitor(format!(
            "progenitor generated no builder `{builder}` for operation `{id}`"
        )));
    }
    let params = op
        .parameters
        .iter()
        .filter_map(|p| resolve_parameter(api, p))
        .map(|p| {
            let data = p.parameter_data_ref();
            let (minimum, maximum) = match &data.format {
                ParameterSchemaOrContent::Schema(s) => bounds(api, s),
                _ => (None, None),
            };
            Param {
                api_name: data.name.clone(),
                rust_name: data.name.to_snake_case(),
                description: data.description.clone(),
                path: matches!(p, Parameter::Path { .. }),
                minimum,
                maximum,
            }
        })
        .collect::<Vec<_>>();
    let page = page_info(api, op, &params);
    let body = builders
        .get(&builder)
        .and_then(|fns| fns.iter().find(|f| f.sig.ident == "body"))
        .cloned();
    Ok(Op {
        id,
        tag: tag_name.split('-').map(str::to_string).collect(),
        method_name,
        builder,
        op,
        params,
        page,
        body,
        stream_event: stream_event(api, op),
        stream_flag: body_has_property(api, op, "stream"),
        http_method,
        path,
    })
}

/// The schema of the events, when the 200 response can be `text/event-stream`.
fn stream_event(api: &OpenAPI, op: &Operation) -> Option<String> {
    let (name, _) = ok_schema(api, op, "text/event-stream")?;
    Some(name.to_upper_camel_case())
}

/// Whether the JSON request body has the property `name`.
fn body_has_property(api: &OpenAPI, op: &Operation, name: &str) -> bool {
    let Some(ReferenceOr::Item(body)) = &op.request_body else {
        return false;
    };
    let Some(schema) = body
        .content
        .get("application/json")
        .and_then(|m| m.schema.as_ref())
    else {
        return false;
    };
    matches!(
        resolve_schema(api, schema).map(|(_, s)| &s.schema_kind),
        Some(SchemaKind::Type(Type::Object(object))) if object.properties.contains_key(name)
    )
}

/// The named schema of the 200 response in `media_type`.
fn ok_schema<'a>(
    api: &'a OpenAPI,
    op: &'a Operation,
    media_type: &str,
) -> Option<(&'a str, &'a Schema)> {
    let response = match op
        .responses
        .responses
        .get(&openapiv3::StatusCode::Code(200))?
    {
        ReferenceOr::Item(r) => r,
        ReferenceOr::Reference { .. } => return None,
    };
    let schema = response.content.get(media_type)?.schema.as_ref()?;
    match resolve_schema(api, schema)? {
        (Some(name), schema) => Some((name, schema)),
        (None, _) => None,
    }
}

fn resolve_parameter<'a>(api: &'a OpenAPI, p: &'a ReferenceOr<Parameter>) -> Option<&'a Parameter> {
    match p {
        ReferenceOr::Item(p) => Some(p),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/parameters/")?;
            match api.components.as_ref()?.parameters.get(name)? {
                ReferenceOr::Item(p) => Some(p),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

fn resolve_schema<'a>(
    api: &'a OpenAPI,
    s: &'a ReferenceOr<Schema>,
) -> Option<(Option<&'a str>, &'a Schema)> {
    match s {
        ReferenceOr::Item(s) => Some((None, s)),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/schemas/")?;
            match api.components.as_ref()?.schemas.get(name)? {
                ReferenceOr::Item(s) => Some((Some(name), s)),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

fn bounds(api: &OpenAPI, s: &ReferenceOr<Schema>) -> (Option<f64>, Option<f64>) {
    match resolve_schema(api, s).map(|(_, s)| &s.schema_kind) {
        Some(SchemaKind::Type(Type::Integer(i))) => {
            (i.minimum.map(|v| v as f64), i.maximum.map(|v| v as f64))
        }
        Some(SchemaKind::Type(Type::Number(n))) => (n.minimum, n.maximum),
        _ => (None, None),
    }
}

/// A list operation is cursor-paged when it takes `after_id` and `before_id`
/// and answers `{data: [...], first_id, last_id, has_more}`.
fn page_info(api: &OpenAPI, op: &Operation, params: &[Param]) -> Option<PageInfo> {
    let has = |name: &str| params.iter().any(|p| p.api_name == name);
    if !(has("after_id") && has("before_id")) {
        return None;
    }
    let (name, schema) = ok_schema(api, op, "application/json")?;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    let prop = |n: &str| -> Option<&Schema> {
        match object.properties.get(n)? {
            ReferenceOr::Item(s) => Some(s.as_ref()),
            ReferenceOr::Reference { .. } => None,
        }
    };
    let nullable = |n: &str| {
        prop(n).is_some_and(|s| s.schema_data.nullable) || !object.required.iter().any(|r| r == n)
    };
    prop("has_more")?;
    prop("first_id")?;
    prop("last_id")?;
    let SchemaKind::Type(Type::Array(array)) = &prop("data")?.schema_kind else {
        return None;
    };
    let item = match array.items.as_ref()? {
        ReferenceOr::Reference { reference } => reference.strip_prefix("#/components/schemas/")?,
        ReferenceOr::Item(_) => return None,
    };
    Some(PageInfo {
        response: name.to_upper_camel_case(),
        item: item.to_upper_camel_case(),
        first_nullable: nullable("first_id"),
        last_nullable: nullable("last_id"),
    })
}

fn resource_ident(path: &[String]) -> syn::Ident {
    format_ident!("{}", path.join("_").to_upper_camel_case())
}

fn resource_doc(path: &[String], tags: &BTreeMap<&str, Option<&str>>) -> String {
    let name = path.join("-");
    match tags.get(name.as_str()).copied().flatten() {
        Some(doc) => doc.to_string(),
        None => format!("Operations under `{}`.", path.join(".")),
    }
}

/// The method that reaches the resource at `path`: on the client itself
/// (`Via::Client`) or on its parent resource (`Via::Parent`).
fn accessor(path: &[String], tags: &BTreeMap<&str, Option<&str>>, via: Via) -> TokenStream {
    let ident = resource_ident(path);
    let method = format_ident!("{}", path.last().map(String::as_str).unwrap_or_default());
    let doc = resource_doc(path, tags);
    let (client, lifetime) = match via {
        Via::Client => (quote!(self), quote!('_)),
        Via::Parent => (quote!(self.client), quote!('a)),
    };
    quote! {
        #[doc = #doc]
        pub fn #method(&self) -> #ident<#lifetime> {
            #ident { client: #client }
        }
    }
}

fn operation_doc(op: &Op) -> String {
    let mut doc = String::new();
    if let Some(summary) = &op.op.summary {
        doc.push_str(summary);
        doc.push_str(".\n\n");
    }
    if let Some(description) = &op.op.description {
        doc.push_str(description.trim());
        doc.push_str("\n\n");
    }
    if let Some(docs) = &op.op.external_docs {
        doc.push_str(&format!("Reference: <{}>", docs.url));
    }
    doc
}

fn request_alias(op: &Op) -> syn::Ident {
    format_ident!("{}Request", op.builder)
}

fn operation_method(op: &Op) -> TokenStream {
    let method = format_ident!("{}", op.method_name);
    let alias = request_alias(op);
    let builder = format_ident!("{}", op.builder);
    let doc = operation_doc(op);
    let path_params: Vec<_> = op.params.iter().filter(|p| p.path).collect();
    let arg_idents: Vec<_> = path_params
        .iter()
        .map(|p| format_ident!("{}", p.rust_name))
        .collect();
    let generics: Vec<_> = (0..path_params.len())
        .map(|i| format_ident!("P{}", i))
        .collect();
    let arg_docs = path_params.iter().map(|p| {
        format!(
            "`{}`: {}",
            p.rust_name,
            p.description.as_deref().unwrap_or("a path parameter")
        )
    });
    // The body, when there is one, is the last argument.
    let (body_generic, body_arg, body_bound, body_set, body_doc) = match &op.body {
        Some(setter) => (
            Some(quote!(Bd)),
            Some(quote!(body: Bd)),
            Some(body_bounds(op)).filter(|_| setter.sig.generics.where_clause.is_some()),
            // Where `<method>_stream` exists, `<method>` answers with JSON
            // only, so the flag that would switch to events is cleared.
            Some(if op.stream_event.is_some() && op.stream_flag {
                quote!(.body(body).body_map(|body| body.stream(::std::option::Option::<bool>::None)))
            } else {
                quote!(.body(body))
            }),
            Some(format!(
                "`body`: {}",
                body_description(op).unwrap_or_else(|| "the request body".to_string())
            )),
        ),
        None => (None, None, None, None, None),
    };
    let body_doc = body_doc.into_iter();
    let streaming = stream_method(op);
    quote! {
        #streaming

        #[doc = #doc]
        #(
            #[doc = ""]
            #[doc = #arg_docs]
        )*
        #(
            #[doc = ""]
            #[doc = #body_doc]
        )*
        pub fn #method<#(#generics,)* #body_generic>(&self, #(#arg_idents: #generics,)* #body_arg) -> #alias<'a>
        where #(#generics: ::std::convert::TryInto<::std::string::String>,)* #body_bound
        {
            crate::Request::new(builder::#builder::new(&self.client.raw))
                #( .#arg_idents(#arg_idents) )*
                #body_set
        }
    }
}

fn request_impl(
    op: &Op,
    builders: &BTreeMap<String, Vec<syn::ImplItemFn>>,
) -> Result<TokenStream, Error> {
    let alias = request_alias(op);
    let builder = format_ident!("{}", op.builder);
    let id = &op.id;
    let stream_alias = stream_alias_item(op);
    let alias_doc = format!(
        "A request to `{}`: set its parameters, then [`send`]({alias}::send) it.",
        op.id
    );
    let raw_fns = builders
        .get(&op.builder)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut setters = Vec::new();
    let mut success = None;
    for f in raw_fns {
        let name = f.sig.ident.to_string();
        if name == "new" {
            continue;
        }
        if name == "send" {
            success = Some(success_type(&f.sig.output).ok_or_else(|| {
                Error::Progenitor(format!("cannot read the response type of `{id}`"))
            })?);
            continue;
        }
        setters.push(setter(op, f));
    }
    let success = success
        .ok_or_else(|| Error::Progenitor(format!("progenitor generated no `send` for `{id}`")))?;
    let paging = op.page.as_ref().map(|page| pagination(page, &success));
    Ok(quote! {
        #[doc = #alias_doc]
        pub type #alias<'a> = crate::Request<builder::#builder<'a>>;

        #stream_alias

        impl<'a> crate::Request<builder::#builder<'a>> {
            #(#setters)*

            /// Sends the request, retrying as configured, and decodes the answer.
            pub async fn send(self) -> ::std::result::Result<crate::Response<#success>, crate::Error> {
                self.dispatch(|inner| inner.send()).await
            }

            #paging
        }
    })
}

/// `T` out of `Result<ResponseValue<T>, Error<E>>`.
fn success_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let result = generic_args(ty)?.into_iter().next()?;
    generic_args(&result)?.into_iter().next()
}

fn generic_args(ty: &syn::Type) -> Option<Vec<syn::Type>> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
    )
}

/// The target type of a `V: TryInto<T>` setter.
fn setter_target(f: &syn::ImplItemFn) -> Option<syn::Type> {
    let clause = f.sig.generics.where_clause.as_ref()?;
    for predicate in &clause.predicates {
        let syn::WherePredicate::Type(pt) = predicate else {
            continue;
        };
        for bound in &pt.bounds {
            let syn::TypeParamBound::Trait(tb) = bound else {
                continue;
            };
            let last = tb.path.segments.last()?;
            if last.ident != "TryInto" {
                continue;
            }
            if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                if let Some(syn::GenericArgument::Type(t)) = args.args.first() {
                    return Some(t.clone());
                }
            }
        }
    }
    None
}

fn setter(op: &Op, f: &syn::ImplItemFn) -> TokenStream {
    let name = &f.sig.ident;
    let name_str = name.to_string();
    let param = op.params.iter().find(|p| p.rust_name == name_str);
    let doc = match (param, name_str.as_str()) {
        (Some(p), _) => p
            .description
            .clone()
            .unwrap_or_else(|| format!("Sets `{}`.", p.api_name)),
        (None, "body") => body_doc(op, "Sets the request body."),
        (None, "body_map") => body_doc(op, "Edits the request body in place through its builder."),
        (None, other) => format!("Sets `{other}`."),
    };
    let sig = &f.sig;
    let args: Vec<_> = f
        .sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            syn::FnArg::Typed(pt) => match pt.pat.as_ref() {
                syn::Pat::Ident(i) => Some(i.ident.clone()),
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })
        .collect();
    let target = setter_target(f);
    let bounded = param.filter(|p| p.minimum.is_some() || p.maximum.is_some());
    let is_path = param.is_some_and(|p| p.path);
    let backward =
        (op.page.is_some() && name_str == "before_id").then(|| quote!(self.backward = true;));
    let body = match (target, bounded, is_path) {
        (Some(target), Some(p), _) => {
            let min = opt_f64(p.minimum);
            let max = opt_f64(p.maximum);
            let api = &p.api_name;
            quote! {
                match ::std::convert::TryInto::<#target>::try_into(value) {
                    Ok(value) => {
                        self.check(crate::checks::range(#api, &value, #min, #max));
                        self.inner = self.inner.#name(value);
                    }
                    Err(_) => self.check(Err(crate::checks::not_convertible(#api))),
                }
            }
        }
        (Some(target), None, true) => {
            let api = param.map(|p| p.api_name.as_str()).unwrap_or_default();
            quote! {
                match ::std::convert::TryInto::<#target>::try_into(value) {
                    Ok(value) => {
                        self.check(crate::checks::path_segment(#api, &value));
                        self.inner = self.inner.#name(value);
                    }
                    Err(_) => self.check(Err(crate::checks::not_convertible(#api))),
                }
            }
        }
        _ => quote! { self.inner = self.inner.#name(#(#args),*); },
    };
    quote! {
        #[doc = #doc]
        pub #sig {
            #backward
            #body
            self
        }
    }
}

fn body_doc(op: &Op, fallback: &str) -> String {
    body_description(op).unwrap_or_else(|| fallback.to_string())
}

fn body_description(op: &Op) -> Option<String> {
    op.op.request_body.as_ref().and_then(|b| match b {
        ReferenceOr::Item(b) => b.description.clone(),
        ReferenceOr::Reference { .. } => None,
    })
}

fn opt_f64(v: Option<f64>) -> TokenStream {
    match v {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    }
}

/// The `pages` and `items` methods of a paged request.
fn pagination(page: &PageInfo, success: &syn::Type) -> TokenStream {
    let item = format_ident!("{}", page.item);
    quote! {
        /// Every page of the list, fetched one at a time as the stream is
        /// polled: forward from `after_id` (or the start), or backward when
        /// `before_id` was set. A failed page ends the stream with its error.
        pub fn pages(self) -> impl ::futures::Stream<Item = ::std::result::Result<crate::Response<#success>, crate::Error>> + 'a {
            crate::pagination::pages(self, |request, cursor| {
                match cursor {
                    None => request,
                    Some(crate::pagination::Cursor::After(id)) => request.after_id(id),
                    Some(crate::pagination::Cursor::Before(id)) => request.before_id(id),
                }
                .send()
            })
        }

        /// Every item of the list across all pages, holding one page in
        /// memory at a time. A failed page ends the stream with its error.
        pub fn items(self) -> impl ::futures::Stream<Item = ::std::result::Result<types::#item, crate::Error>> + 'a {
            crate::pagination::items(self.pages())
        }
    }
}

/// How the runtime reads a page of a cursor-paged list.
fn page_impl(page: &PageInfo) -> TokenStream {
    let item = format_ident!("{}", page.item);
    let response = format_ident!("{}", page.response);
    let first = if page.first_nullable {
        quote!(self.first_id.as_deref())
    } else {
        quote!(Some(self.first_id.as_str()))
    };
    let last = if page.last_nullable {
        quote!(self.last_id.as_deref())
    } else {
        quote!(Some(self.last_id.as_str()))
    };
    quote! {
        impl crate::pagination::Page for types::#response {
            type Item = types::#item;
            fn first_id(&self) -> ::std::option::Option<&str> { #first }
            fn last_id(&self) -> ::std::option::Option<&str> { #last }
            fn has_more(&self) -> bool { self.has_more }
            fn into_items(self) -> ::std::vec::Vec<Self::Item> { self.data }
        }
    }
}

/// `tokens` with every identifier `from` replaced by `to`.
fn rename_ident(tokens: TokenStream, from: &str, to: &str) -> TokenStream {
    tokens
        .into_iter()
        .map(|tree| match tree {
            proc_macro2::TokenTree::Ident(ident) if ident == from => {
                proc_macro2::TokenTree::Ident(proc_macro2::Ident::new(to, ident.span()))
            }
            proc_macro2::TokenTree::Group(group) => {
                let mut renamed = proc_macro2::Group::new(
                    group.delimiter(),
                    rename_ident(group.stream(), from, to),
                );
                renamed.set_span(group.span());
                proc_macro2::TokenTree::Group(renamed)
            }
            other => other,
        })
        .collect()
}

struct StreamParts {
    event: syn::Ident,
    body: syn::Type,
}

/// The pieces of `<method>_stream`, for operations that can stream and have
/// a body and no path parameters.
fn stream_parts(op: &Op) -> Option<StreamParts> {
    let event = op.stream_event.as_ref()?;
    let body = op.body.as_ref().and_then(setter_target)?;
    if op.params.iter().any(|p| p.path) {
        return None;
    }
    Some(StreamParts {
        event: format_ident!("{}", event),
        body,
    })
}

fn stream_alias(op: &Op) -> syn::Ident {
    format_ident!("{}StreamRequest", op.builder)
}

/// `<method>_stream(body)`: the same operation with `stream: true`, answered
/// with server-sent events decoded one at a time.
fn stream_method(op: &Op) -> TokenStream {
    if stream_parts(op).is_none() {
        return TokenStream::new();
    }
    let method = format_ident!("{}_stream", op.method_name);
    let alias = stream_alias(op);
    let id = &op.id;
    let path = &op.path;
    let http = format_ident!("{}", op.http_method.to_uppercase());
    let bounds = body_bounds(op);
    let summary = op.op.summary.clone().unwrap_or_else(|| op.id.clone());
    let doc = format!(
        "{summary}, streamed: sends the request with `stream: true` and yields \
         each server-sent event as it arrives.\n\n\
         See [`{0}`](Self::{0}) for the body.",
        op.method_name
    );
    quote! {
        #[doc = #doc]
        pub fn #method<Bd>(&self, body: Bd) -> #alias<'a>
        where #bounds
        {
            crate::StreamRequest::new(self.client, #id, ::reqwest::Method::#http, #path, body)
        }
    }
}

/// Progenitor's bounds on its `body<V>` setter, with `V` renamed to `Bd`.
fn body_bounds(op: &Op) -> TokenStream {
    let predicates = op
        .body
        .as_ref()
        .and_then(|setter| setter.sig.generics.where_clause.as_ref())
        .into_iter()
        .flat_map(|w| w.predicates.iter())
        .map(|p| rename_ident(p.to_token_stream(), "V", "Bd"));
    quote!(#(#predicates,)*)
}

/// The type alias of a streaming request.
fn stream_alias_item(op: &Op) -> TokenStream {
    let Some(StreamParts { event, body }) = stream_parts(op) else {
        return TokenStream::new();
    };
    let alias = stream_alias(op);
    let doc = format!(
        "A streaming request to `{}`: set options, then [`send`](crate::StreamRequest::send) it.",
        op.id
    );
    quote! {
        #[doc = #doc]
        pub type #alias<'a> = crate::StreamRequest<'a, #body, types::#event>;
    }
}
