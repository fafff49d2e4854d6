//! The one error type of the client, and how HTTP statuses, envd bodies and
//! Connect error codes map onto it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use e2b_protocol::Code;

/// What went wrong, in a form a caller can branch on.
///
/// The kinds follow the official SDKs' exceptions where they exist
/// (`NotFoundException`, `AuthenticationException`, `TimeoutException`, ...)
/// and split out the cases users most need to tell apart, such as a sandbox
/// that was never there ([`SandboxNotFound`](ErrorKind::SandboxNotFound)) and
/// one that went away while in use ([`SandboxGone`](ErrorKind::SandboxGone)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A bad argument, rejected by the client or by the server (HTTP 400).
    InvalidArgument,
    /// A file, directory, process, template or code context does not exist.
    NotFound,
    /// The control plane does not know the sandbox (killed, expired, or never existed).
    SandboxNotFound,
    /// The sandbox stopped answering: killed, paused or expired while in use (HTTP 502).
    SandboxGone,
    /// Missing or wrong API key or access token (HTTP 401).
    Authentication,
    /// The key or user may not do this (HTTP 403).
    PermissionDenied,
    /// Too many requests or sandboxes (HTTP 429); see [`Error::retry_after`].
    RateLimited,
    /// A deadline passed: the request timeout, a command's lifetime, or the server's own.
    Timeout,
    /// The sandbox's disk is full (HTTP 507).
    NotEnoughSpace,
    /// The target already exists or is in a conflicting state (HTTP 409).
    Conflict,
    /// Any other error status from the API or envd; see [`Error::status`].
    Api,
    /// The connection failed or dropped.
    Network,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// The server sent something the client could not understand.
    Decode,
    /// A local file could not be read or written.
    Io,
    /// A callback asked to stop.
    CallbackAborted,
    /// A command exited with a non-zero code ([`CommandResult::check`](crate::CommandResult::check)).
    CommandExit,
    /// The call was cancelled through its [`CancelToken`](crate::CancelToken).
    Cancelled,
    /// git said the credentials were missing or wrong ([`Git`](crate::Git); the SDKs' `GitAuthException`).
    GitAuth,
    /// git found no upstream branch to push to or pull from ([`Git`](crate::Git); the SDKs' `GitUpstreamException`).
    GitUpstream,
    /// A template build failed ([`Template::build`](crate::Template::build); the SDKs' `BuildException`).
    Build,
    /// A template build's files could not be uploaded (the SDKs' `FileUploadException`).
    FileUpload,
}

impl ErrorKind {
    /// A short, stable, lowercase name for the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "invalid argument",
            ErrorKind::NotFound => "not found",
            ErrorKind::SandboxNotFound => "sandbox not found",
            ErrorKind::SandboxGone => "sandbox gone",
            ErrorKind::Authentication => "authentication failed",
            ErrorKind::PermissionDenied => "permission denied",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::Timeout => "timeout",
            ErrorKind::NotEnoughSpace => "not enough space",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Api => "API error",
            ErrorKind::Network => "network error",
            ErrorKind::Tls => "TLS error",
            ErrorKind::Decode => "decode error",
            ErrorKind::Io => "I/O error",
            ErrorKind::CallbackAborted => "callback aborted",
            ErrorKind::CommandExit => "command failed",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::GitAuth => "git authentication failed",
            ErrorKind::GitUpstream => "git upstream missing",
            ErrorKind::Build => "build failed",
            ErrorKind::FileUpload => "file upload failed",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error from any call of the client: a kind, a message that says what was
/// being done and what the server answered, and the HTTP status when there was one.
///
/// When a lower layer failed, [`source`](std::error::Error::source) returns
/// its error: a [`std::io::Error`] (a local file, a broken connection), a
/// [`ureq::Error`] (connecting, TLS) or a [`serde_json::Error`] (an answer
/// that could not be decoded).
#[derive(Debug, Clone)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    status: Option<u16>,
    retry_after: Option<Duration>,
    source: Option<Source>,
}

