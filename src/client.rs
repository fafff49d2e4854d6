//! The client: configuration plus one shared HTTP agent.

use std::sync::Arc;

use ureq::http::Method;

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{self, Deadline};

/// A handle to E2B (or an E2B-compatible server such as e2b-local).
///
/// Cheap to clone and safe to share between threads: every clone uses the
/// same connection pool. Sandboxes made by a client keep it alive.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    agent: ureq::Agent,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("api_url", &self.inner.config.resolved_api_url()).finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `config`.
    pub fn new(config: Config) -> Client {
        Client { inner: Arc::new(Inner { config, agent: http::agent() }) }
    }

    /// A client configured from the environment (see [`Config::from_env`]).
    pub fn from_env() -> Client {
        Client::new(Config::from_env())
    }

    /// The configuration this client was made with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) fn agent(&self) -> &ureq::Agent {
        &self.inner.agent
    }

    /// A control-plane request to `path` (which starts with `/`), with the API
    /// key, the configured headers, the request timeout and retries.
    pub(crate) fn api_request<'b>(&self, method: Method, path: &str) -> Result<http::Request<'b>> {
        let config = self.config();
        let api_key = config.api_key.as_deref().ok_or_else(|| {
            Error::new(
                ErrorKind::Authentication,
                "API key is required: set E2B_API_KEY or pass an api_key (get one at https://e2b.dev/dashboard)",
            )
        })?;
        let url = format!("{}{path}", config.resolved_api_url());
        let mut request = http::Request::new(method, url, Deadline::total(config.request_timeout))
            .header("X-API-KEY", api_key)
            .retries(config.max_retries);
        for (name, value) in &config.headers {
            request = request.header(name, value.clone());
        }
        Ok(request)
    }
}
