//! A sandbox handle: its identity, its lifecycle, and the way to its ports.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ureq::http::Method;

use crate::api::{SandboxInfo, SandboxWire};
use crate::cancel::CancelToken;
use crate::client::Client;
use crate::config::ENVD_PORT;
use crate::envd::files::Files;
use crate::envd::process::Commands;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{self, Deadline};
use crate::lifecycle::{OnResume, PauseOptions};

/// A sandbox: created by [`Client::create_sandbox`] or found again by
/// [`Client::connect`].
///
/// Cheap to clone and safe to share between threads. Dropping it only
/// releases the handle; the sandbox itself lives on until it is killed or
/// its timeout passes. Calls are bounded as [`Client`] describes; a clone
/// made by [`with_deadline`](Sandbox::with_deadline) bounds each whole call,
/// and one made by [`with_cancel`](Sandbox::with_cancel) can be stopped from
/// another thread.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
    /// The client, with the call deadline of this clone.
    client: Client,
}

/// The header that carries a sandbox's [traffic access
/// token](Sandbox::traffic_access_token) to its ports.
pub const TRAFFIC_ACCESS_TOKEN_HEADER: &str = "e2b-traffic-access-token";

struct Inner {
    id: String,
    template_id: String,
    domain: String,
    envd_version: String,
    access_token: Option<String>,
    traffic_access_token: Option<String>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("id", &self.inner.id)
            .field("template_id", &self.inner.template_id)
            .field("envd_version", &self.inner.envd_version)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    pub(crate) fn from_wire(client: Client, wire: SandboxWire) -> Sandbox {
        let domain = wire.domain.filter(|d| !d.is_empty()).unwrap_or_else(|| client.config().domain.clone());
        Sandbox {
            client,
            inner: Arc::new(Inner {
                id: wire.sandbox_id,
                template_id: wire.template_id,
                domain,
                envd_version: wire.envd_version,
                access_token: wire.envd_access_token,
                traffic_access_token: wire.traffic_access_token,
            }),
        }
    }

    /// The sandbox id.
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// The id of the template it was created from.
    pub fn template_id(&self) -> &str {
        &self.inner.template_id
    }

    /// The version of envd, the agent inside the sandbox.
    pub fn envd_version(&self) -> &str {
        &self.inner.envd_version
    }

    /// The token envd requires (`X-Access-Token`), for secure sandboxes.
    pub fn access_token(&self) -> Option<&str> {
        self.inner.access_token.as_deref()
    }

    /// The token the sandbox's ports (all but envd's) require in the header
    /// `e2b-traffic-access-token`, when it was created with public traffic
    /// off ([`NetworkOptions::allow_public_traffic`](crate::NetworkOptions::allow_public_traffic));
    /// `None` otherwise. The client sends it on its own requests to the
    /// sandbox's ports; other programs reaching [`get_host`](Sandbox::get_host) need it.
    pub fn traffic_access_token(&self) -> Option<&str> {
        self.inner.traffic_access_token.as_deref()
    }

    /// The domain the sandbox lives under.
    pub fn domain(&self) -> &str {
        &self.inner.domain
    }

    /// The client this sandbox was made with (with this handle's deadline and cancel token).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The same sandbox through a handle whose every call ends within
    /// `deadline` of its start, with [`ErrorKind::Timeout`](crate::ErrorKind::Timeout)
    /// (the message says that the call's deadline passed, not a silence
    /// limit). This bounds transfers, `run_code` and command runs as a whole,
    /// whatever their own timeouts say; it also bounds what a call starts:
    /// the stream of a command started through it ends within `deadline` of
    /// the start, and the waits of the handles it returns
    /// ([`CommandHandle::wait`](crate::CommandHandle::wait),
    /// [`WatchHandle::next_events`](crate::WatchHandle::next_events)) end
    /// within `deadline` of their own start. Cheap: a clone.
    pub fn with_deadline(&self, deadline: Duration) -> Sandbox {
        self.with_call_deadline(Some(deadline))
    }

    /// This handle with `deadline` as its call deadline, or with none.
    #[doc(hidden)] // For the C library: a token or deadline that may be absent.
    pub fn with_call_deadline(&self, deadline: Option<Duration>) -> Sandbox {
        Sandbox { inner: self.inner.clone(), client: self.client.with_call_deadline(deadline) }
    }

