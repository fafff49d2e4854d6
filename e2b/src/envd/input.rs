//! Input streams: a process's stdin (or terminal) fed through envd's
//! client-streaming `process.Process/StreamInput`, or through one unary
//! `SendInput` per write where the server lacks it.

use std::io::{self, Read};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::thread::JoinHandle;
use std::time::Duration;

use e2b_protocol::envelope;

use super::connect::{client_stream, CallOptions, Support, STREAM_IDLE_LIMIT};
use super::process::{Commands, InputKind};
use crate::cancel::CancelToken;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{Body, Deadline};
use crate::sandbox::Sandbox;

/// How long an input stream may last unless told otherwise (the SDKs'
/// `STREAM_INPUT_TIMEOUT`).
pub const DEFAULT_STREAM_INPUT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long an input stream stays silent before a keepalive message goes
/// out (the SDKs' 50 s), so proxies do not close a quiet connection.
pub const DEFAULT_KEEPALIVE_INTERVAL: Duration = Duration::from_secs(50);
/// How long after the stream's server-side limit the client gives up.
const GRACE: Duration = Duration::from_secs(10);
/// Writes waiting to go out before `write` blocks.
const QUEUE: usize = 16;
/// How often a cancellable close looks at its token.
const CANCEL_POLL: Duration = Duration::from_millis(10);
const METHOD: &str = "process.Process/StreamInput";

/// How to open an input stream ([`Commands::open_input`], [`Pty::open_input`](crate::Pty::open_input)).
///
/// ```
/// use std::time::Duration;
/// let options = e2b::StreamInputOptions::default().timeout(None).keepalive_interval(Duration::from_secs(20));
/// assert_eq!(options.timeout, None);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct StreamInputOptions {
    /// How long the stream may last (`Connect-Timeout-Ms`); envd ends it
    /// when this passes. `None`: no limit. Default:
    /// [`DEFAULT_STREAM_INPUT_TIMEOUT`].
    pub timeout: Option<Duration>,
    /// How long the stream may be quiet before a keepalive message goes out.
    /// Default: [`DEFAULT_KEEPALIVE_INTERVAL`].
    pub keepalive_interval: Duration,
}

impl Default for StreamInputOptions {
    fn default() -> StreamInputOptions {
        StreamInputOptions {
            timeout: Some(DEFAULT_STREAM_INPUT_TIMEOUT),
            keepalive_interval: DEFAULT_KEEPALIVE_INTERVAL,
        }
    }
}

impl StreamInputOptions {
    /// Sets how long the stream may last; `None` for no limit.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets how long the stream may be quiet before a keepalive goes out.
    pub fn keepalive_interval(mut self, interval: Duration) -> Self {
        self.keepalive_interval = interval;
        self
    }
}

/// Input to a running process's stdin (or, for a PTY, its terminal), sent
/// as it is written: [`write`](InputStream::write) the bytes, then
/// [`close`](InputStream::close) the stream (which does not close the
/// process's stdin: see [`Commands::close_stdin`]).
///
/// **Which RPC.** Opening asks envd with an empty `StreamInput` call (its
/// `start` message only) whether it has the client-streaming RPC and the
/// process. Where it does (envd, e2b-local), a thread of the stream holds
/// one `StreamInput` request open: each write becomes one `data` message
/// at once, a `keepalive` message goes out after
/// [`keepalive_interval`](StreamInputOptions::keepalive_interval) of
/// quiet, and closing ends the request and reads envd's answer. A server
/// that answers `unimplemented` (or, without a Connect error, 404) gets one
/// unary `SendInput` per write instead, and closing does nothing;
/// [`is_streaming`](InputStream::is_streaming) tells which.
///
/// Over `StreamInput`, an error of the server's after the start (the
/// process ended, its stdin was closed) comes back from `close`, or from a
/// later `write` once the connection has failed: HTTP/1.1 reads the answer
/// only after the request. Dropping the stream without closing it ends the
/// request too, without waiting for the answer.
pub struct InputStream {
    pid: u32,
    sandbox: Sandbox,
    kind: InputKind,
    mode: Mode,
}

enum Mode {
    Streaming { sender: Option<SyncSender<Vec<u8>>>, thread: Option<JoinHandle<Result<Support>>> },
    Unary,
}

impl std::fmt::Debug for InputStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InputStream").field("pid", &self.pid).field("streaming", &self.is_streaming()).finish()
    }
}

