//! Emitter: one request type per operation (two for an operation that can
//! stream), holding its parameters, with a setter per optional one, the
//! checks the spec states, `send()` answering in the operation's response
//! kind, and `pages()`/`items()` for a paged list.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::values::{self, Arg};
use crate::model::{
    Api, Body, FormField, FormFieldKind, Operation, Pagination, ParamLocation, PathPart, Response,
};

/// The two request types an operation answering with JSON or events has.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The only one, or the JSON one.
    Plain,
    /// `<method>_stream`, answered with events.
    Stream,
}

/// The name of an operation's request type.
pub fn request_type(op: &Operation, variant: Variant) -> syn::Ident {
    let base = op.id.to_upper_camel_case();
    match variant {
        Variant::Plain => format_ident!("{base}Request"),
        Variant::Stream => format_ident!("{base}StreamRequest"),
    }
}

/// The variants an operation has.
pub fn variants(op: &Operation) -> &'static [Variant] {
    match op.response {
        Response::JsonOrEvents { .. } => &[Variant::Plain, Variant::Stream],
        _ => &[Variant::Plain],
    }
}

/// What the resource method passes to `new`: the path parameters, the
/// required parameters and body fields, then the body.
pub fn arguments(op: &Operation) -> Vec<Arg> {
    let mut args: Vec<Arg> = op.path_params().map(values::param_arg).collect();
    args.extend(
        op.setter_params()
            .filter(|p| p.required)
            .map(values::param_arg),
    );
    match &op.body {
        Body::None => {}
        Body::Json(body) => args.push(values::json_body_arg(body)),
        Body::Multipart(form) => args.extend(
            form.fields
                .iter()
                .filter(|f| f.required)
                .map(values::field_arg),
        ),
    }
    args
}

/// `validated`: the body types with a `Validate` impl (see `validation`).
pub fn generate(api: &Api, validated: &BTreeSet<String>) -> TokenStream {
    let requests = api.operations.iter().flat_map(|op| {
        variants(op)
            .iter()
            .map(move |variant| request(api, op, *variant, validated))
    });
    // Two list operations may share a page type; it gets one impl.
    let pages: BTreeMap<&str, TokenStream> = api
        .operations
        .iter()
        .filter_map(|op| {
            let (page, _) = op.pagination.page_and_item()?;
            Some((page, page_impl(&op.pagination)))
        })
        .collect();
    let pages = pages.values();
    quote! {
        //! The request types, one per operation (and one more for an
        //! operation that can stream its answer).
        #![allow(clippy::needless_lifetimes)]

        #[allow(unused_imports)]
        use crate::types;

        #(#requests)*

        #(#pages)*
    }
}

