//! Connection settings: defaults, environment variables, and the URLs they give.

use std::time::Duration;

use crate::error::{Error, Result};

/// The domain used when neither the code nor `E2B_DOMAIN` names one.
pub const DEFAULT_DOMAIN: &str = "e2b.app";
/// envd's port inside every sandbox.
pub const ENVD_PORT: u16 = 49983;
/// The code interpreter's port inside code-interpreter sandboxes.
pub const CODE_INTERPRETER_PORT: u16 = 49999;
/// How long one request may take unless configured otherwise (the SDKs' default).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How many idle connections a client keeps per host unless configured
/// otherwise: enough for 128 threads sharing one client to reuse theirs.
const DEFAULT_MAX_IDLE_CONNECTIONS: usize = 128;

/// Domains whose sandboxes are reached through the shared `sandbox.{domain}`
/// host, routed by the `E2b-Sandbox-Id`/`E2b-Sandbox-Port` headers.
const SHARED_HOST_DOMAINS: &[&str] =
    &["e2b.app", "e2b.dev", "e2b.pro", "e2b-staging.dev", "e2b-tango.dev", "e2b-juliett.dev", "foxtrot-2.e2b.dev"];

/// Everything a [`Client`](crate::Client) needs to reach E2B or an
/// E2B-compatible server such as e2b-local.
///
/// [`Config::from_env`] reads the same variables as the official SDKs;
/// [`Config::builder`] starts from the defaults, and
/// [`to_builder`](Config::to_builder) from an existing configuration:
///
/// ```
/// use std::time::Duration;
///
/// let config = e2b::Config::from_env()
///     .to_builder()
///     .request_timeout(Some(Duration::from_secs(10)))
///     .max_retries(5)
///     .build();
/// assert_eq!(config.max_retries(), 5);
/// ```
///
/// Its `Debug` output never shows the API key.
#[derive(Clone)]
pub struct Config {
    pub(crate) api_key: Option<String>,
    pub(crate) domain: String,
    pub(crate) api_url: Option<String>,
    pub(crate) sandbox_url: Option<String>,
    pub(crate) debug: bool,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) max_retries: u32,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) max_idle_connections: usize,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("Config")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("domain", &self.domain)
            .field("api_url", &self.api_url)
            .field("sandbox_url", &self.sandbox_url)
            .field("debug", &self.debug)
            .field("request_timeout", &self.request_timeout)
            .field("max_retries", &self.max_retries)
            .field("headers", &header_names)
            .field("max_idle_connections", &self.max_idle_connections)
            .finish()
    }
}

impl Default for Config {
    /// The defaults, ignoring the environment.
    fn default() -> Config {
        Config {
            api_key: None,
            domain: DEFAULT_DOMAIN.to_owned(),
            api_url: None,
            sandbox_url: None,
            debug: false,
            request_timeout: Some(DEFAULT_REQUEST_TIMEOUT),
            max_retries: 3,
            headers: Vec::new(),
            max_idle_connections: DEFAULT_MAX_IDLE_CONNECTIONS,
        }
    }
}

impl Config {
    /// The defaults, overridden by `E2B_API_KEY`, `E2B_DOMAIN`, `E2B_API_URL`,
    /// `E2B_SANDBOX_URL` and `E2B_DEBUG`. Empty variables count as unset.
    pub fn from_env() -> Config {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Config {
            api_key: var("E2B_API_KEY"),
            domain: var("E2B_DOMAIN").unwrap_or_else(|| DEFAULT_DOMAIN.to_owned()),
            api_url: var("E2B_API_URL"),
            sandbox_url: var("E2B_SANDBOX_URL"),
            debug: var("E2B_DEBUG").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
            ..Config::default()
        }
    }

