//! The client: configuration plus one shared HTTP agent.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ureq::http::Method;

use crate::cancel::CancelToken;
use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{self, Deadline};

/// A handle to E2B (or an E2B-compatible server such as e2b-local).
///
/// Cheap to clone and safe to share between threads: every clone uses the
/// same connection pool. Sandboxes made by a client keep it alive.
///
/// # Time limits
///
/// Three limits bound a call, each reported as [`ErrorKind::Timeout`] with a
/// message that names the one that ran out:
///
/// - the **request timeout** ([`Config::request_timeout`]) bounds each
///   request of a small call (control plane, `stat`, `list`, ...) from
///   connecting to the last byte of the answer;
/// - **silence limits** bound transfers and streams, whose length nobody
///   knows, only while nothing moves: [`Config::request_timeout`] for file
///   transfers, 90 s for command and watch streams (envd sends keepalives
///   every 30 s), 30 s for `run_code` (the interpreter sends keepalives);
/// - the **call deadline** ([`with_deadline`](Client::with_deadline)), off
///   unless set, bounds the whole call, retries, transfers and streams
///   included.
///
/// Each call's documentation says which of its own limits apply beyond these
/// (a command's lifetime, a run's timeout).
///
/// # Cancellation
///
/// A view made by [`with_cancel`](Client::with_cancel) ends its calls, from
/// another thread, when its [`CancelToken`] is cancelled.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// Every call ends within this long of its start.
    deadline: Option<Duration>,
    /// The end of the one call this clone serves (see [`Client::pinned`]).
    end: Option<Instant>,
    /// Cancels every call through this clone.
    cancel: Option<CancelToken>,
}

struct Inner {
    config: Config,
    agent: ureq::Agent,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("api_url", &self.inner.config.resolved_api_url())
            .field("deadline", &self.deadline)
            .field("cancel", &self.cancel)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `config`.
    ///
    /// The first client of a process turns on logging to stderr when
    /// `E2B_LOG` names a level and no logger is installed (see the crate's
    /// documentation on logging).
    pub fn new(config: Config) -> Client {
        crate::logging::init_from_env();
        let agent = http::agent(config.max_idle_connections);
        Client { inner: Arc::new(Inner { config, agent }), deadline: None, end: None, cancel: None }
    }

    /// A client configured from the environment (see [`Config::from_env`]).
    pub fn from_env() -> Client {
        Client::new(Config::from_env())
    }

    /// The same client (same configuration and connections) whose every call
    /// ends within `deadline` of its start, with [`ErrorKind::Timeout`] if it
    /// is not done by then: retries, transfers and streams included, and
    /// the handles the call returns too (see [`Sandbox::with_deadline`](crate::Sandbox::with_deadline)).
    /// Sandboxes made through it inherit the deadline. Cheap: a clone.
    pub fn with_deadline(&self, deadline: Duration) -> Client {
        self.with_call_deadline(Some(deadline))
    }

    /// This client with `deadline` as its call deadline, or with none.
    #[doc(hidden)] // For the C library: a token or deadline that may be absent.
    pub fn with_call_deadline(&self, deadline: Option<Duration>) -> Client {
        Client { deadline, end: None, ..self.clone() }
    }

    /// The call deadline set by [`with_deadline`](Client::with_deadline), if any.
    pub fn deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// The same client (same configuration, connections and deadline) whose
    /// every call ends, from whichever thread, as soon as `token` is
    /// [cancelled](CancelToken::cancel), with [`ErrorKind::Cancelled`]:
    /// requests waiting for an answer, retries waiting for their turn,
    /// transfers and streams, and the handles and streams a call returns
    /// (see [`Sandbox::with_cancel`](crate::Sandbox::with_cancel)). The
    /// connection under a cancelled call is closed, so the server sees the
    /// client go. Sandboxes made through it inherit the token, as they do
    /// the deadline. Composes with [`with_deadline`](Client::with_deadline)
    /// either way round. Cheap: a clone.
    ///
    /// A call cancelled after its request reached the server may have been
    /// acted on: a sandbox created, a file written (see each call).
    pub fn with_cancel(&self, token: &CancelToken) -> Client {
        self.with_cancel_token(Some(token))
    }

    /// This client with `token` as its cancel token, or with none.
    #[doc(hidden)] // For the C library: a token or deadline that may be absent.
    pub fn with_cancel_token(&self, token: Option<&CancelToken>) -> Client {
        Client { cancel: token.cloned(), ..self.clone() }
    }

    /// The token set by [`with_cancel`](Client::with_cancel), if any.
    pub fn cancel_token(&self) -> Option<&CancelToken> {
        self.cancel.as_ref()
    }

    /// The configuration this client was made with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) fn agent(&self) -> &ureq::Agent {
        &self.inner.agent
    }

    /// When a call starting now must end, if the client has a deadline.
    pub(crate) fn call_end(&self) -> Option<Instant> {
        self.end.or_else(|| Instant::now().checked_add(self.deadline?))
    }

    /// This client for one call made of several requests: all of them end by
    /// the same instant, the call's end, instead of each counting from its own start.
    #[doc(hidden)] // For the C library, whose calls are made of several requests.
    pub fn pinned(&self) -> Client {
        Client { end: self.call_end(), ..self.clone() }
    }

    /// A control-plane request to `path` (which starts with `/`), with the API
    /// key, the configured headers, the request timeout and the call's
    /// deadline. It is retried, also after a lost answer: every control-plane
    /// request is safe to repeat except a create without an idempotency key,
    /// which turns retries off.
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
            .retries(config.max_retries)
            .idempotent()
            .call_end(self.call_end())
            .cancel(self.cancel.clone());
        for (name, value) in &config.headers {
            request = request.header(name, value.clone());
        }
        Ok(request)
    }
}