impl InputStream {
    pub(crate) fn open(
        sandbox: &Sandbox,
        pid: u32,
        kind: InputKind,
        options: &StreamInputOptions,
        token: Option<&CancelToken>,
    ) -> Result<InputStream> {
        let what = format!("open an input stream to process {pid}");
        let probe = envelope::encode(0, start_message(pid).as_bytes());
        let timeout = sandbox.client().config().request_timeout;
        let call = CallOptions { user: None, timeout };
        let probing = sandbox.with_cancel_token(token);
        let support =
            client_stream(&probing, METHOD, Body::Bytes(probe.into()), call, Deadline::total(timeout), &what)?;
        let sandbox = sandbox.clone();
        if support == Support::Unimplemented {
            log::debug!("{what}: the server has no StreamInput; each write is a SendInput");
            return Ok(InputStream { pid, sandbox, kind, mode: Mode::Unary });
        }
        let (sender, receiver) = mpsc::sync_channel(QUEUE);
        let mut body = InputBody::new(pid, kind, receiver, options.keepalive_interval);
        let streaming = sandbox.clone();
        let timeout = options.timeout;
        let thread = std::thread::Builder::new()
            .name(format!("e2b-input-{pid}"))
            .spawn(move || {
                let what = format!("stream input to process {pid}");
                let call = CallOptions { user: None, timeout };
                let deadline = Deadline { total: timeout.map(|t| t + GRACE), idle: Some(STREAM_IDLE_LIMIT) };
                client_stream(&streaming, METHOD, Body::Reader(&mut body), call, deadline, &what)
            })
            .map_err(|err| Error::io(&what, err))?;
        Ok(InputStream { pid, sandbox, kind, mode: Mode::Streaming { sender: Some(sender), thread: Some(thread) } })
    }

    /// The process the input goes to.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// `true` if the input goes through one `StreamInput` call, `false` if
    /// through one `SendInput` call per write.
    pub fn is_streaming(&self) -> bool {
        matches!(self.mode, Mode::Streaming { .. })
    }

    /// Sends `data` (nothing for an empty slice). Over `StreamInput` it is
    /// queued for the stream's thread, which sends it at once; a write fails
    /// once the stream has ended, with the stream's error.
    pub fn write(&mut self, data: &[u8]) -> Result<()> {
        let token = self.sandbox.client().cancel_token().cloned();
        self.write_under(data, token.as_ref())
    }

    /// [`write`](InputStream::write), its `SendInput` (without
    /// `StreamInput`) cancelled by `token` (or by nothing) instead of the
    /// view's token.
    #[doc(hidden)] // For the C library: a token that may be absent.
    pub fn write_under(&mut self, data: &[u8], token: Option<&CancelToken>) -> Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        match &mut self.mode {
            Mode::Unary => Commands::new(&self.sandbox.with_cancel_token(token)).send_input(self.pid, self.kind, data),
            Mode::Streaming { sender, thread } => {
                let Some(queue) = sender.as_ref() else { return Err(self.closed()) };
                if queue.send(data.to_vec()).is_ok() {
                    return Ok(());
                }
                // The thread ended: its request failed or was answered early.
                *sender = None;
                let outcome = finish(thread.take(), self.pid);
                Err(outcome.err().unwrap_or_else(|| self.ended()))
            }
        }
    }

    /// Ends the stream and waits for envd's answer: `Ok` once envd has
    /// written everything. The process's stdin stays open.
    pub fn close(self) -> Result<()> {
        let token = self.sandbox.client().cancel_token().cloned();
        self.close_under(token.as_ref())
    }

    /// [`close`](InputStream::close), whose wait for envd's answer ends
    /// with [`ErrorKind::Cancelled`] when `token` (if any) is cancelled.
    #[doc(hidden)] // For the C library: a token that may be absent.
    pub fn close_under(mut self, token: Option<&CancelToken>) -> Result<()> {
        match &mut self.mode {
            Mode::Unary => Ok(()),
            Mode::Streaming { sender, thread } => {
                *sender = None;
                if let (Some(token), Some(running)) = (token, thread.as_ref()) {
                    while !running.is_finished() {
                        if token.is_cancelled() {
                            return Err(Error::cancelled(&format!("close the input stream to process {}", self.pid)));
                        }
                        std::thread::sleep(CANCEL_POLL);
                    }
                }
                finish(thread.take(), self.pid)
            }
        }
    }

    fn closed(&self) -> Error {
        Error::new(ErrorKind::InvalidArgument, format!("process {}: the input stream has failed", self.pid))
    }

    fn ended(&self) -> Error {
        Error::new(ErrorKind::Network, format!("process {}: the input stream ended", self.pid))
    }
}