/// The lower-level error behind an [`Error`], shared so that errors stay cheap to clone.
type Source = Arc<dyn std::error::Error + Send + Sync>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|source| source as &(dyn std::error::Error + 'static))
    }
}

/// What [`Error::decode`] is given: a text, or the decoder's own error, kept as the source.
pub(crate) trait DecodeDetail: fmt::Display {
    /// The error to keep as the source, if this is one.
    fn into_source(self) -> Option<Source>;
}

impl DecodeDetail for &str {
    fn into_source(self) -> Option<Source> {
        None
    }
}

impl DecodeDetail for String {
    fn into_source(self) -> Option<Source> {
        None
    }
}

impl DecodeDetail for serde_json::Error {
    fn into_source(self) -> Option<Source> {
        Some(Arc::new(self))
    }
}

impl DecodeDetail for std::string::FromUtf8Error {
    fn into_source(self) -> Option<Source> {
        Some(Arc::new(self))
    }
}

/// The result type of the client.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A new error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error { kind, message: message.into(), status: None, retry_after: None, source: None }
    }

    /// The kind, to branch on.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The full message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status of the response that caused it, if any.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// How long the server asked to wait before retrying (`Retry-After`), if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    pub(crate) fn invalid_argument(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidArgument, message)
    }

    pub(crate) fn decode(what: &str, detail: impl DecodeDetail) -> Error {
        let error = Error::new(ErrorKind::Decode, format!("{what}: cannot decode the response: {detail}"));
        Error { source: detail.into_source(), ..error }
    }

    /// A local I/O failure, or the client error it carries (a callback
    /// adapter's, say) with `what` in front.
    pub(crate) fn io(what: &str, err: std::io::Error) -> Error {
        if err.get_ref().is_some_and(|inner| inner.is::<Error>()) {
            let inner = err.into_inner().expect("checked").downcast::<Error>().expect("checked");
            return inner.context(what);
        }
        Error::new(ErrorKind::Io, format!("{what}: {err}")).with_source(err)
    }

    /// The error of a call stopped by its [`CancelToken`](crate::CancelToken).
    pub(crate) fn cancelled(what: &str) -> Error {
        Error::new(ErrorKind::Cancelled, format!("{what}: the call was cancelled"))
    }

    pub(crate) fn with_status(mut self, status: u16) -> Error {
        self.status = Some(status);
        self
    }

    /// This error with `source` as its cause.
    fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Error {
        self.source = Some(Arc::new(source));
        self
    }

    pub(crate) fn with_retry_after(mut self, retry_after: Option<Duration>) -> Error {
        self.retry_after = retry_after;
        self
    }

    /// This error of a stream broken under a call, once the sandbox is known
    /// to have ended (killed, or its timeout passed) while the call was in flight.
    pub(crate) fn into_sandbox_gone(self) -> Error {
        let message = format!("{}: the sandbox was killed or reached its end of life during the call", self.message);
        Error { kind: ErrorKind::SandboxGone, message, ..self }
    }

    /// Prefixes the message with what was being done, e.g. "read /home/user/a.txt".
    pub(crate) fn context(mut self, what: &str) -> Error {
        self.message = format!("{what}: {}", self.message);
        self
    }

    /// An error response of the control-plane API (§1a.3, §1a.5).
    ///
    /// `not_found` is the kind a 404 means for this endpoint: a sandbox for
    /// the `/sandboxes/{id}` routes, anything else (a template) otherwise.
    pub(crate) fn from_api(what: &str, status: u16, body: &[u8], not_found: ErrorKind) -> Error {
        let kind = match status {
            400 | 422 => ErrorKind::InvalidArgument,
            401 => ErrorKind::Authentication,
            403 => ErrorKind::PermissionDenied,
            404 => not_found,
            409 => ErrorKind::Conflict,
            429 => ErrorKind::RateLimited,
            504 => ErrorKind::Timeout,
            507 => ErrorKind::NotEnoughSpace,
            _ => ErrorKind::Api,
        };
        Error::new(kind, format!("{what}: {} (HTTP {status})", body_message(body))).with_status(status)
    }

    /// An error response of envd's HTTP API or of the sandbox proxy in front of it (§1c).
    pub(crate) fn from_envd(what: &str, status: u16, body: &[u8]) -> Error {
        let message = body_message(body);
        let kind = match status {
            400 => ErrorKind::InvalidArgument,
            401 => ErrorKind::Authentication,
            403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            429 => ErrorKind::RateLimited,
            502 => proxy_kind(&message),
            504 => ErrorKind::Timeout,
            507 => ErrorKind::NotEnoughSpace,
            _ => ErrorKind::Api,
        };
        Error::new(kind, format!("{what}: {message} (HTTP {status})")).with_status(status)
    }

    /// A Connect error (`{"code": "not_found", "message": ...}`, §1d.1).
    pub(crate) fn from_connect(what: &str, code: &str, message: &str, status: Option<u16>) -> Error {
        let kind = match Code::from_name(code) {
            Some(Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange) => ErrorKind::InvalidArgument,
            Some(Code::Unauthenticated) => ErrorKind::Authentication,
            Some(Code::PermissionDenied) => ErrorKind::PermissionDenied,
            Some(Code::NotFound) => ErrorKind::NotFound,
            Some(Code::AlreadyExists | Code::Aborted) => ErrorKind::Conflict,
            Some(Code::ResourceExhausted) => ErrorKind::RateLimited,
            Some(Code::DeadlineExceeded | Code::Canceled) => ErrorKind::Timeout,
            Some(Code::Unavailable) => proxy_kind(message),
            _ => ErrorKind::Api,
        };
        let err = Error::new(kind, format!("{what}: {message} ({code})"));
        match status {
            Some(status) => err.with_status(status),
            None => err,
        }
    }

    /// A timeout of ureq's, saying which limit ran out.
    pub(crate) fn timeout(what: &str, reason: ureq::Timeout) -> Error {
        Error::new(ErrorKind::Timeout, format!("{what}: {}", crate::http::describe_timeout(reason)))
            .with_source(ureq::Error::Timeout(reason))
    }

    /// A failure below HTTP: connecting, TLS, a timeout, a dropped connection.
    pub(crate) fn from_transport(what: &str, err: ureq::Error) -> Error {
        let kind = match err {
            ureq::Error::Timeout(reason) => return Error::timeout(what, reason),
            ureq::Error::Io(io) => {
                return Error::read_failure(what, &io).unwrap_or_else(|| Error::broken_read(what, &io).with_source(io))
            }
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) | ureq::Error::TlsRequired => {
                ErrorKind::Tls
            }
            ureq::Error::BadUri(_) | ureq::Error::Http(_) | ureq::Error::RequireHttpsOnly(_) => {
                ErrorKind::InvalidArgument
            }
            ureq::Error::Decompress(..) | ureq::Error::BodyExceedsLimit(_) => ErrorKind::Decode,
            _ => ErrorKind::Network,
        };
        Error::new(kind, format!("{what}: {err}")).with_source(err)
    }

    /// A failure while reading a response body. ureq reports its timeouts
    /// inside `io::Error`s here, and the client its own errors (a cancelled
    /// call's), so they are unwrapped to keep the kind right. Otherwise the
    /// source is a copy of `err` (its OS error code, or its kind and message).
    pub(crate) fn from_read(what: &str, err: &std::io::Error) -> Error {
        Error::read_failure(what, err).unwrap_or_else(|| {
            let copy = match err.raw_os_error() {
                Some(code) => std::io::Error::from_raw_os_error(code),
                None => std::io::Error::new(err.kind(), err.to_string()),
            };
            Error::broken_read(what, err).with_source(copy)
        })
    }

    /// The client's own error, or ureq's timeout, carried by `err`.
    fn read_failure(what: &str, err: &std::io::Error) -> Option<Error> {
        let inner = err.get_ref()?;
        if let Some(inner) = inner.downcast_ref::<Error>() {
            return Some(inner.clone().context(what));
        }
        match inner.downcast_ref::<ureq::Error>()? {
            ureq::Error::Timeout(reason) => Some(Error::timeout(what, *reason)),
            _ => None,
        }
    }

    /// A read that failed for a reason below the client: a timeout or a broken connection.
    fn broken_read(what: &str, err: &std::io::Error) -> Error {
        let kind = match err.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => ErrorKind::Timeout,
            _ => ErrorKind::Network,
        };
        Error::new(kind, format!("{what}: {err}"))
    }
}