    /// A builder starting from the defaults, ignoring the environment.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder { config: Config::default() }
    }

    /// A builder starting from this configuration.
    pub fn to_builder(&self) -> ConfigBuilder {
        ConfigBuilder { config: self.clone() }
    }

    /// The API key (`E2B_API_KEY`), sent as `X-API-KEY` to the control plane.
    pub fn api_key(&self) -> Option<&str> {
        self.api_key.as_deref()
    }

    /// The domain sandboxes live under (`E2B_DOMAIN`, [`DEFAULT_DOMAIN`] by default).
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The control plane's URL as configured (`E2B_API_URL`); see
    /// [`resolved_api_url`](Config::resolved_api_url) for the one used.
    pub fn api_url(&self) -> Option<&str> {
        self.api_url.as_deref()
    }

    /// The one URL for every sandbox request, if configured (`E2B_SANDBOX_URL`).
    pub fn sandbox_url(&self) -> Option<&str> {
        self.sandbox_url.as_deref()
    }

    /// Whether sandboxes are reached on this machine (`E2B_DEBUG=true`).
    pub fn debug(&self) -> bool {
        self.debug
    }

    /// The deadline of each request; `None` for no limit.
    pub fn request_timeout(&self) -> Option<Duration> {
        self.request_timeout
    }

    /// How many times a request that is safe to repeat is retried.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The extra headers sent with every control-plane request, as (name, value) pairs.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// How many idle connections are kept per host.
    pub fn max_idle_connections(&self) -> usize {
        self.max_idle_connections
    }

    /// Adds a header sent with every control-plane request (see [`ConfigBuilder::header`]).
    pub(crate) fn add_header(&mut self, name: &str, value: &str) -> Result<()> {
        if ureq::http::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(Error::invalid_argument(format!(
                "invalid header name {name:?}: use a non-empty HTTP token (letters, digits, '-', ...)"
            )));
        }
        if ureq::http::HeaderValue::from_str(value).is_err() {
            return Err(Error::invalid_argument(format!(
                "invalid header value for {name}: line breaks and other control characters cannot be sent"
            )));
        }
        self.headers.push((name.to_owned(), value.to_owned()));
        Ok(())
    }

    /// The control plane's base URL, without a trailing slash.
    pub fn resolved_api_url(&self) -> String {
        match &self.api_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None if self.debug => "http://localhost:3000".to_owned(),
            None => format!("https://api.{}", self.domain),
        }
    }

    /// The base URL for `port` of a sandbox, without a trailing slash. Requests
    /// to it always carry the `E2b-Sandbox-Id` and `E2b-Sandbox-Port` headers,
    /// which the shared host and e2b-local route by and the others ignore.
    pub fn sandbox_port_url(&self, sandbox_id: &str, domain: &str, port: u16) -> String {
        if let Some(url) = &self.sandbox_url {
            url.trim_end_matches('/').to_owned()
        } else if self.debug {
            format!("http://localhost:{port}")
        } else if SHARED_HOST_DOMAINS.contains(&domain) {
            format!("https://sandbox.{domain}")
        } else {
            format!("https://{port}-{sandbox_id}.{domain}")
        }
    }

    /// The host name of `port` of a sandbox, as `Sandbox.get_host` gives it.
    pub fn sandbox_host(&self, sandbox_id: &str, domain: &str, port: u16) -> String {
        if self.debug {
            format!("localhost:{port}")
        } else {
            format!("{port}-{sandbox_id}.{domain}")
        }
    }

    /// The direct URL of a sandbox's envd, for signed URLs handed to other
    /// programs: these cannot add routing headers, so the shared host won't do.
    pub fn sandbox_direct_url(&self, sandbox_id: &str, domain: &str) -> String {
        match &self.sandbox_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None if self.debug => format!("http://localhost:{ENVD_PORT}"),
            None => format!("https://{ENVD_PORT}-{sandbox_id}.{domain}"),
        }
    }
}

/// Builds a [`Config`]: made by [`Config::builder`] or [`Config::to_builder`],
/// each method sets one setting (named as in the official SDKs), and
/// [`build`](ConfigBuilder::build) gives the configuration.
#[derive(Clone, Debug)]
pub struct ConfigBuilder {
    config: Config,
}

