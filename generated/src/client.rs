use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::generated::meta::{Scheme, DEFAULT_BASE_URL};
use crate::transport::{Config, Transport};
use crate::types::AnthropicBeta;
use crate::Error;

const DEFAULT_MAX_RETRIES: u32 = 2;
/// Where the ordinary key is read from, as the official SDKs read it.
const API_KEY_VAR: &str = "ANTHROPIC_API_KEY";
/// Where the Admin API key is read from.
const ADMIN_KEY_VAR: &str = "ANTHROPIC_ADMIN_KEY";
/// The builder method that gives the key read from `env_var`; a scheme
/// without one is only read by `from_env`.
pub(crate) fn key_setter(env_var: &str) -> Option<&'static str> {
    match env_var {
        API_KEY_VAR => Some("ClientBuilder::api_key"),
        ADMIN_KEY_VAR => Some("ClientBuilder::admin_key"),
        _ => None,
    }
}

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// The client: cheap to clone, and safe to share between tasks.
///
/// Reach the API through its resources: [`Client::models`],
/// [`Client::messages`], and, with their features on, `Client::beta`,
/// `Client::admin`, ...
#[derive(Clone)]
pub struct Client {
    transport: Arc<Transport>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("transport", &self.transport)
            .finish()
    }
}

impl Client {
    /// A client for `api_key` with every other setting at its default.
    pub fn new(api_key: impl Into<String>) -> Result<Self, Error> {
        Self::builder().api_key(api_key).build()
    }

    /// A client configured from `ANTHROPIC_API_KEY` and
    /// `ANTHROPIC_ADMIN_KEY` (either may be absent, not both) and, when set,
    /// `ANTHROPIC_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env().build()
    }

    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.transport.base_url
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.transport
    }
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    /// Keys by the environment variable they are read from, which names
    /// their credential (`ANTHROPIC_API_KEY`, `ANTHROPIC_ADMIN_KEY`); a
    /// list, as there are two at most (a map would compile a tree's code).
    keys: Vec<(&'static str, String)>,
    base_url: Option<String>,
    betas: Vec<AnthropicBeta>,
    max_retries: u32,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: usize,
    headers: Vec<(String, String)>,
    http_client: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            keys: Vec::new(),
            base_url: None,
            betas: Vec::new(),
            max_retries: DEFAULT_MAX_RETRIES,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            headers: Vec::new(),
            http_client: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "keys",
                &self
                    .keys
                    .iter()
                    .map(|(k, _)| (k, "<redacted>"))
                    .collect::<Vec<_>>(),
            )
            .field("base_url", &self.base_url)
            .field("betas", &self.betas)
            .field("max_retries", &self.max_retries)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field(
                "headers",
                &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("http_client", &self.http_client.is_some())
            .finish()
    }
}

impl ClientBuilder {
    /// A builder with the keys and the base URL read from the environment:
    /// `ANTHROPIC_API_KEY` (the variable the official SDKs read),
    /// `ANTHROPIC_ADMIN_KEY` (for the Admin API) and `ANTHROPIC_BASE_URL`.
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut builder = Self {
            base_url: var("ANTHROPIC_BASE_URL"),
            ..Self::default()
        };
        let names = [API_KEY_VAR, ADMIN_KEY_VAR].into_iter();
        for name in names.chain(Scheme::ALL.iter().map(|s| s.env_var())) {
            if let Some(key) = var(name) {
                builder.set_key(name, key);
            }
        }
        builder
    }

    /// The API key, sent as `x-api-key`.
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.set_key(API_KEY_VAR, api_key.into());
        self
    }

    /// The Admin API key (`sk-ant-admin…`), sent as `x-api-key` by the Admin
    /// API's operations only, never by the others (which send the API key).
    pub fn admin_key(mut self, admin_key: impl Into<String>) -> Self {
        self.set_key(ADMIN_KEY_VAR, admin_key.into());
        self
    }

    fn set_key(&mut self, var: &'static str, key: String) {
        match self.keys.iter_mut().find(|(v, _)| *v == var) {
            Some((_, old)) => *old = key,
            None => self.keys.push((var, key)),
        }
    }

    /// Where requests go; `https://api.anthropic.com` by default.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// A beta sent in the `anthropic-beta` header of every request, after any
    /// the request sets itself.
    pub fn beta(mut self, beta: impl Into<AnthropicBeta>) -> Self {
        self.betas.push(beta.into());
        self
    }

    /// How many times a failed request is retried; 2 by default.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The timeout of each attempt, 10 minutes by default: for the whole
    /// exchange of a request, and between two reads of a stream. A request's
    /// own timeout replaces it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The timeout for establishing a connection; 5 seconds by default.
    /// Ignored when a custom [`reqwest::Client`] is given.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The largest response body read; a larger one fails with
    /// [`Error::Decode`]. 64 MiB by default.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// A header sent with every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The HTTP client to send with, for proxies, TLS settings and the like.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Builds the client, checking the configuration.
    pub fn build(self) -> Result<Client, Error> {
        let invalid = |m: String| Error::InvalidArgument(m);
        if self.keys.is_empty() {
            return Err(invalid(format!(
                "no API key: set {API_KEY_VAR} (or {ADMIN_KEY_VAR} for the Admin API), or call \
                 ClientBuilder::api_key"
            )));
        }
        // The message must not quote the key.
        let mut keys = Vec::new();
        for scheme in Scheme::ALL {
            let key = match self.keys.iter().find(|(v, _)| *v == scheme.env_var()) {
                Some((_, key)) => Some(HeaderValue::from_str(key).map_err(|_| {
                    invalid(format!(
                        "the key of {} contains characters a header cannot carry",
                        scheme.env_var()
                    ))
                })?),
                None => None,
            };
            keys.push(key);
        }
        let base_url = self
            .base_url
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_string())
            .trim_end_matches('/')
            .to_string();
        match reqwest::Url::parse(&base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => {}
            _ => return Err(invalid(format!("`{base_url}` is not an http(s) base URL"))),
        }
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid(format!("`{name}` is not a valid header name")))?;
            let header_value = HeaderValue::from_str(value).map_err(|_| {
                invalid(format!(
                    "the value of header `{name}` is not a valid header value"
                ))
            })?;
            headers.insert(header_name, header_value);
        }
        let betas: Vec<String> = self.betas.iter().map(|b| b.to_string()).collect();
        for beta in &betas {
            if HeaderValue::from_str(beta).is_err() || beta.contains(',') {
                return Err(invalid(format!("`{beta}` is not a valid beta name")));
            }
        }
        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .tcp_keepalive(Duration::from_secs(60))
                .build()
                .map_err(|e| invalid(format!("cannot build the HTTP client: {e}")))?,
        };
        let transport = Transport {
            http,
            base_url,
            config: Config {
                keys,
                betas,
                headers,
                max_retries: self.max_retries,
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
            },
        };
        Ok(Client {
            transport: Arc::new(transport),
        })
    }
}
