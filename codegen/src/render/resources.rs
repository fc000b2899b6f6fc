//! Emitter: the resources. Each resource of the model becomes a type
//! reached from the client or its parent (`client.beta().models()`), with
//! one method per operation returning the operation's request.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::requests::{arguments, request_type, Variant};
use crate::model::{Api, Operation, Resource, Response};

pub fn generate(api: &Api) -> TokenStream {
    let root = api.children_of(&[]).map(|r| accessor(r, Via::Client));
    let resources = api.resources.iter().map(|resource| {
        let ident = resource_type(resource);
        let doc = &resource.doc;
        let children = api
            .children_of(&resource.path)
            .map(|child| accessor(child, Via::Parent));
        let methods = api.operations_of(&resource.path).map(operation_methods);
        quote! {
            #[doc = #doc]
            #[derive(Clone, Copy, Debug)]
            pub struct #ident<'a> {
                pub(crate) client: &'a crate::Client,
            }

            impl<'a> #ident<'a> {
                #(#children)*
                #(#methods)*
            }
        }
    });
    quote! {
        //! The resources: how each operation is reached from the client.
        #![allow(clippy::needless_lifetimes)]

        #[allow(unused_imports)]
        use crate::types;

        impl crate::Client {
            #(#root)*
        }

        #(#resources)*
    }
}

/// The type of `resource` (`BetaModels` for `client.beta().models()`).
pub(crate) fn resource_type(resource: &Resource) -> syn::Ident {
    format_ident!("{}", resource.path.join("_").to_upper_camel_case())
}

#[derive(Clone, Copy)]
enum Via {
    Client,
    Parent,
}

/// The method that reaches `resource` from the client or from its parent.
fn accessor(resource: &Resource, via: Via) -> TokenStream {
    let ident = resource_type(resource);
    let method = format_ident!("{}", resource.accessor());
    let doc = &resource.doc;
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

/// The rustdoc of an operation's method: summary, description, reference
/// page, and a line per argument.
fn operation_doc(op: &Operation, variant: Variant) -> String {
    let mut doc = match variant {
        Variant::Plain => format!("{}.\n\n{}\n\n", op.docs.summary, op.docs.description.trim()),
        Variant::Stream => format!(
            "{}, streamed: sends the request with `stream: true` and yields each \
             server-sent event as it arrives.\n\nSee [`{1}`](Self::{1}) for the body.\n\n",
            op.docs.summary, op.method_name
        ),
    };
    if let (Variant::Plain, Response::JsonOrEvents { .. }) = (variant, &op.response) {
        doc.push_str(&format!(
            "It answers with one JSON message; [`{0}_stream`](Self::{0}_stream) \
             streams the answer instead.\n\n",
            op.method_name
        ));
    }
    doc.push_str(&format!(
        "`{} {}`. Reference: <{}>",
        op.http_method,
        op.path_template(),
        op.docs.url
    ));
    doc
}

fn argument_docs(op: &Operation) -> Vec<String> {
    let params = op
        .params
        .iter()
        .map(|p| (&p.rust_name, &p.description, p.required));
    let body: Vec<(String, String)> = match &op.body {
        crate::model::Body::None => Vec::new(),
        crate::model::Body::Json(body) => vec![("body".to_string(), body.description.clone())],
        crate::model::Body::Multipart(form) => form
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| (f.rust_name.clone(), f.description.clone()))
            .collect(),
    };
    let path_and_required = params
        .filter(|(_, _, required)| *required)
        .map(|(name, description, _)| (name.clone(), description.clone()));
    path_and_required
        .chain(body)
        .map(|(name, description)| format!("- `{name}`: {}", description.trim()))
        .collect()
}

fn operation_methods(op: &Operation) -> TokenStream {
    let variants = super::requests::variants(op);
    let methods = variants.iter().rev().map(|variant| {
        let method = match variant {
            Variant::Plain => format_ident!("{}", op.method_name),
            Variant::Stream => format_ident!("{}_stream", op.method_name),
        };
        let request = request_type(op, *variant);
        let doc = operation_doc(op, *variant);
        let arg_docs = argument_docs(op);
        let args = arguments(op);
        let params = args.iter().map(|a| {
            let ident = &a.ident;
            let ty = &a.param_type;
            quote!(#ident: #ty)
        });
        let names = args.iter().map(|a| &a.ident);
        let arg_docs = (!arg_docs.is_empty()).then(|| {
            let lines = arg_docs.iter();
            quote! {
                #[doc = ""]
                #[doc = "Arguments:"]
                #(#[doc = #lines])*
            }
        });
        quote! {
            #[doc = #doc]
            #arg_docs
            pub fn #method(&self, #(#params),*) -> crate::#request<'a> {
                crate::#request::new(self.client, #(#names),*)
            }
        }
    });
    quote!(#(#methods)*)
}
