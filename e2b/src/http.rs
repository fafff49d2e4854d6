//! HTTP plumbing shared by every part of the client: one ureq agent (so
//! connections are reused), deadlines, retries that know what is safe to
//! send twice, and a resolver that does not resolve the same name twice.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Read};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::http::{self, Method, Uri};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};
use ureq::{Agent, SendBody};

use crate::cancel::{self, CancelToken, Cancellable, Scope};
use crate::error::{Error, Result};
use crate::logging::{loggable_url, Millis};

const USER_AGENT: &str = concat!("libe2b/", env!("CARGO_PKG_VERSION"));
/// The longest pause between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// The most bytes read after a stream's last message to let its connection
/// go back to the pool; a server that sends more loses the connection.
const DRAIN_LIMIT: u64 = 4096;
/// The most bytes of an answer that is going to be retried read before retrying.
const RETRIED_BODY_LIMIT: u64 = 64 * 1024;

/// Builds the agent every request of one client goes through, keeping up to
/// `max_idle` idle connections per host (and in all) for reuse.
pub(crate) fn agent(max_idle: usize) -> Agent {
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .user_agent(USER_AGENT)
        // Decompression is asked for per request, where the caller wants it.
        .accept_encoding("")
        .max_idle_connections(max_idle)
        .max_idle_connections_per_host(max_idle)
        .max_idle_age(Duration::from_secs(60))
        .max_redirects(0)
        .build();
    Agent::with_parts(config, Cancellable::default().chain(Coalescing), CachingResolver::default())
}

/// How long a request may take.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Deadline {
    /// Everything, from connecting to the last byte of the response, within this.
    pub total: Option<Duration>,
    /// The longest silence allowed: connecting, and each read or write on the
    /// connection. For transfers and streams whose length nobody knows.
    pub idle: Option<Duration>,
}

impl Deadline {
    /// A deadline for the whole request.
    pub(crate) fn total(total: Option<Duration>) -> Deadline {
        Deadline { total, idle: None }
    }

    /// No total deadline, only a limit on silence.
    pub(crate) fn idle(idle: Option<Duration>) -> Deadline {
        Deadline { total: None, idle }
    }
}

/// The body of a request.
pub(crate) enum Body<'a> {
    Empty,
    /// Bytes that can be sent again if the request is retried.
    Bytes(Cow<'a, [u8]>),
    /// A stream: read once, so a request carrying it is never retried.
    Reader(&'a mut dyn Read),
}

/// One HTTP request, described so that it can be sent again on a retry.
pub(crate) struct Request<'a> {
    method: Method,
    url: String,
    headers: Vec<(String, String)>,
    body: Body<'a>,
    deadline: Deadline,
    /// The end of the caller's call ([`Client::with_deadline`](crate::Client::with_deadline)).
    call_end: Option<Instant>,
    /// The caller's token ([`Client::with_cancel`](crate::Client::with_cancel)).
    cancel: Option<CancelToken>,
    retries: u32,
    idempotent: bool,
    /// Sent at most once to the server: not even a gateway's 502 or 504 is retried.
    once: bool,
}

impl<'a> Request<'a> {
    pub(crate) fn new(method: Method, url: String, deadline: Deadline) -> Request<'a> {
        Request {
            method,
            url,
            headers: Vec::new(),
            body: Body::Empty,
            deadline,
            call_end: None,
            cancel: None,
            retries: 0,
            idempotent: false,
            once: false,
        }
    }

    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    pub(crate) fn body(mut self, body: Body<'a>) -> Self {
        self.body = body;
        self
    }

    /// A JSON body.
    pub(crate) fn json(self, value: &impl serde::Serialize) -> Self {
        let bytes = serde_json::to_vec(value).expect("request bodies always serialize");
        self.header("Content-Type", "application/json").body(Body::Bytes(bytes.into()))
    }

    /// Allows `retries` more attempts after a retryable failure (see [`send`]).
    pub(crate) fn retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// Marks the request as safe to send again even if the server may have
    /// acted on it already (a read, or a write that carries its own key), so
    /// a connection lost before the whole answer came is retried too.
    pub(crate) fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// Marks the request as unsafe to send again once the server may have
    /// acted on it (a write that makes something and carries no key): only
    /// failures that prove it was not acted on (no connection, 429, 503) are
    /// retried; a lost answer or a gateway's 502 or 504 is not.
    pub(crate) fn once(mut self) -> Self {
        self.idempotent = false;
        self.once = true;
        self
    }

    /// Ends the request, answer included, by `end` at the latest: the end of
    /// the call it is part of.
    pub(crate) fn call_end(mut self, end: Option<Instant>) -> Self {
        self.call_end = end;
        self
    }

    /// Makes the request, its retries' waits and its answer's body end
    /// as soon as `token` is cancelled.
    pub(crate) fn cancel(mut self, token: Option<CancelToken>) -> Self {
        self.cancel = token;
        self
    }

    /// The time left of the call and of the request, or the timeout error
    /// if either is used up; the cancellation error if the call is cancelled.
    fn limits(&self, started: Instant, what: &str) -> Result<Limits> {
        if self.cancel.as_ref().is_some_and(CancelToken::is_cancelled) {
            return Err(Error::cancelled(what));
        }
        let call = self.call_end.map(|end| end.saturating_duration_since(Instant::now()));
        let total = self.deadline.total.map(|total| total.saturating_sub(started.elapsed()));
        for (left, reason) in [(call, ureq::Timeout::Global), (total, ureq::Timeout::PerCall)] {
            if left.is_some_and(|left| left.is_zero()) {
                return Err(Error::timeout(what, reason));
            }
        }
        Ok(Limits { call, total, idle: self.deadline.idle })
    }
}