/// The sandbox proxy answers 502 both for a sandbox it cannot find (killed,
/// paused, expired) and for a port nobody listens on; only the first means the
/// sandbox is gone.
fn proxy_kind(message: &str) -> ErrorKind {
    if message.contains("was not found") {
        ErrorKind::SandboxGone
    } else {
        ErrorKind::Network
    }
}

/// The `message` of a JSON error body, else the body as text (shortened).
pub(crate) fn body_message(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        message: String,
    }
    if let Ok(parsed) = serde_json::from_slice::<ErrorBody>(body) {
        return parsed.message;
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "no message".to_owned();
    }
    match text.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_statuses_map_to_kinds() {
        let body = br#"{"code":404,"message":"Sandbox \"x\" doesn't exist"}"#;
        let err = Error::from_api("kill sandbox x", 404, body, ErrorKind::SandboxNotFound);
        assert_eq!(err.kind(), ErrorKind::SandboxNotFound);
        assert_eq!(err.status(), Some(404));
        assert_eq!(err.message(), "kill sandbox x: Sandbox \"x\" doesn't exist (HTTP 404)");
        let err = Error::from_api(
            "create sandbox",
            404,
            b"{\"code\":404,\"message\":\"template 'y' not found\"}",
            ErrorKind::NotFound,
        );
        assert_eq!(err.kind(), ErrorKind::NotFound);
        assert_eq!(Error::from_api("x", 401, b"", ErrorKind::NotFound).kind(), ErrorKind::Authentication);
        assert_eq!(Error::from_api("x", 429, b"", ErrorKind::NotFound).kind(), ErrorKind::RateLimited);
        assert_eq!(Error::from_api("x", 409, b"", ErrorKind::NotFound).kind(), ErrorKind::Conflict);
        assert_eq!(Error::from_api("x", 500, b"boom", ErrorKind::NotFound).message(), "x: boom (HTTP 500)");
    }

    #[test]
    fn proxy_502_tells_gone_from_unreachable() {
        let gone = br#"{"sandboxId":"a","message":"The sandbox was not found","code":502}"#;
        assert_eq!(Error::from_envd("read", 502, gone).kind(), ErrorKind::SandboxGone);
        let closed = br#"{"sandboxId":"a","message":"The sandbox is running but port is not open","code":502}"#;
        assert_eq!(Error::from_envd("read", 502, closed).kind(), ErrorKind::Network);
        assert_eq!(
            Error::from_envd("write", 507, b"{\"code\":507,\"message\":\"full\"}").kind(),
            ErrorKind::NotEnoughSpace
        );
    }

    #[test]
    fn connect_codes_map_to_kinds() {
        assert_eq!(Error::from_connect("stat", "not_found", "file not found", Some(404)).kind(), ErrorKind::NotFound);
        assert_eq!(Error::from_connect("mkdir", "already_exists", "exists", None).kind(), ErrorKind::Conflict);
        assert_eq!(Error::from_connect("run", "deadline_exceeded", "late", None).kind(), ErrorKind::Timeout);
        assert_eq!(
            Error::from_connect("run", "unavailable", "The sandbox was not found", None).kind(),
            ErrorKind::SandboxGone
        );
        assert_eq!(Error::from_connect("x", "weird", "m", None).kind(), ErrorKind::Api);
    }

    #[test]
    fn long_plain_bodies_are_shortened() {
        let body = "x".repeat(1000);
        assert_eq!(body_message(body.as_bytes()).chars().count(), 301);
        assert_eq!(body_message(b"  "), "no message");
    }
}