impl ConfigBuilder {
    /// The API key, sent as `X-API-KEY` to the control plane. Any format is accepted.
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.config.api_key = Some(api_key.into());
        self
    }

    /// Where sandboxes live ([`DEFAULT_DOMAIN`] by default).
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.config.domain = domain.into();
        self
    }

    /// The control plane's URL; `https://api.{domain}` by default.
    pub fn api_url(mut self, api_url: impl Into<String>) -> Self {
        self.config.api_url = Some(api_url.into());
        self
    }

    /// One URL for every sandbox request, routed by the `E2b-Sandbox-Id` and
    /// `E2b-Sandbox-Port` headers (as e2b-local serves them).
    pub fn sandbox_url(mut self, sandbox_url: impl Into<String>) -> Self {
        self.config.sandbox_url = Some(sandbox_url.into());
        self
    }

    /// Talk to a sandbox running on this machine (API on `localhost:3000`,
    /// sandbox ports on `localhost`).
    pub fn debug(mut self, debug: bool) -> Self {
        self.config.debug = debug;
        self
    }

    /// The deadline of each request, from connecting to the last byte, and
    /// the silence limit of file transfers; `None` for no limit. Default:
    /// [`DEFAULT_REQUEST_TIMEOUT`].
    pub fn request_timeout(mut self, request_timeout: Option<Duration>) -> Self {
        self.config.request_timeout = request_timeout;
        self
    }

    /// How many times a request is retried after a 429, 502, 503 or 504 or
    /// a failed connection, within the call's deadline (default 3; 0 turns
    /// retries off). Only requests that are safe to repeat are retried:
    /// control-plane calls (a create only with its idempotency key) and envd
    /// reads (`stat`, `list`, file downloads until their answer begins,
    /// process and context lists); writes, process starts and runs never are.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.config.max_retries = max_retries;
        self
    }

    /// Adds a header sent with every control-plane request. A name that is
    /// not an HTTP token (empty, or holding spaces, `:` or line breaks) or a
    /// value holding line breaks or other control characters could not be
    /// sent, and is refused here with [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument).
    pub fn header(mut self, name: &str, value: &str) -> Result<Self> {
        self.config.add_header(name, value)?;
        Ok(self)
    }

    /// How many idle connections are kept per host for reuse (default 128).
    /// A connection is opened whenever more requests run at once than are
    /// idle, and closed when it comes back to a full pool, so set this to at
    /// least the number of threads that share the client. Idle connections
    /// close after 60 s.
    pub fn max_idle_connections(mut self, max_idle_connections: usize) -> Self {
        self.config.max_idle_connections = max_idle_connections;
        self
    }

    /// The configuration.
    pub fn build(self) -> Config {
        self.config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_the_sdks() {
        let config = Config::default();
        assert_eq!(config.resolved_api_url(), "https://api.e2b.app");
        assert_eq!(config.sandbox_port_url("abc", "e2b.app", ENVD_PORT), "https://sandbox.e2b.app");
        assert_eq!(config.sandbox_port_url("abc", "example.com", 49999), "https://49999-abc.example.com");
        assert_eq!(config.sandbox_direct_url("abc", "e2b.app"), "https://49983-abc.e2b.app");
        assert_eq!(config.sandbox_host("abc", "e2b.app", 3000), "3000-abc.e2b.app");

        let local = Config::builder().api_url("http://127.0.0.1:9/").sandbox_url("http://127.0.0.1:9").build();
        assert_eq!(local.resolved_api_url(), "http://127.0.0.1:9");
        assert_eq!(local.sandbox_port_url("abc", "e2b.app", ENVD_PORT), "http://127.0.0.1:9");

        let debug = Config::builder().debug(true).build();
        assert_eq!(debug.resolved_api_url(), "http://localhost:3000");
        assert_eq!(debug.sandbox_port_url("abc", "e2b.app", 49999), "http://localhost:49999");
    }
}