/// What is left of a request's time limits at one attempt.
#[derive(Clone, Copy)]
struct Limits {
    call: Option<Duration>,
    total: Option<Duration>,
    idle: Option<Duration>,
}

impl Limits {
    /// Whether waiting `wait` leaves time for another attempt.
    fn fit(&self, wait: Duration) -> bool {
        [self.call, self.total].into_iter().flatten().all(|left| wait < left)
    }
}

/// What a timeout of ureq's means, in the caller's terms: which limit ran out.
pub(crate) fn describe_timeout(reason: ureq::Timeout) -> &'static str {
    match reason {
        ureq::Timeout::Global => "the call's deadline passed",
        ureq::Timeout::PerCall => "the request timeout passed",
        ureq::Timeout::PerRead => "nothing arrived within the silence limit",
        ureq::Timeout::PerWrite => "the server took nothing within the silence limit",
        ureq::Timeout::Connect => "could not connect within the silence limit",
        ureq::Timeout::Resolve => "could not resolve the host in time",
        _ => "timed out",
    }
}

/// Marks an answer that came after an attempt which may have reached the
/// server (its answer lost): the operation may have been done by that attempt.
#[derive(Clone, Copy)]
struct MaybeDoneBefore;

/// Whether an earlier attempt of the request that got `response` may already
/// have done what it asked (see [`Request::idempotent`]).
pub(crate) fn maybe_done_before<T>(response: &http::Response<T>) -> bool {
    response.extensions().get::<MaybeDoneBefore>().is_some()
}

/// Sends `request`, retrying like the official Python SDK: on 429, 502, 503
/// and 504 (but not the sandbox proxy's 502 for an unknown sandbox), on any
/// status the server marks `Should-Retry: true` (never one it marks
/// `false`), when the connection could not be made, and, for
/// [idempotent](Request::idempotent) requests, when the connection broke
/// before the answer's head was in. It waits as `Retry-After` says, else
/// 0.1 s × 2ⁿ (at most 10 s) with jitter, and gives up early rather than
/// pass the request's deadline or the call's. A cancelled call ends at once,
/// whether it is waiting for the server or between attempts; its answer's
/// body (see [`reader`]) stops too.
///
/// Only transport failures are errors here; any HTTP status is returned for
/// the caller to interpret.
pub(crate) fn send(agent: &Agent, request: Request<'_>, what: &str) -> Result<http::Response<ureq::Body>> {
    exchange(agent, request, what, Ok)
}

/// [`send`], reading the whole answer (for small bodies: JSON and errors). A
/// connection that breaks while the body comes in is retried like one that
/// breaks before.
pub(crate) fn fetch(agent: &Agent, request: Request<'_>, what: &str) -> Result<http::Response<Vec<u8>>> {
    exchange(agent, request, what, |mut response| {
        let mut body = Vec::new();
        response.body_mut().as_reader().read_to_end(&mut body)?;
        Ok(response.map(|_| body))
    })
}