    /// The same sandbox through a handle whose every call ends as soon as
    /// `token` is [cancelled](CancelToken::cancel), from any thread, with
    /// [`ErrorKind::Cancelled`](crate::ErrorKind::Cancelled), the connection
    /// under it closed (see [`Client::with_cancel`]). This covers what a call
    /// starts too: the handles it returns
    /// ([`CommandHandle::wait`](crate::CommandHandle::wait) and
    /// [`next_event`](crate::CommandHandle::next_event),
    /// [`WatchHandle::next_events`](crate::WatchHandle::next_events)), a
    /// [`FileReader`](crate::FileReader), watch streams, `run_code`, and the
    /// pages of a listing. Composes with [`with_deadline`](Sandbox::with_deadline).
    /// Cheap: a clone.
    ///
    /// What a cancelled call leaves behind:
    /// - a command (`run`, `start`, `connect`): the process goes on running
    ///   in the sandbox, as after [`CommandHandle::disconnect`](crate::CommandHandle::disconnect),
    ///   until it ends or its [`timeout`](crate::CommandOptions::timeout)
    ///   passes; a `start` cancelled before envd said the process's id may
    ///   still have started it ([`Commands::list`](crate::Commands::list)
    ///   finds it, and [`Commands::kill`](crate::Commands::kill) through a
    ///   handle without the token ends it: the cancelled view's own calls,
    ///   its command handles' `kill` included, all fail);
    /// - `run_code`: the interpreter interrupts the run, as when the callback stops it;
    /// - an upload: envd (and e2b-local) write to a temporary file and rename
    ///   it into place once the whole body came, so the file keeps its old
    ///   content (or stays absent); a multi-file upload (`upload_dir`) keeps
    ///   the files already sent;
    /// - a download to a local file: the file is left untouched (the
    ///   download goes to a temporary file, removed);
    /// - a control-plane call that reached the server may have been done
    ///   (a sandbox created, paused or killed).
    ///
    /// A [`WatchHandle`](crate::WatchHandle) made through a cancelled view
    /// cannot stop its watcher any more (the stop request is cancelled too):
    /// the watcher ends with the sandbox.
    pub fn with_cancel(&self, token: &CancelToken) -> Sandbox {
        self.with_cancel_token(Some(token))
    }

    /// This handle with `token` as its cancel token, or with none.
    #[doc(hidden)] // For the C library: a token or deadline that may be absent.
    pub fn with_cancel_token(&self, token: Option<&CancelToken>) -> Sandbox {
        Sandbox { inner: self.inner.clone(), client: self.client.with_cancel_token(token) }
    }

    /// This handle for one call made of several requests (see [`Client::pinned`]).
    #[doc(hidden)] // For the C library, whose calls are made of several requests.
    pub fn pinned(&self) -> Sandbox {
        Sandbox { inner: self.inner.clone(), client: self.client.pinned() }
    }

    /// When a call starting now must end, if the handle has a deadline.
    pub(crate) fn call_end(&self) -> Option<Instant> {
        self.client.call_end()
    }

    /// The public host name of `port` in the sandbox, e.g. `3000-<id>.e2b.app`
    /// (`localhost:3000` in debug mode): `https://` plus it reaches a server
    /// the sandbox runs on that port (with the [traffic access
    /// token](Sandbox::traffic_access_token) when it has one).
    pub fn get_host(&self, port: u16) -> String {
        self.client().config().sandbox_host(self.id(), self.domain(), port)
    }

    /// Kills the sandbox. `Ok(false)` if it no longer existed.
    pub fn kill(&self) -> Result<bool> {
        self.client().kill(self.id())
    }

    /// Pauses the sandbox, keeping its files and memory. `Ok(false)` if it was already paused.
    pub fn pause(&self) -> Result<bool> {
        self.client().pause(self.id())
    }

    /// Pauses the sandbox with options (`sbx.pause(mode=..., strict=...)` in
    /// the Python SDK); see [`Client::pause_with`].
    pub fn pause_with(&self, options: &PauseOptions) -> Result<bool> {
        self.client().pause_with(self.id(), options)
    }

    /// Connects to this sandbox again, resuming it as `on_resume` says if it
    /// is paused, and keeps it alive at least `timeout` from now: the instance
    /// form of [`Client::connect_with`] (`sbx.connect(timeout, on_resume=...)`).
    /// As in the SDKs, the handle keeps its access tokens: the one returned
    /// is a clone of this one.
    pub fn connect_with(&self, timeout: Duration, on_resume: OnResume) -> Result<Sandbox> {
        self.client().connect_with(self.id(), timeout, on_resume)?;
        Ok(self.clone())
    }

