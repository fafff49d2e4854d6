//! HTTP plumbing shared by every part of the client: one ureq agent (so
//! connections are reused), deadlines, and retries that know what is safe to
//! send twice.

use std::borrow::Cow;
use std::io::Read;
use std::time::{Duration, Instant};

use ureq::http::{self, Method};
use ureq::{Agent, SendBody};

use crate::error::{Error, Result};

const USER_AGENT: &str = concat!("libe2b/", env!("CARGO_PKG_VERSION"));
/// The longest pause between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// Builds the agent every request of one client goes through.
pub(crate) fn agent() -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        .user_agent(USER_AGENT)
        // Decompression is asked for per request, where the caller wants it.
        .accept_encoding("")
        .max_idle_connections(64)
        .max_idle_connections_per_host(16)
        .max_idle_age(Duration::from_secs(60))
        .max_redirects(0)
        .build()
        .into()
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
    retries: u32,
}

impl<'a> Request<'a> {
    pub(crate) fn new(method: Method, url: String, deadline: Deadline) -> Request<'a> {
        Request { method, url, headers: Vec::new(), body: Body::Empty, deadline, retries: 0 }
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
}

/// Sends `request`, retrying like the official Python SDK: on 429, 502, 503
/// and 504, on any status the server marks `Should-Retry: true` (never one it
/// marks `false`), and when the connection could not be made. It waits as
/// `Retry-After` says, else 0.1 s × 2ⁿ (at most 10 s) with jitter, and gives
/// up early rather than pass the request's deadline.
///
/// Only transport failures are errors here; any HTTP status is returned for
/// the caller to interpret.
pub(crate) fn send(agent: &Agent, mut request: Request<'_>, what: &str) -> Result<http::Response<ureq::Body>> {
    let started = Instant::now();
    let total = request.deadline.total;
    if matches!(request.body, Body::Reader(_)) {
        request.retries = 0;
    }
    let mut attempt = 0;
    loop {
        let remaining = match total {
            Some(total) => match total.checked_sub(started.elapsed()) {
                Some(left) if !left.is_zero() => Some(left),
                _ => return Err(Error::new(crate::ErrorKind::Timeout, format!("{what}: timed out"))),
            },
            None => None,
        };
        let outcome = send_once(agent, &mut request, remaining);
        let wait = match &outcome {
            Ok(response) => retry_wait(response, attempt),
            Err(ureq::Error::ConnectionFailed) => Some(backoff(attempt)),
            Err(_) => None,
        };
        let fits = |wait: Duration| total.is_none_or(|total| started.elapsed() + wait < total);
        match wait {
            Some(wait) if attempt < request.retries && fits(wait) => {
                std::thread::sleep(wait);
                attempt += 1;
            }
            _ => return outcome.map_err(|err| Error::from_transport(what, err)),
        }
    }
}

fn send_once(
    agent: &Agent,
    request: &mut Request<'_>,
    remaining: Option<Duration>,
) -> std::result::Result<http::Response<ureq::Body>, ureq::Error> {
    let mut builder = http::Request::builder().method(request.method.clone()).uri(&request.url);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let deadline = request.deadline;
    match &mut request.body {
        Body::Empty => run(agent, builder.body(())?, deadline, remaining),
        Body::Bytes(bytes) => run(agent, builder.body(&**bytes)?, deadline, remaining),
        Body::Reader(reader) => run(agent, builder.body(SendBody::from_reader(&mut **reader))?, deadline, remaining),
    }
}

fn run(
    agent: &Agent,
    request: http::Request<impl ureq::AsSendBody>,
    deadline: Deadline,
    remaining: Option<Duration>,
) -> std::result::Result<http::Response<ureq::Body>, ureq::Error> {
    let connect = match (remaining, deadline.idle) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let request = agent
        .configure_request(request)
        .timeout_global(remaining)
        .timeout_connect(connect)
        .timeout_per_read(deadline.idle)
        .timeout_per_write(deadline.idle)
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
    let mut bytes = Vec::new();
    response.body_mut().as_reader().read_to_end(&mut bytes).map_err(|err| Error::from_read(what, &err))?;
    Ok(bytes)
}

/// A response header as text, if present and valid.
pub(crate) fn header<'r>(response: &'r http::Response<ureq::Body>, name: &str) -> Option<&'r str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
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
    fn backoff_grows_and_is_capped() {
        for attempt in 0..40 {
            let wait = backoff(attempt);
            let base = Duration::from_millis(100).saturating_mul(1 << attempt.min(16)).min(MAX_BACKOFF);
            assert!(wait >= base / 2 && wait < base, "attempt {attempt}: {wait:?}");
        }
    }
}