/// The retry loop of [`send`] and [`fetch`]; `finish` turns a final answer
/// into what the caller gets.
fn exchange<T>(
    agent: &Agent,
    mut request: Request<'_>,
    what: &str,
    mut finish: impl FnMut(http::Response<ureq::Body>) -> std::result::Result<http::Response<T>, ureq::Error>,
) -> Result<http::Response<T>> {
    let started = Instant::now();
    if matches!(request.body, Body::Reader(_)) {
        request.retries = 0;
    }
    let mut attempt = 0;
    let mut maybe_done = false;
    loop {
        let limits = request.limits(started, what)?;
        let scope = Scope::enter(request.cancel.as_ref());
        let sent = Instant::now();
        let outcome = send_once(agent, &mut request, limits).and_then(|response| {
            let (response, retry) = settle(response, attempt)?;
            Ok((finish(response)?, retry))
        });
        drop(scope);
        log_attempt(&request, what, sent, outcome.as_ref().map(|(response, _)| response));
        let retry = match &outcome {
            Ok((_, retry)) => *retry,
            Err(err) => match failure(err) {
                Failure::NotSent => Some((backoff(attempt), false)),
                Failure::MaybeSent if request.idempotent => Some((backoff(attempt), true)),
                Failure::MaybeSent | Failure::Final => None,
            },
        };
        // A complete answer stands; a failure or an answer asking for another attempt does not.
        if (outcome.is_err() || retry.is_some()) && request.cancel.as_ref().is_some_and(CancelToken::is_cancelled) {
            return Err(Error::cancelled(what));
        }
        // What is left now, after the attempt: a wait past a deadline is no retry.
        let fits = |wait| request.limits(started, what).is_ok_and(|left| left.fit(wait));
        match retry {
            Some((wait, reached)) if attempt < request.retries && fits(wait) && !(reached && request.once) => {
                log::info!("{what}: retrying in {} (attempt {} of {})", Millis(wait), attempt + 2, request.retries + 1);
                if !cancel::sleep(request.cancel.as_ref(), wait) {
                    return Err(Error::cancelled(what));
                }
                attempt += 1;
                maybe_done |= reached;
            }
            _ => {
                return match outcome {
                    Ok((mut response, _)) => {
                        if maybe_done {
                            response.extensions_mut().insert(MaybeDoneBefore);
                        }
                        // For the body's reader (see [`reader`]).
                        if let Some(token) = &request.cancel {
                            response.extensions_mut().insert(token.clone());
                        }
                        Ok(response)
                    }
                    Err(err) => Err(Error::from_transport(what, err)),
                };
            }
        }
    }
}

/// One `debug` line per attempt: what, method, URL (see
/// [`loggable_url`]), status or failure, time, and the bytes sent and announced back.
fn log_attempt<T>(
    request: &Request<'_>,
    what: &str,
    sent: Instant,
    outcome: std::result::Result<&http::Response<T>, &ureq::Error>,
) {
    if !log::log_enabled!(log::Level::Debug) {
        return;
    }
    let (method, url, took) = (&request.method, loggable_url(&request.url), Millis(sent.elapsed()));
    let sent = match &request.body {
        Body::Empty => String::from("0 B"),
        Body::Bytes(bytes) => format!("{} B", bytes.len()),
        Body::Reader(_) => String::from("a stream"),
    };
    match outcome {
        Ok(response) => {
            let status = response.status();
            let received = match header(response, "content-length") {
                Some(n) => format!("{n} B"),
                None if status == http::StatusCode::NO_CONTENT => String::from("0 B"),
                None => String::from("a stream"),
            };
            log::debug!("{what}: {method} {url} -> {status} in {took} (sent {sent}, received {received})");
        }
        Err(err) => log::debug!("{what}: {method} {url} failed after {took}: {err}"),
    }
}

/// Whether `response` asks for another attempt: if so, how long to wait and
/// whether the server may have acted on the request, with its (small) body
/// read so the connection can be reused and the answer still returned.
#[allow(clippy::type_complexity)]
fn settle(
    response: http::Response<ureq::Body>,
    attempt: u32,
) -> std::result::Result<(http::Response<ureq::Body>, Option<(Duration, bool)>), ureq::Error> {
    let Some(wait) = retry_wait(&response, attempt) else { return Ok((response, None)) };
    let (parts, mut body) = response.into_parts();
    let mut bytes = Vec::new();
    body.as_reader().take(RETRIED_BODY_LIMIT).read_to_end(&mut bytes)?;
    let status = parts.status.as_u16();
    // The sandbox proxy's answer for a sandbox it does not know is final.
    let gone = status == 502 && crate::error::body_message(&bytes).contains("was not found");
    // A gateway's 502 or 504 may come after the server did the work; 429 and 503 come instead of it.
    let reached = matches!(status, 502 | 504);
    let response = http::Response::from_parts(parts, ureq::Body::builder().data(bytes));
    Ok((response, (!gone).then_some((wait, reached))))
}

