//! Emitter: facts about the API as a whole: the version header, the
//! default server, and the credentials operations authenticate with.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::Api;

pub fn generate(api: &Api) -> TokenStream {
    let version = &api.version;
    let base_url = &api.base_url;
    let variants: Vec<_> = api
        .schemes
        .iter()
        .map(|s| format_ident!("{}", s.name.to_upper_camel_case()))
        .collect();
    let docs = api.schemes.iter().map(|s| {
        let what = s.description.as_deref().unwrap_or("An API key.").trim();
        format!("{what} Sent as `{}`.", s.header)
    });
    let headers = api.schemes.iter().map(|s| &s.header);
    let envs = api.schemes.iter().map(|s| &s.env);
    let header_fn = (!variants.is_empty()).then(|| {
        quote! {
            impl Scheme {
                /// Every credential, in the spec's order.
                pub(crate) const ALL: &'static [Scheme] = &[#(Self::#variants),*];

                /// The header that carries the key.
                pub(crate) fn header(self) -> &'static str {
                    match self {
                        #(Self::#variants => #headers,)*
                    }
                }

                /// The environment variable `Client::from_env` reads the key from.
                pub(crate) fn env_var(self) -> &'static str {
                    match self {
                        #(Self::#variants => #envs,)*
                    }
                }
            }
        }
    });
    quote! {
        //! Facts about the API as a whole, taken from the spec.

        /// The API version this crate was generated for, sent as `anthropic-version`.
        pub const API_VERSION: &str = #version;

        /// The server requests go to unless another base URL is configured.
        pub const DEFAULT_BASE_URL: &str = #base_url;

        /// The credentials operations authenticate with, one per security
        /// scheme of the spec.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Scheme {
            #(#[doc = #docs] #variants,)*
        }

        #header_fn
    }
}