fn request(
    api: &Api,
    op: &Operation,
    variant: Variant,
    validated: &BTreeSet<String>,
) -> TokenStream {
    let name = request_type(op, variant);
    let doc = format!(
        "A request to {} (`{}`): set its optional parameters, then [`send`](Self::send) it.",
        lower_first(&op.docs.summary),
        op.id
    );
    let args = arguments(op);
    let fields = fields(op);
    let field_inits = fields.iter().map(|f| {
        let ident = &f.ident;
        if args.iter().any(|a| a.ident == f.ident) {
            quote!(#ident)
        } else {
            quote!(#ident: ::std::default::Default::default())
        }
    });
    // Visible to the hand-written helpers that extend a request (a skill's
    // files from a directory, say).
    let field_defs = fields.iter().map(|f| {
        let ident = &f.ident;
        let ty = &f.ty;
        quote!(pub(crate) #ident: #ty)
    });
    let new_params = args.iter().map(|a| {
        let ident = &a.ident;
        let ty = &a.param_type;
        quote!(#ident: #ty)
    });
    let new_checks = args.iter().map(|a| {
        let ident = &a.ident;
        let convert = a.convert.as_ref().map(|c| quote!(let #ident = #c;));
        let check = &a.check;
        quote! {
            #convert
            #check
        }
    });
    let setters = op
        .setter_params()
        .filter(|p| !p.required)
        .map(|p| setter(&p.description, values::param_arg(p)))
        .chain(optional_fields(op).map(|f| setter(&f.description, values::field_arg(f))));
    let send = send(api, op, variant);
    let into_call = into_call(api, op, variant, validated);
    let paging = match variant {
        Variant::Plain => paging(op),
        Variant::Stream => TokenStream::new(),
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #name<'a> {
            pub(crate) base: crate::request::RequestBase<'a>,
            #(#field_defs,)*
        }

        impl<'a> #name<'a> {
            pub(crate) fn new(client: &'a crate::Client, #(#new_params),*) -> Self {
                #[allow(unused_mut)]
                let mut base = crate::request::RequestBase::new(client);
                #(#new_checks)*
                Self { base, #(#field_inits,)* }
            }

            crate::request::request_options!();

            #(#setters)*

            #send

            #into_call

            #paging
        }
    }
}

struct Field {
    ident: syn::Ident,
    ty: TokenStream,
}

/// The fields a request holds: every parameter and body field, or the body.
fn fields(op: &Operation) -> Vec<Field> {
    let mut out: Vec<Field> = op
        .params
        .iter()
        .map(|p| Field {
            ident: format_ident!("{}", p.rust_name),
            ty: values::param_field_type(p),
        })
        .collect();
    match &op.body {
        Body::None => {}
        Body::Json(body) => {
            let ty = format_ident!("{}", body.type_name);
            out.push(Field {
                ident: format_ident!("body"),
                ty: quote!(::std::result::Result<types::#ty, ::std::string::String>),
            });
        }
        Body::Multipart(form) => out.extend(form.fields.iter().map(|f| Field {
            ident: format_ident!("{}", f.rust_name),
            ty: values::field_field_type(f),
        })),
    }
    out
}

fn optional_fields(op: &Operation) -> impl Iterator<Item = &FormField> {
    let fields = match &op.body {
        Body::Multipart(form) => form.fields.as_slice(),
        Body::None | Body::Json(_) => &[],
    };
    fields.iter().filter(|f| !f.required)
}

/// The setter of an optional parameter or form field: takes the argument,
/// converts and checks it, and stores it.
fn setter(doc: &str, arg: Arg) -> TokenStream {
    let ident = &arg.ident;
    let ty = &arg.param_type;
    let convert = arg.convert.as_ref().map(|c| quote!(let #ident = #c;));
    let check = arg.check.as_ref().map(|check| {
        quote! {
            {
                let base = &mut self.base;
                #check
            }
        }
    });
    quote! {
        #[doc = #doc]
        pub fn #ident(mut self, #ident: #ty) -> Self {
            #convert
            #check
            self.#ident = ::std::option::Option::Some(#ident);
            self
        }
    }
}

fn send(api: &Api, op: &Operation, variant: Variant) -> TokenStream {
    let (output, read) = match (&op.response, variant) {
        (Response::Json(ty), _) | (Response::JsonOrEvents { json: ty, .. }, Variant::Plain) => {
            let ty = format_ident!("{}", ty);
            (quote!(crate::Response<types::#ty>), quote!(json))
        }
        (Response::JsonOrEvents { event, .. }, Variant::Stream) => {
            let ty = format_ident!("{}", event);
            (quote!(crate::EventStream<types::#ty>), quote!(events))
        }
        (Response::JsonLines(ty), _) => {
            let ty = format_ident!("{}", ty);
            (quote!(crate::JsonLines<types::#ty>), quote!(json_lines))
        }
        (Response::Binary, _) => (quote!(crate::ByteStream), quote!(bytes)),
        (Response::Empty, _) => (quote!(crate::Response<()>), quote!(empty)),
    };
    let _ = api;
    let doc = match (&op.response, variant) {
        (Response::JsonOrEvents { .. }, Variant::Stream) => {
            "Sends the request with `stream: true`, retrying as configured until the \
             stream opens, and returns its events as they arrive."
        }
        (Response::JsonLines(_), _) => {
            "Sends the request, retrying as configured until the answer starts, and \
             returns its lines, decoded one at a time as they arrive."
        }
        (Response::Binary, _) => {
            "Sends the request, retrying as configured until the answer starts, and \
             returns its bytes as they arrive."
        }
        _ => "Sends the request, retrying as configured, and decodes the answer.",
    };
    // A download can be written out in one call.
    let writers = matches!(op.response, Response::Binary).then(|| {
        quote! {
            /// Sends the request and writes the file's bytes to `path` as they
            /// arrive; see [`ByteStream::save_to`](crate::ByteStream::save_to).
            pub async fn save_to(self, path: impl ::std::convert::AsRef<::std::path::Path>) -> ::std::result::Result<u64, crate::Error> {
                self.send().await?.save_to(path).await
            }

            /// Sends the request and writes the file's bytes to `writer` as they
            /// arrive; see [`ByteStream::write_to`](crate::ByteStream::write_to).
            pub async fn write_to<W: ::tokio::io::AsyncWrite + ::std::marker::Unpin + ?::std::marker::Sized>(self, writer: &mut W) -> ::std::result::Result<u64, crate::Error> {
                self.send().await?.write_to(writer).await
            }
        }
    });
    quote! {
        #[doc = #doc]
        pub async fn send(self) -> ::std::result::Result<#output, crate::Error> {
            let (base, call) = self.into_call();
            base.#read(call).await
        }

        #writers
    }
}

fn into_call(
    api: &Api,
    op: &Operation,
    variant: Variant,
    validated: &BTreeSet<String>,
) -> TokenStream {
    let id = &op.id;
    let method = format_ident!("{}", op.http_method);
    let auth = match op.security {
        Some(index) => {
            let scheme = format_ident!("{}", api.schemes[index].name.to_upper_camel_case());
            quote!(::std::option::Option::Some(crate::generated::meta::Scheme::#scheme))
        }
        None => quote!(::std::option::Option::None),
    };
    // The path as pieces joined at run time; a path parameter is encoded
    // as one segment.
    let pieces: Vec<TokenStream> = op
        .path
        .iter()
        .map(|part| match part {
            PathPart::Literal(text) => quote!(#text),
            PathPart::Param(name) => {
                let param = op.params.iter().find(|p| &p.name == name);
                let ident = format_ident!(
                    "{}",
                    param.map(|p| p.rust_name.as_str()).unwrap_or("missing")
                );
                quote!(crate::call::segment(&self.#ident).as_str())
            }
        })
        .collect();
    let path = match pieces.as_slice() {
        [literal] => quote!(::std::string::String::from(#literal)),
        _ => quote!(crate::call::path(&[#(#pieces),*])),
    };
    let fixed = op
        .fixed_query
        .iter()
        .map(|(k, v)| quote!(call.query(#k, #v);));
    let betas = &op.default_betas;
    let default_betas = (!betas.is_empty()).then(|| quote!(call.default_betas(&[#(#betas),*]);));
    let params = op.setter_params().map(|p| {
        let ident = format_ident!("{}", p.rust_name);
        let name = &p.name;
        let add = match (p.location, &p.ty) {
            (ParamLocation::Header, crate::model::ValueType::List(_)) => {
                quote!(call.header_list(#name, value))
            }
            (ParamLocation::Header, _) => quote!(call.header(#name, value)),
            (_, crate::model::ValueType::List(_)) => quote!(call.query_each(#name, value)),
            _ => quote!(call.query(#name, value)),
        };
        if p.required {
            quote!({ let value = &self.#ident; #add; })
        } else {
            quote!(if let ::std::option::Option::Some(value) = &self.#ident { #add; })
        }
    });
    let body = match &op.body {
        Body::None => TokenStream::new(),
        Body::Json(body) => {
            let stream = match (body.stream_flag, variant) {
                // Where `<method>_stream` exists, `<method>` answers with
                // JSON only, so the flag that would ask for events is cleared.
                (true, Variant::Plain) if variant_count(op) == 2 => {
                    quote!(body.stream = ::std::option::Option::None;)
                }
                (true, Variant::Stream) => quote!(body.stream = ::std::option::Option::Some(true);),
                _ => TokenStream::new(),
            };
            // The spec's bounds on the body's fields, checked before sending.
            let validate = validated.contains(&body.type_name).then(|| {
                quote! {
                    if let ::std::result::Result::Err(message) =
                        crate::checks::Validate::validate(&body, crate::checks::At::ROOT)
                    {
                        self.base.invalid(message);
                    }
                }
            });
            quote! {
                match self.body {
                    #[allow(unused_mut)]
                    ::std::result::Result::Ok(mut body) => {
                        #stream
                        #validate
                        call.json(&body);
                    }
                    ::std::result::Result::Err(message) => self.base.invalid(message),
                }
            }
        }
        Body::Multipart(form) => {
            let parts = form.fields.iter().map(form_part);
            quote! {
                let mut form = crate::multipart::Form::default();
                #(#parts)*
                call.multipart(form);
            }
        }
    };
    // A call with nothing to add is never changed after it is made.
    let adds = !op.fixed_query.is_empty()
        || !op.default_betas.is_empty()
        || op.setter_params().next().is_some()
        || !matches!(op.body, Body::None);
    let call_binding = if adds { quote!(mut call) } else { quote!(call) };
    // Only a JSON body that did not convert records a problem on the request.
    let receiver = match op.body {
        Body::Json(_) => quote!(mut self),
        Body::None | Body::Multipart(_) => quote!(self),
    };
    // `#[inline]`: `into_call` is only reached from `send`, whose body the
    // program compiles, so the body's encoder is compiled by the programs that
    // send this request instead of once per operation in this crate.
    quote! {
        /// The call this request stands for.
        #[inline]
        fn into_call(#receiver) -> (crate::request::RequestBase<'a>, crate::call::Call) {
            let #call_binding = crate::call::Call::new(#id, ::reqwest::Method::#method, #auth, #path);
            #(#fixed)*
            #default_betas
            #(#params)*
            #body
            (self.base, call)
        }
    }
}

fn variant_count(op: &Operation) -> usize {
    variants(op).len()
}

fn form_part(field: &FormField) -> TokenStream {
    let ident = format_ident!("{}", field.rust_name);
    let name = &field.name;
    let add = match &field.kind {
        FormFieldKind::Text(_) => quote!(form.text(#name, value)),
        FormFieldKind::File => quote!(form.file(#name, value)),
        FormFieldKind::Files => quote! {
            for file in value {
                form.file(#name, file);
            }
        },
    };
    if field.required {
        quote!({ let value = self.#ident; #add; })
    } else {
        quote!(if let ::std::option::Option::Some(value) = self.#ident { #add; })
    }
}

/// `pages()` and `items()`, and how the request moves to a cursor.
fn paging(op: &Operation) -> TokenStream {
    let Some((page, item)) = op.pagination.page_and_item() else {
        return TokenStream::new();
    };
    let page = format_ident!("{}", page);
    let item = format_ident!("{}", item);
    let (backward, at_cursor, doc) = match &op.pagination {
        Pagination::Cursor { .. } => (
            quote!(self.before_id.is_some()),
            quote! {
                match cursor {
                    crate::pagination::Cursor::After(id) => self.after_id(id),
                    crate::pagination::Cursor::Before(id) => self.before_id(id),
                    crate::pagination::Cursor::Token(_) => self,
                }
            },
            "Every page of the list, fetched one at a time as the stream is \
             polled: forward from `after_id` (or the start), or backward when \
             `before_id` was set. A failed page ends the stream with its error.",
        ),
        Pagination::PageToken { .. } | Pagination::None => (
            quote!(false),
            quote! {
                match cursor {
                    crate::pagination::Cursor::Token(token) => self.page(token),
                    crate::pagination::Cursor::After(_) | crate::pagination::Cursor::Before(_) => self,
                }
            },
            "Every page of the list, fetched one at a time as the stream is \
             polled, following each page's `next_page` token. A failed page \
             ends the stream with its error.",
        ),
    };
    // `#[inline]` leaves `pages` and `items` to be compiled by the program
    // that calls them, as every request's `send` (an `async fn`) already is.
    // Compiled here, their boxed streams would build the crate's copy of the
    // request's future, decoder and transport, which a program that sends a
    // request compiles again for itself.
    quote! {
        #[doc = #doc]
        #[inline]
        pub fn pages(self) -> crate::pagination::Pages<'a, types::#page> {
            let backward = #backward;
            crate::pagination::pages(self, backward, |request, cursor| {
                match cursor {
                    ::std::option::Option::None => request,
                    ::std::option::Option::Some(cursor) => request.at_cursor(cursor),
                }
                .send()
            })
        }

        /// Every item of the list across all pages, holding one page in
        /// memory at a time. A failed page ends the stream with its error.
        #[inline]
        pub fn items(self) -> crate::pagination::Items<'a, types::#item> {
            crate::pagination::items(self.pages())
        }

        /// This request, moved to the page at `cursor`.
        fn at_cursor(self, cursor: crate::pagination::Cursor) -> Self {
            #at_cursor
        }
    }
}

/// Whether a page says more follow; a page that may not say so is taken
/// to have more while it is not empty (the cursor guard ends a repeat).
fn has_more(optional: bool) -> TokenStream {
    if optional {
        quote!(self.has_more.unwrap_or(!self.data.is_empty()))
    } else {
        quote!(self.has_more)
    }
}

/// How the runtime reads a page.
fn page_impl(pagination: &Pagination) -> TokenStream {
    let optional = |optional: bool, field: &str| {
        let field = format_ident!("{}", field);
        if optional {
            quote!(self.#field.as_deref())
        } else {
            quote!(::std::option::Option::Some(self.#field.as_str()))
        }
    };
    let (page, item, next) = match pagination {
        Pagination::None => return TokenStream::new(),
        Pagination::Cursor {
            page,
            item,
            first_id_optional,
            last_id_optional,
            has_more_optional,
        } => {
            let first = optional(*first_id_optional, "first_id");
            let last = optional(*last_id_optional, "last_id");
            let more = has_more(*has_more_optional);
            (
                page,
                item,
                quote!(crate::pagination::by_ids(#more, backward, #first, #last)),
            )
        }
        Pagination::PageToken {
            page,
            item,
            next_page_optional,
            has_more_optional,
        } => {
            let next = optional(*next_page_optional, "next_page");
            let more = has_more(*has_more_optional);
            (
                page,
                item,
                quote! {
                    let _ = backward;
                    crate::pagination::by_token(#more, #next)
                },
            )
        }
    };
    let page = format_ident!("{}", page);
    let item = format_ident!("{}", item);
    quote! {
        impl crate::pagination::Page for types::#page {
            type Item = types::#item;
            fn next_cursor(&self, backward: bool) -> ::std::option::Option<crate::pagination::Cursor> {
                #next
            }
            fn into_items(self) -> ::std::vec::Vec<Self::Item> {
                self.data
            }
        }
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