/// How an attempt failed, for deciding whether to try again.
enum Failure {
    /// The request never left: connecting failed.
    NotSent,
    /// The connection broke after the request may have reached the server.
    MaybeSent,
    /// Not worth another attempt (a timeout, a TLS or protocol error of ours).
    Final,
}

fn failure(err: &ureq::Error) -> Failure {
    match err {
        ureq::Error::ConnectionFailed => Failure::NotSent,
        ureq::Error::Io(err) => io_failure(err),
        ureq::Error::Protocol(_) | ureq::Error::BodyStalled => Failure::MaybeSent,
        _ => Failure::Final,
    }
}

fn io_failure(err: &io::Error) -> Failure {
    if let Some(inner) = err.get_ref().and_then(|inner| inner.downcast_ref::<ureq::Error>()) {
        return failure(inner);
    }
    match err.kind() {
        io::ErrorKind::ConnectionRefused
        | io::ErrorKind::HostUnreachable
        | io::ErrorKind::NetworkUnreachable
        | io::ErrorKind::NetworkDown
        | io::ErrorKind::AddrNotAvailable => Failure::NotSent,
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Failure::Final,
        _ => Failure::MaybeSent,
    }
}

fn send_once(
    agent: &Agent,
    request: &mut Request<'_>,
    limits: Limits,
) -> std::result::Result<http::Response<ureq::Body>, ureq::Error> {
    let mut builder = http::Request::builder().method(request.method.clone()).uri(&request.url);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    match &mut request.body {
        // A POST without a body still says so (`Content-Length: 0`): ureq would
        // send an empty chunked body, in a second packet the server may not
        // read, and which then costs the connection.
        Body::Empty if matches!(request.method, Method::POST | Method::PUT | Method::PATCH) => {
            run(agent, builder.body(&[][..])?, limits)
        }
        Body::Empty => run(agent, builder.body(())?, limits),
        Body::Bytes(bytes) => run(agent, builder.body(&**bytes)?, limits),
        Body::Reader(reader) => run(agent, builder.body(SendBody::from_reader(&mut **reader))?, limits),
    }
}

/// Runs one attempt. The call's deadline is ureq's global timeout and the
/// request's own its per-call one, so that a timeout tells which ran out.
fn run(
    agent: &Agent,
    request: http::Request<impl ureq::AsSendBody>,
    limits: Limits,
) -> std::result::Result<http::Response<ureq::Body>, ureq::Error> {
    let request = agent
        .configure_request(request)
        .timeout_global(limits.call)
        .timeout_per_call(limits.total)
        .timeout_connect(limits.idle)
        .timeout_per_read(limits.idle)
        .timeout_per_write(limits.idle)
        .build();
    agent.run(request)
}

/// How long to wait before another attempt after `response`, or `None` if
/// it should not be retried.
fn retry_wait(response: &http::Response<ureq::Body>, attempt: u32) -> Option<Duration> {
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let retry = match header("should-retry") {
        Some(value) => value.eq_ignore_ascii_case("true"),
        None => matches!(response.status().as_u16(), 429 | 502 | 503 | 504),
    };
    if !retry {
        return None;
    }
    Some(header("retry-after").and_then(parse_retry_after).unwrap_or_else(|| backoff(attempt)))
}

/// `Retry-After` in its delta-seconds form; HTTP dates are ignored like the SDKs do.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    if value.is_empty() || value.len() > 10 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds: u64 = value.parse().ok()?;
    (seconds <= i32::MAX as u64).then(|| Duration::from_secs(seconds))
}

/// 0.1 s × 2ⁿ, at most 10 s, times a random factor in [0.5, 1).
fn backoff(attempt: u32) -> Duration {
    let base = Duration::from_millis(100).saturating_mul(1 << attempt.min(16)).min(MAX_BACKOFF);
    let jitter = 0.5 + (crate::util::random_u64() % 1000) as f64 / 2000.0;
    base.mul_f64(jitter)
}

