//! Pass: facts about the API as a whole that progenitor does not act on:
//! the version header, the security scheme and the default server.

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme};
use proc_macro2::TokenStream;
use quote::quote;

use crate::error::Error;
use crate::load::LoadedSpec;

pub fn generate(spec: &LoadedSpec) -> Result<TokenStream, Error> {
    let api = &spec.api;
    let version = &api.info.version;
    let base_url = api
        .servers
        .first()
        .map(|s| s.url.trim_end_matches('/').to_string())
        .ok_or_else(|| Error::Spec(vec![spec.problem("/servers", "the spec names no server")]))?;
    let header = api_key_header(spec)?;
    Ok(quote! {
        //! Facts about the API as a whole, taken from the spec.

        /// The API version this crate was generated for, sent as `anthropic-version`.
        pub const API_VERSION: &str = #version;

        /// The header that carries the API key, from the spec's security scheme.
        pub const API_KEY_HEADER: &str = #header;

        /// The server requests go to unless another base URL is configured.
        pub const DEFAULT_BASE_URL: &str = #base_url;
    })
}

/// The one security scheme the API uses: an API key in a header.
fn api_key_header(spec: &LoadedSpec) -> Result<String, Error> {
    let schemes = spec
        .api
        .components
        .as_ref()
        .map(|c| &c.security_schemes)
        .into_iter()
        .flatten();
    let mut found = None;
    for (name, scheme) in schemes {
        match scheme {
            ReferenceOr::Item(SecurityScheme::APIKey {
                location: APIKeyLocation::Header,
                name: header,
                ..
            }) => found = Some(header.to_ascii_lowercase()),
            _ => {
                return Err(Error::Spec(vec![spec.problem(
                    &format!("/components/securitySchemes/{name}"),
                    "only an API key in a header is supported as a security scheme",
                )]))
            }
        }
    }
    found.ok_or_else(|| {
        Error::Spec(vec![spec.problem(
            "/components/securitySchemes",
            "the spec declares no API key security scheme",
        )])
    })
}
