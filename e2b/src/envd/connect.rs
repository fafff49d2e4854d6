//! The Connect protocol with the JSON codec, as envd speaks it (the Connect
//! protocol specification, as envd's generated handlers apply it): unary calls, and server streams of enveloped messages that end with
//! an end-of-stream message.

use std::time::Duration;

use e2b_protocol::envelope::{self, DecodeError, EndStream, Frame};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use ureq::http::Method;

use crate::cancel::CancelToken;
use crate::error::{body_message, Error, ErrorKind, Result};
use crate::http::{self, Body, Deadline};
use crate::sandbox::Sandbox;

/// How often envd is asked to send a keepalive on a quiet stream.
pub(crate) const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(30);
/// How long a stream may stay silent before the sandbox counts as unreachable:
/// three missed keepalives.
pub(crate) const STREAM_IDLE_LIMIT: Duration = Duration::from_secs(90);
/// The largest message accepted, so a broken stream cannot exhaust memory.
const MAX_MESSAGE: usize = 256 << 20;

/// Options of one call beyond the message.
#[derive(Clone, Copy, Default)]
pub(crate) struct CallOptions<'a> {
    /// Run as this user (`Authorization: Basic <user>:`), else envd's default.
    pub user: Option<&'a str>,
    /// `Connect-Timeout-Ms`: the server-side deadline. For `Process/Start`
    /// it is the process's lifetime.
    pub timeout: Option<Duration>,
}

/// Makes a unary call of `method` (e.g. `filesystem.Filesystem/Stat`).
pub(crate) fn unary<Req: Serialize, Resp: DeserializeOwned>(
    sandbox: &Sandbox,
    method: &str,
    message: &Req,
    options: CallOptions<'_>,
    what: &str,
) -> Result<Resp> {
    let timeout = options.timeout.or(sandbox.client().config().request_timeout);
    let body = serde_json::to_vec(message).expect("messages always serialize");
    let mut request = request(sandbox, method, CallOptions { timeout, ..options }, Deadline::total(timeout))
        .header("Content-Type", "application/json")
        .body(Body::Bytes(body.into()));
    if IDEMPOTENT.contains(&method) {
        request = request.idempotent().retries(sandbox.client().config().max_retries);
    }
    let response = http::fetch(sandbox.client().agent(), request, what)?;
    if response.status() != 200 {
        return Err(error_response(what, response.status().as_u16(), response.body()));
    }
    serde_json::from_slice(response.body()).map_err(|err| Error::decode(what, err))
}

/// The unary methods that only read, so are sent again after a lost answer
/// or a passing server error. Writes, process starts and event polls (which
/// consume the events they return) are never sent twice.
const IDEMPOTENT: &[&str] = &["filesystem.Filesystem/Stat", "filesystem.Filesystem/ListDir", "process.Process/List"];

/// A server stream being read, message by message.
pub(crate) struct ServerStream {
    /// The sandbox, asked whether it still answers when the stream breaks.
    sandbox: Sandbox,
    reader: http::BodyReader<'static>,
    what: String,
    ended: bool,
}

impl ServerStream {
    /// Opens a server-streaming call of `method`. `total` bounds the whole
    /// stream on the client's side; silence is bounded by [`STREAM_IDLE_LIMIT`]
    /// (envd sends keepalives meanwhile).
    pub(crate) fn open<Req: Serialize>(
        sandbox: &Sandbox,
        method: &str,
        message: &Req,
        options: CallOptions<'_>,
        total: Option<Duration>,
        what: String,
    ) -> Result<ServerStream> {
        let deadline = Deadline { total, idle: Some(STREAM_IDLE_LIMIT) };
        let request = request(sandbox, method, options, deadline)
            .header("Content-Type", "application/connect+json")
            .header("Connect-Accept-Encoding", "identity")
            .header("Connect-Content-Encoding", "identity")
            .header("Keepalive-Ping-Interval", KEEPALIVE_INTERVAL.as_secs().to_string())
            .body(Body::Bytes(
                envelope::encode(0, &serde_json::to_vec(message).expect("messages always serialize")).into(),
            ));
        let mut response = http::send(sandbox.client().agent(), request, &what)?;
        let status = response.status().as_u16();
        if status != 200 {
            let body = http::read_body(&mut response, &what)?;
            return Err(error_response(&what, status, &body));
        }
        let content_type = http::header(&response, "content-type").unwrap_or("");
        if !content_type.starts_with("application/connect+json") {
            return Err(Error::decode(&what, format!("unexpected content type {content_type:?}")));
        }
        Ok(ServerStream { sandbox: sandbox.clone(), reader: http::reader(response), what, ended: false })
    }

    /// Makes `token` (or none) the one that cancels the reads from now on.
    pub(crate) fn set_cancel(&mut self, token: Option<CancelToken>) {
        self.reader.set_cancel(token);
    }

    /// The next message, or `None` once the server has ended the stream
    /// without an error. A stream cut short is an error, never a quiet end.
    pub(crate) fn next<T: DeserializeOwned>(&mut self) -> Result<Option<T>> {
        self.read().map_err(|err| self.sandbox.explain_broken_stream(err))
    }