/// Reads the whole body of a response (for small bodies: JSON and errors).
pub(crate) fn read_body(response: &mut http::Response<ureq::Body>, what: &str) -> Result<Vec<u8>> {
    let token = response.extensions().get::<CancelToken>().cloned();
    let mut reader = BodyReader { inner: response.body_mut().as_reader(), cancel: token };
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|err| Error::from_read(what, &err))?;
    Ok(bytes)
}

/// The body of a response [`send`] returned, as a reader that stops when
/// the call is cancelled (see [`Client::with_cancel`](crate::Client::with_cancel)).
pub(crate) fn reader(response: http::Response<ureq::Body>) -> BodyReader<'static> {
    let cancel = response.extensions().get::<CancelToken>().cloned();
    BodyReader { inner: response.into_body().into_reader(), cancel }
}

/// A response's body, read under the call's cancel token: each read runs in
/// the token's [`Scope`], and once the token is cancelled every read fails
/// with an error of kind [`Cancelled`](crate::ErrorKind::Cancelled) (inside
/// the `io::Error`, which [`Error::from_read`] unwraps).
pub(crate) struct BodyReader<'a> {
    inner: ureq::BodyReader<'a>,
    cancel: Option<CancelToken>,
}

impl BodyReader<'_> {
    /// Makes `token` (or none) the one that cancels the reads from now on.
    pub(crate) fn set_cancel(&mut self, token: Option<CancelToken>) {
        self.cancel = token;
    }
}

impl Read for BodyReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let scope = Scope::enter(self.cancel.as_ref());
        let result = self.inner.read(buf);
        drop(scope);
        match &self.cancel {
            Some(token) if token.is_cancelled() => {
                Err(io::Error::other(Error::new(crate::ErrorKind::Cancelled, "the call was cancelled")))
            }
            _ => result,
        }
    }
}

/// A response header as text, if present and valid.
pub(crate) fn header<'r, T>(response: &'r http::Response<T>, name: &str) -> Option<&'r str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Reads what is left of a stream whose last message has been read (at most
/// [`DRAIN_LIMIT`] bytes, errors ignored), so that its connection goes back
/// to the pool instead of being closed.
pub(crate) fn drain(reader: &mut dyn Read) {
    let _ = io::copy(&mut reader.take(DRAIN_LIMIT), &mut io::sink());
}

/// The most bytes held back to go out with what follows (see [`Coalesced`]).
const COALESCE_LIMIT: usize = 16 * 1024;

/// Wraps every connection in a [`Coalesced`] one.
#[derive(Debug)]
struct Coalescing;

impl Connector<Box<dyn Transport>> for Coalescing {
    type Out = Coalesced;

    fn connect(
        &self,
        _: &ConnectionDetails,
        chained: Option<Box<dyn Transport>>,
    ) -> std::result::Result<Option<Coalesced>, ureq::Error> {
        Ok(chained.map(|inner| Coalesced { inner, pending: Vec::new() }))
    }
}

/// A connection that sends a request's head and a small body in one packet.
/// ureq writes them separately, so each request cost two sends (and the
/// server two reads); here a write smaller than [`COALESCE_LIMIT`] waits for
/// the next one (one write at most) or the next read of the connection.
#[derive(Debug)]
struct Coalesced {
    inner: Box<dyn Transport>,
    /// Bytes written but not sent yet.
    pending: Vec<u8>,
}

impl Coalesced {
    fn flush(&mut self, timeout: NextTimeout) -> std::result::Result<(), ureq::Error> {
        let mut sent = 0;
        while sent < self.pending.len() {
            let output = self.inner.buffers().output();
            let n = output.len().min(self.pending.len() - sent);
            output[..n].copy_from_slice(&self.pending[sent..sent + n]);
            self.inner.transmit_output(n, timeout)?;
            sent += n;
        }
        self.pending.clear();
        Ok(())
    }
}

impl Transport for Coalesced {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> std::result::Result<(), ureq::Error> {
        if self.pending.is_empty() && amount >= COALESCE_LIMIT {
            return self.inner.transmit_output(amount, timeout);
        }
        self.pending.extend_from_slice(&self.inner.buffers().output()[..amount]);
        // At most one write waits, so a slow request body never holds back what came before.
        if self.pending.len() > amount || self.pending.len() >= COALESCE_LIMIT {
            self.flush(timeout)?;
        }
        Ok(())
    }