/// The outcome of the stream's thread.
fn finish(thread: Option<JoinHandle<Result<Support>>>, pid: u32) -> Result<()> {
    let Some(thread) = thread else {
        return Err(Error::new(ErrorKind::InvalidArgument, format!("process {pid}: the input stream has failed")));
    };
    match thread.join() {
        Ok(Ok(Support::Done)) => Ok(()),
        Ok(Ok(Support::Unimplemented)) => {
            Err(Error::new(ErrorKind::Api, format!("stream input to process {pid}: StreamInput is unimplemented")))
        }
        Ok(Err(err)) => Err(err),
        Err(_) => Err(Error::new(ErrorKind::Api, format!("process {pid}: the input stream's thread panicked"))),
    }
}

impl io::Write for InputStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        InputStream::write(self, buf).map_err(io::Error::other)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn start_message(pid: u32) -> String {
    serde_json::json!({ "start": { "process": { "pid": pid } } }).to_string()
}

/// The request body of a `StreamInput` call: the `start` envelope, then one
/// `data` envelope per write, a `keepalive` one after each quiet interval,
/// and the end when the sending side is dropped.
struct InputBody {
    kind: InputKind,
    pending: Vec<u8>,
    sent: usize,
    receiver: Receiver<Vec<u8>>,
    keepalive: Duration,
    done: bool,
}

impl InputBody {
    fn new(pid: u32, kind: InputKind, receiver: Receiver<Vec<u8>>, keepalive: Duration) -> InputBody {
        let pending = envelope::encode(0, start_message(pid).as_bytes());
        InputBody { kind, pending, sent: 0, receiver, keepalive, done: false }
    }
}

impl Read for InputBody {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.sent < self.pending.len() {
                let n = buf.len().min(self.pending.len() - self.sent);
                buf[..n].copy_from_slice(&self.pending[self.sent..self.sent + n]);
                self.sent += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            let message = match self.receiver.recv_timeout(self.keepalive) {
                Ok(data) => serde_json::json!({ "data": { "input": self.kind.message(&data) } }),
                Err(RecvTimeoutError::Timeout) => serde_json::json!({ "keepalive": {} }),
                Err(RecvTimeoutError::Disconnected) => {
                    self.done = true;
                    return Ok(0);
                }
            };
            self.pending = envelope::encode(0, message.to_string().as_bytes());
            self.sent = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use e2b_protocol::envelope::Frame;

    fn messages(bytes: &[u8]) -> Vec<serde_json::Value> {
        let mut reader = bytes;
        let mut out = Vec::new();
        while let Some(Frame::Message(message)) = envelope::read(&mut reader, 1 << 20).unwrap() {
            out.push(serde_json::from_slice(&message).unwrap());
        }
        out
    }

    #[test]
    fn the_body_starts_sends_data_keeps_alive_and_ends() {
        let (sender, receiver) = mpsc::sync_channel(4);
        let mut body = InputBody::new(7, InputKind::Pty, receiver, Duration::from_millis(50));
        let writer = std::thread::spawn(move || {
            sender.send(b"ls\n".to_vec()).unwrap();
            std::thread::sleep(Duration::from_millis(130));
            sender.send(b"x".to_vec()).unwrap();
        });
        let mut bytes = Vec::new();
        body.read_to_end(&mut bytes).unwrap();
        writer.join().unwrap();
        let messages = messages(&bytes);
        assert_eq!(messages[0], serde_json::json!({"start": {"process": {"pid": 7}}}));
        assert_eq!(messages[1], serde_json::json!({"data": {"input": {"pty": "bHMK"}}}));
        let keepalives = messages[2..messages.len() - 1].iter().filter(|m| m.get("keepalive").is_some()).count();
        assert!(keepalives >= 1, "no keepalive in {messages:?}");
        assert_eq!(messages.last().unwrap(), &serde_json::json!({"data": {"input": {"pty": "eA=="}}}));
    }

    #[test]
    fn stdin_data_uses_the_stdin_field() {
        let (sender, receiver) = mpsc::sync_channel(1);
        sender.send(vec![0, 255]).unwrap();
        drop(sender);
        let mut bytes = Vec::new();
        InputBody::new(1, InputKind::Stdin, receiver, Duration::from_secs(60)).read_to_end(&mut bytes).unwrap();
        assert_eq!(messages(&bytes)[1], serde_json::json!({"data": {"input": {"stdin": "AP8="}}}));
    }
}