    fn read<T: DeserializeOwned>(&mut self) -> Result<Option<T>> {
        if self.ended {
            return Ok(None);
        }
        let (what, reader) = (&self.what, &mut self.reader);
        let frame = match envelope::read(reader, MAX_MESSAGE) {
            Ok(Some(frame)) => frame,
            Ok(None) | Err(DecodeError::TruncatedHeader { .. } | DecodeError::TruncatedMessage { .. }) => {
                let message = format!("{what}: the stream ended before its end-of-stream message");
                return Err(Error::new(ErrorKind::Network, message));
            }
            Err(DecodeError::Io(err)) => return Err(Error::from_read(what, &err)),
            Err(err) => return Err(Error::decode(what, err.to_string())),
        };
        let message = match frame {
            Frame::Message(message) => message,
            Frame::EndStream(message) => {
                self.ended = true;
                // What follows is the body's end: read it, so the connection can be reused.
                http::drain(reader);
                return match EndStream::parse(&message).map_err(|err| Error::decode(what, err))?.error {
                    Some(error) => Err(Error::from_connect(what, &error.code, &error.message, None)),
                    None => Ok(None),
                };
            }
        };
        serde_json::from_slice(&message).map(Some).map_err(|err| Error::decode(what, err))
    }
}

/// How the server took a client-streaming call.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Support {
    /// It read the request to its end and answered success.
    Done,
    /// It does not have the method: a Connect `unimplemented`, or a 404 that
    /// is no Connect error (a server whose routes do not know the path).
    Unimplemented,
}

/// Makes a client-streaming call of `method` whose request body, a sequence
/// of envelopes, is `body`, and reads the streaming answer: success, the
/// method missing, or the error the server ended the call with.
pub(crate) fn client_stream(
    sandbox: &Sandbox,
    method: &str,
    body: Body<'_>,
    options: CallOptions<'_>,
    deadline: Deadline,
    what: &str,
) -> Result<Support> {
    let request = request(sandbox, method, options, deadline)
        .header("Content-Type", "application/connect+json")
        .header("Connect-Accept-Encoding", "identity")
        .header("Connect-Content-Encoding", "identity")
        .body(body);
    let mut response = http::send(sandbox.client().agent(), request, what)?;
    let status = response.status().as_u16();
    if status != 200 {
        let body = http::read_body(&mut response, what)?;
        let code = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("code").and_then(|c| c.as_str().map(str::to_owned)));
        return match code.as_deref() {
            Some("unimplemented") => Ok(Support::Unimplemented),
            None if status == 404 => Ok(Support::Unimplemented),
            _ => Err(error_response(what, status, &body)),
        };
    }
    let mut reader = http::reader(response);
    loop {
        match envelope::read(&mut reader, MAX_MESSAGE) {
            Ok(Some(Frame::Message(_))) => continue,
            Ok(Some(Frame::EndStream(message))) => {
                http::drain(&mut reader);
                return match EndStream::parse(&message).map_err(|err| Error::decode(what, err))?.error {
                    Some(error) if error.code == "unimplemented" => Ok(Support::Unimplemented),
                    Some(error) => Err(Error::from_connect(what, &error.code, &error.message, None)),
                    None => Ok(Support::Done),
                };
            }
            Ok(None) | Err(DecodeError::TruncatedHeader { .. } | DecodeError::TruncatedMessage { .. }) => {
                let message = format!("{what}: the answer ended before its end-of-stream message");
                return Err(Error::new(ErrorKind::Network, message));
            }
            Err(DecodeError::Io(err)) => return Err(Error::from_read(what, &err)),
            Err(err) => return Err(Error::decode(what, err.to_string())),
        }
    }
}

/// A Connect request to envd with the headers every call carries.
fn request<'b>(sandbox: &Sandbox, method: &str, options: CallOptions<'_>, deadline: Deadline) -> http::Request<'b> {
    let mut request =
        sandbox.envd_request(Method::POST, &format!("/{method}"), deadline).header("Connect-Protocol-Version", "1");
    if let Some(timeout) = options.timeout {
        request = request.header("Connect-Timeout-Ms", timeout.as_millis().max(1).to_string());
    }
    if let Some(user) = options.user {
        request = request.header("Authorization", basic_auth(user));
    }
    request
}

/// `Basic base64("<user>:")`: envd takes the user from the name and ignores the password.
pub(crate) fn basic_auth(user: &str) -> String {
    use base64::Engine;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:")))
}

/// A non-200 answer: a Connect error (`{"code": "not_found", ...}`) from
/// envd, or a plain HTTP error (`{"code": 502, ...}`) from envd's
/// middleware or the proxy in front of it.
fn error_response(what: &str, status: u16, body: &[u8]) -> Error {
    #[derive(Deserialize)]
    struct Coded {
        code: serde_json::Value,
    }
    match serde_json::from_slice::<Coded>(body) {
        Ok(Coded { code: serde_json::Value::String(code) }) => {
            Error::from_connect(what, &code, &body_message(body), Some(status))
        }
        _ => Error::from_envd(what, status, body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_has_an_empty_password() {
        assert_eq!(basic_auth("root"), "Basic cm9vdDo=");
    }

    #[test]
    fn errors_tell_connect_codes_from_http_bodies() {
        let err = error_response("stat x", 404, br#"{"code":"not_found","message":"file not found: x"}"#);
        assert_eq!((err.kind(), err.status()), (ErrorKind::NotFound, Some(404)));
        assert!(err.message().contains("file not found: x"));
        let err = error_response("stat x", 401, br#"{"code":401,"message":"unauthorized access"}"#);
        assert_eq!(err.kind(), ErrorKind::Authentication);
        let err =
            error_response("stat x", 502, br#"{"sandboxId":"a","message":"The sandbox was not found","code":502}"#);
        assert_eq!(err.kind(), ErrorKind::SandboxGone);
        let err = error_response("stat x", 500, b"oops");
        assert_eq!((err.kind(), err.status()), (ErrorKind::Api, Some(500)));
    }
}