    fn maybe_await_input(&mut self, timeout: NextTimeout) -> std::result::Result<bool, ureq::Error> {
        self.flush(timeout)?;
        self.inner.maybe_await_input(timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> std::result::Result<bool, ureq::Error> {
        self.flush(timeout)?;
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

/// How long a resolved name is used before it is resolved again.
const RESOLVED_TTL: Duration = Duration::from_secs(30);
/// The most names remembered; beyond it, expired ones are forgotten.
const RESOLVED_MAX: usize = 64;

/// A resolver that answers IP literals at once, and other names from a
/// cache kept for [`RESOLVED_TTL`], so a request to a known host resolves
/// nothing and starts no thread. Names not yet known go to ureq's resolver.
#[derive(Debug, Default)]
struct CachingResolver {
    resolved: Mutex<HashMap<String, (Instant, ResolvedSocketAddrs)>>,
    fallback: DefaultResolver,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> std::result::Result<ResolvedSocketAddrs, ureq::Error> {
        let port = match (uri.scheme_str(), uri.port_u16()) {
            (_, Some(port)) => port,
            (Some("http"), None) => 80,
            (Some("https"), None) => 443,
            _ => return self.fallback.resolve(uri, config, timeout),
        };
        let Some(host) = uri.host() else { return self.fallback.resolve(uri, config, timeout) };
        if let Ok(ip) = host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
            let mut addrs = self.empty();
            addrs.push(SocketAddr::new(ip, port));
            return Ok(addrs);
        }
        let key = format!("{host}:{port}");
        let now = Instant::now();
        if let Some((at, addrs)) = self.resolved.lock().expect("not poisoned").get(&key) {
            if now.duration_since(*at) < RESOLVED_TTL {
                return Ok(addrs.clone());
            }
        }
        let addrs = self.fallback.resolve(uri, config, timeout)?;
        let mut resolved = self.resolved.lock().expect("not poisoned");
        if resolved.len() >= RESOLVED_MAX {
            resolved.retain(|_, (at, _)| now.duration_since(*at) < RESOLVED_TTL);
        }
        if resolved.len() < RESOLVED_MAX {
            resolved.insert(key, (now, addrs.clone()));
        }
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_delta_seconds_only() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("99999999999"), None);
        assert_eq!(parse_retry_after(""), None);
    }

    #[test]
    fn only_failures_before_sending_are_safe_for_every_request() {
        let io = |kind: io::ErrorKind| ureq::Error::Io(io::Error::new(kind, "x"));
        assert!(matches!(failure(&io(io::ErrorKind::ConnectionRefused)), Failure::NotSent));
        assert!(matches!(failure(&io(io::ErrorKind::ConnectionReset)), Failure::MaybeSent));
        assert!(matches!(failure(&io(io::ErrorKind::UnexpectedEof)), Failure::MaybeSent));
        assert!(matches!(failure(&ureq::Error::Timeout(ureq::Timeout::Global)), Failure::Final));
        // A timeout wrapped in an I/O error, as body reads report it, stays final.
        let wrapped = ureq::Error::Io(io::Error::other(ureq::Error::Timeout(ureq::Timeout::PerRead)));
        assert!(matches!(failure(&wrapped), Failure::Final));
    }

    #[test]
    fn timeouts_name_the_limit() {
        assert!(describe_timeout(ureq::Timeout::Global).contains("deadline"));
        assert!(describe_timeout(ureq::Timeout::PerRead).contains("silence"));
        assert!(describe_timeout(ureq::Timeout::PerCall).contains("request timeout"));
    }

    #[test]
    fn ip_literals_resolve_without_the_system_and_names_are_remembered() {
        let resolver = CachingResolver::default();
        let config = ureq::config::Config::default();
        let resolve = |uri: &str| resolver.resolve(&uri.parse().unwrap(), &config, NextTimeout::default()).unwrap();
        assert_eq!(&resolve("http://127.0.0.1:9/x")[..], ["127.0.0.1:9".parse().unwrap()]);
        assert_eq!(&resolve("https://[::1]/x")[..], ["[::1]:443".parse().unwrap()]);
        assert!(resolver.resolved.lock().unwrap().is_empty());
        let first = resolve("http://localhost:9/");
        assert_eq!(resolver.resolved.lock().unwrap().len(), 1);
        assert_eq!(&resolve("http://localhost:9/a")[..], &first[..]);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 0..40 {
            let wait = backoff(attempt);
            let base = Duration::from_millis(100).saturating_mul(1 << attempt.min(16)).min(MAX_BACKOFF);
            assert!(wait >= base / 2 && wait < base, "attempt {attempt}: {wait:?}");
        }
    }
}