    /// Sets the sandbox to end `timeout` from now.
    pub fn set_timeout(&self, timeout: Duration) -> Result<()> {
        self.client().set_timeout(self.id(), timeout)
    }

    /// What the control plane knows of the sandbox.
    pub fn get_info(&self) -> Result<SandboxInfo> {
        self.client().get_info(self.id())
    }

    /// Whether the sandbox answers: `false` when it is paused, killed or expired.
    pub fn is_running(&self) -> Result<bool> {
        self.answers(self.client().config().request_timeout)
    }

    /// [`is_running`](Sandbox::is_running), waiting at most `limit` for the answer.
    fn answers(&self, limit: Option<Duration>) -> Result<bool> {
        let what = format!("check sandbox {}", self.id());
        let deadline = Deadline::total(limit);
        let response = http::fetch(self.client().agent(), self.envd_request(Method::GET, "/health", deadline), &what)?;
        match response.status().as_u16() {
            200..=299 => Ok(true),
            502 => Ok(false),
            status => Err(Error::from_envd(&what, status, response.body())),
        }
    }

    /// `err`, a stream of this sandbox broken under a call, told apart as the
    /// SDKs do: when the sandbox no longer answers, it ended during the call
    /// ([`ErrorKind::SandboxGone`]); otherwise the network failure stands.
    pub(crate) fn explain_broken_stream(&self, err: Error) -> Error {
        /// How long the question waits for envd's answer.
        const PROBE_LIMIT: Duration = Duration::from_secs(5);
        match err.kind() {
            ErrorKind::Network if self.answers(Some(PROBE_LIMIT)).is_ok_and(|answers| !answers) => {
                err.into_sandbox_gone()
            }
            _ => err,
        }
    }

    /// The sandbox's filesystem.
    pub fn files(&self) -> Files<'_> {
        Files::new(self)
    }

    /// The sandbox's commands.
    pub fn commands(&self) -> Commands<'_> {
        Commands::new(self)
    }

    /// A request to envd, with the routing headers and the access token.
    pub(crate) fn envd_request<'b>(
        &self,
        method: Method,
        path_and_query: &str,
        deadline: Deadline,
    ) -> http::Request<'b> {
        let request = self.port_request(ENVD_PORT, method, path_and_query, deadline);
        match &self.inner.access_token {
            Some(token) => request.header("X-Access-Token", token.clone()),
            None => request,
        }
    }

    /// A request to `port` of the sandbox, with the routing headers, the
    /// call's deadline and, when the sandbox has one, the traffic token the
    /// proxy asks for. A GET is a read, so it is retried (see [`http::send`]).
    pub(crate) fn port_request<'b>(
        &self,
        port: u16,
        method: Method,
        path_and_query: &str,
        deadline: Deadline,
    ) -> http::Request<'b> {
        let base = self.client().config().sandbox_port_url(self.id(), self.domain(), port);
        let read = method == Method::GET;
        let mut request = http::Request::new(method, format!("{base}{path_and_query}"), deadline)
            .header("E2b-Sandbox-Id", self.id())
            .header("E2b-Sandbox-Port", port.to_string())
            .call_end(self.call_end())
            .cancel(self.client.cancel_token().cloned());
        if read {
            request = request.idempotent().retries(self.client().config().max_retries);
        }
        if port != ENVD_PORT {
            if let Some(token) = &self.inner.traffic_access_token {
                request = request.header(TRAFFIC_ACCESS_TOKEN_HEADER, token.clone());
            }
        }
        request
    }

    /// Whether envd is at least `major.minor.patch`, for features older envd lacks.
    pub(crate) fn envd_at_least(&self, min: (u32, u32, u32)) -> bool {
        parse_version(&self.inner.envd_version).is_none_or(|v| v >= min)
    }
}

/// `major.minor.patch` of a version string; `None` if it is not one (then
/// every feature is assumed present, as for a development build).
fn parse_version(version: &str) -> Option<(u32, u32, u32)> {
    let mut parts = version.trim_start_matches('v').splitn(3, '.');
    let mut next = || parts.next()?.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok();
    Some((next()?, next()?, next()?))
}

#[cfg(test)]
mod tests {
    use super::parse_version;

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("0.6.13"), Some((0, 6, 13)));
        assert_eq!(parse_version("v1.2.3-rc1"), Some((1, 2, 3)));
        assert_eq!(parse_version("dev"), None);
    }
}
