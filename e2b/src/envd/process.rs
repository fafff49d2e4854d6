//! Commands (`process.Process`, E2B's `spec/envd/process/process.proto`): run and wait, run in
//! the background, stdin, signals, and reconnecting to running processes.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use e2b_protocol::json::base64_bytes;
use serde::{Deserialize, Serialize};

use super::connect::{unary, CallOptions, ServerStream};
use super::input::{InputStream, StreamInputOptions};
use super::pty::PtySize;
use crate::cancel::CancelToken;
use crate::error::{Error, ErrorKind, Result};
use crate::sandbox::Sandbox;

/// How long a command may run unless told otherwise (the SDKs' default).
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// How long after a stream's server-side limit the client gives up.
const STREAM_GRACE: Duration = Duration::from_secs(10);

/// What [`Commands::start_process`] needs beyond the request.
#[derive(Clone, Copy)]
pub(crate) struct Start<'a> {
    pub user: Option<&'a str>,
    pub timeout: Option<Duration>,
    pub retain: bool,
}

/// How often a wait for output looks at a cancel token of its own.
const CANCEL_POLL: Duration = Duration::from_millis(10);

/// Which output stream a chunk came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
    /// The terminal of a process started with a PTY ([`Pty`](crate::Pty)):
    /// stdout and stderr together, as the terminal shows them.
    Pty,
}

/// Receives output as it arrives; `Break` kills the command.
pub type OnOutput<'f> = &'f mut dyn FnMut(Stream, &[u8]) -> ControlFlow<()>;

/// How to run a command: `CommandOptions::default()` runs it as the sandbox's
/// default user in their home for at most [`DEFAULT_COMMAND_TIMEOUT`]; each
/// setting has a method of its name:
///
/// ```
/// let options = e2b::CommandOptions::default().user("root").cwd("/tmp").env("LANG", "C").timeout(None);
/// assert_eq!(options.user.as_deref(), Some("root"));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CommandOptions {
    /// Environment variables, on top of the sandbox's.
    pub envs: BTreeMap<String, String>,
    /// The working directory; the user's home when `None`.
    pub cwd: Option<String>,
    /// Run as this user (e.g. `"root"`); the sandbox's default user when `None`.
    pub user: Option<String>,
    /// How long the process may live; it is killed when this passes.
    /// `None` for no limit. Default: [`DEFAULT_COMMAND_TIMEOUT`].
    pub timeout: Option<Duration>,
    /// Keep the process's stdin open for [`CommandHandle::send_stdin`].
    pub stdin: bool,
    /// Keep the output in the [`CommandResult`] (default `true`); `false`
    /// passes it to callbacks and [`CommandHandle::next_event`] only, so a
    /// long, chatty command does not grow the client's memory (the SDKs'
    /// `retain_output`).
    pub retain_output: bool,
}

impl Default for CommandOptions {
    fn default() -> CommandOptions {
        CommandOptions {
            envs: BTreeMap::new(),
            cwd: None,
            user: None,
            timeout: Some(DEFAULT_COMMAND_TIMEOUT),
            stdin: false,
            retain_output: true,
        }
    }
}

impl CommandOptions {
    /// Adds one environment variable.
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.envs.insert(name.into(), value.into());
        self
    }

    /// Sets the working directory.
    pub fn cwd(mut self, cwd: impl Into<String>) -> Self {
        self.cwd = Some(cwd.into());
        self
    }

    /// Runs as `user` (e.g. `"root"`).
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// Sets how long the process may live; `None` for no limit.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Keeps the process's stdin open for [`CommandHandle::send_stdin`].
    pub fn stdin(mut self, stdin: bool) -> Self {
        self.stdin = stdin;
        self
    }

    /// Whether to keep the output in the [`CommandResult`].
    pub fn retain_output(mut self, retain_output: bool) -> Self {
        self.retain_output = retain_output;
        self
    }
}

/// How to attach to a running process ([`Commands::connect_with`],
/// [`Pty::connect`](crate::Pty::connect)). The default has no time limit
/// and keeps the output; the official SDKs default to 60 s.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ConnectOptions {
    /// How long to follow the process (`Connect-Timeout-Ms`: envd ends the
    /// stream when it passes; the process goes on running). `None`: no limit.
    pub timeout: Option<Duration>,
    /// Keep the output in the [`CommandResult`] (default `true`).
    pub retain_output: bool,
}

impl Default for ConnectOptions {
    fn default() -> ConnectOptions {
        ConnectOptions { timeout: None, retain_output: true }
    }
}

impl ConnectOptions {
    /// Sets how long to follow the process; `None` for no limit.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Whether to keep the output in the [`CommandResult`].
    pub fn retain_output(mut self, retain_output: bool) -> Self {
        self.retain_output = retain_output;
        self
    }
}

/// How a command ended. A non-zero exit code is a result, not an error: see
/// [`CommandResult::check`] for callers who want one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommandResult {
    /// Everything written to stdout, as bytes (empty when the output was not
    /// [retained](CommandOptions::retain_output), and for a PTY).
    pub stdout: Vec<u8>,
    /// Everything written to stderr, as bytes (as `stdout`).
    pub stderr: Vec<u8>,
    /// The exit code; -1 when a signal ended the process.
    pub exit_code: i32,
    /// envd's description of an abnormal end, e.g. "exit status 1" or "signal: killed".
    pub error: Option<String>,
}

impl CommandResult {
    /// `Ok(self)` if the command exited with 0, else an error of kind
    /// [`ErrorKind::CommandExit`] carrying the code and the end of stderr.
    pub fn check(self) -> Result<CommandResult> {
        if self.exit_code == 0 {
            return Ok(self);
        }
        let stderr = String::from_utf8_lossy(&self.stderr);
        let tail: String = stderr.chars().rev().take(2000).collect::<Vec<_>>().into_iter().rev().collect();
        Err(Error::new(
            ErrorKind::CommandExit,
            format!("command exited with code {}: {}", self.exit_code, tail.trim_end()),
        ))
    }
}

/// Something that happened to a running command (see [`CommandHandle::next_event`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CommandEvent {
    /// A chunk of output.
    Output(Stream, Vec<u8>),
    /// The command ended.
    Exit(CommandResult),
}

/// A process running in the sandbox, as [`Commands::list`] reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProcessInfo {
    /// The process id in the sandbox.
    pub pid: u32,
    /// The tag it was started with, if any.
    pub tag: Option<String>,
    /// The program (`/bin/bash` for commands run by this client).
    pub cmd: String,
    /// Its arguments (`-l`, `-c` and the command line for commands run by this client).
    pub args: Vec<String>,
    /// The environment variables it was started with.
    pub envs: BTreeMap<String, String>,
    /// Its working directory, if it was given one.
    pub cwd: Option<String>,
}

/// A sandbox's commands (`sandbox.commands` in the official SDKs).
///
/// Time limits (see [`Client`](crate::Client)): a command's stream (`run`,
/// and the handles of `start` and `connect`) ends at the command's
/// [`timeout`](CommandOptions::timeout), which envd enforces (the client
/// gives up 10 s later), or after 90 s of silence (envd sends keepalives);
/// `list`, `kill`, `send_stdin` and `close_stdin` are bounded by the request
/// timeout, and `list` is retried. Starting a process is never retried. A
/// [call deadline](crate::Sandbox::with_deadline) bounds `run` as a whole,
/// and the stream of a command started through it.
///
/// Cancelling ([`Sandbox::with_cancel`](crate::Sandbox::with_cancel)) a
/// `run`, or the handle of a `start` or `connect`, stops following the
/// command but does not kill it: it goes on running until it ends or its
/// timeout passes. A `start` cancelled before envd told the process's id
/// may have started the process all the same; `list` finds it.
#[derive(Clone, Copy, Debug)]
pub struct Commands<'a> {
    sandbox: &'a Sandbox,
}

/// A running command: read its output (by callback or by pulling), feed its
/// stdin, kill it, or let it go on without you ([`disconnect`](CommandHandle::disconnect)).
///
/// A thread of the handle reads the command's output stream; dropping the
/// handle disconnects.
pub struct CommandHandle {
    sandbox: Sandbox,
    pid: u32,
    input: InputKind,
    events: Mutex<Receiver<Result<CommandEvent>>>,
    finished: Mutex<Option<Result<CommandResult>>>,
    detached: Arc<AtomicBool>,
}

#[derive(Serialize)]
pub(crate) struct ProcessConfig<'a> {
    pub cmd: &'a str,
    pub args: &'a [&'a str],
    pub envs: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cwd: Option<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct StartRequest<'a> {
    pub process: ProcessConfig<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pty: Option<PtyConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stdin: Option<bool>,
}

/// `{"size": {"cols": C, "rows": R}}`
#[derive(Serialize)]
pub(crate) struct PtyConfig {
    pub size: PtySize,
}

#[derive(Serialize)]
pub(crate) struct Selector {
    pub process: Pid,
}

#[derive(Serialize)]
pub(crate) struct Pid {
    pub pid: u32,
}

/// How a process takes input: `ProcessInput`'s `stdin` or `pty` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InputKind {
    Stdin,
    Pty,
}

impl InputKind {
    /// The `ProcessInput` message carrying `data`.
    pub(crate) fn message(self, data: &[u8]) -> serde_json::Value {
        let field = match self {
            InputKind::Stdin => "stdin",
            InputKind::Pty => "pty",
        };
        serde_json::json!({ field: base64_bytes::encode(data) })
    }
}

/// `StartResponse` and `ConnectResponse`: `{"event": ProcessEvent}`.
#[derive(Deserialize)]
struct EventMessage {
    #[serde(default)]
    event: ProcessEvent,
}

#[derive(Deserialize, Default)]
struct ProcessEvent {
    #[serde(default)]
    start: Option<StartEvent>,
    #[serde(default)]
    data: Option<DataEvent>,
    #[serde(default)]
    end: Option<EndEvent>,
}

#[derive(Deserialize)]
struct StartEvent {
    #[serde(default)]
    pid: u32,
}

#[derive(Deserialize)]
struct DataEvent {
    #[serde(default, with = "base64_bytes")]
    stdout: Option<Vec<u8>>,
    #[serde(default, with = "base64_bytes")]
    stderr: Option<Vec<u8>>,
    #[serde(default, with = "base64_bytes")]
    pty: Option<Vec<u8>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EndEvent {
    #[serde(default)]
    exit_code: i32,
    #[serde(default)]
    error: Option<String>,
}

impl<'a> Commands<'a> {
    pub(crate) fn new(sandbox: &'a Sandbox) -> Commands<'a> {
        Commands { sandbox }
    }

    /// Runs `cmd` with `bash -l -c` and waits for it to end, passing its
    /// output to `on_output` (if any) as it arrives. Returning `Break` from
    /// `on_output` kills the command and fails with
    /// [`ErrorKind::CallbackAborted`].
    pub fn run(&self, cmd: &str, options: &CommandOptions, on_output: Option<OnOutput<'_>>) -> Result<CommandResult> {
        let sandbox = self.sandbox.pinned();
        Commands::new(&sandbox).start(cmd, options)?.wait(on_output)
    }

    /// Starts `cmd` with `bash -l -c` in the background and returns at once.
    pub fn start(&self, cmd: &str, options: &CommandOptions) -> Result<CommandHandle> {
        self.start_under(cmd, options, self.sandbox.client().cancel_token())
    }

    /// [`start`](Commands::start), cancelled by `token` (or by nothing)
    /// until the process has started; the handle then follows the view's token.
    #[doc(hidden)] // For the C library: a token or deadline that may be absent.
    pub fn start_under(
        &self,
        cmd: &str,
        options: &CommandOptions,
        token: Option<&CancelToken>,
    ) -> Result<CommandHandle> {
        let request = StartRequest {
            process: ProcessConfig {
                cmd: "/bin/bash",
                args: &["-l", "-c", cmd],
                envs: &options.envs,
                cwd: options.cwd.as_deref(),
            },
            pty: None,
            stdin: Some(options.stdin),
        };
        let start = Start { user: options.user.as_deref(), timeout: options.timeout, retain: options.retain_output };
        self.start_process(&request, start, InputKind::Stdin, token, format!("run `{cmd}`"))
    }

    /// Starts a process as `request` describes (a command or a PTY).
    pub(crate) fn start_process(
        &self,
        request: &StartRequest<'_>,
        start: Start<'_>,
        input: InputKind,
        token: Option<&CancelToken>,
        what: String,
    ) -> Result<CommandHandle> {
        let call = CallOptions { user: start.user, timeout: start.timeout };
        // The client gives up a little after the server should have.
        let total = start.timeout.map(|t| t + STREAM_GRACE);
        let through = self.sandbox.with_cancel_token(token);
        let stream = ServerStream::open(&through, "process.Process/Start", request, call, total, what)?;
        CommandHandle::follow(self.sandbox.clone(), stream, input, start.retain)
    }

    /// Attaches to the running process `pid`, to read its output from now on.
    pub fn connect(&self, pid: u32) -> Result<CommandHandle> {
        self.connect_under(pid, self.sandbox.client().cancel_token())
    }

    /// [`connect`](Commands::connect), cancelled by `token` (or by nothing)
    /// until attached; the handle then follows the view's token.
    #[doc(hidden)] // For the C library: a token or deadline that may be absent.
    pub fn connect_under(&self, pid: u32, token: Option<&CancelToken>) -> Result<CommandHandle> {
        self.connect_with_under(pid, &ConnectOptions::default(), token)
    }

    /// [`connect`](Commands::connect) with a time limit on following the
    /// process, or without keeping its output (the SDKs' `connect(pid,
    /// timeout)`).
    pub fn connect_with(&self, pid: u32, options: &ConnectOptions) -> Result<CommandHandle> {
        self.connect_with_under(pid, options, self.sandbox.client().cancel_token())
    }

    /// [`connect_with`](Commands::connect_with), cancelled by `token` (or by
    /// nothing) until attached.
    #[doc(hidden)] // For the C library: a token or deadline that may be absent.
    pub fn connect_with_under(
        &self,
        pid: u32,
        options: &ConnectOptions,
        token: Option<&CancelToken>,
    ) -> Result<CommandHandle> {
        self.attach(pid, options, InputKind::Stdin, token)
    }

    /// Attaches to `pid`, whose input is of kind `input`.
    pub(crate) fn attach(
        &self,
        pid: u32,
        options: &ConnectOptions,
        input: InputKind,
        token: Option<&CancelToken>,
    ) -> Result<CommandHandle> {
        let what = format!("connect to process {pid}");
        let request = Selector { process: Pid { pid } };
        let through = self.sandbox.with_cancel_token(token);
        let call = CallOptions { user: None, timeout: options.timeout };
        let total = options.timeout.map(|t| t + STREAM_GRACE);
        let stream = ServerStream::open(&through, "process.Process/Connect", &request, call, total, what)?;
        CommandHandle::follow(self.sandbox.clone(), stream, input, options.retain_output)
    }

    /// The processes running in the sandbox.
    pub fn list(&self) -> Result<Vec<ProcessInfo>> {
        #[derive(Deserialize)]
        struct Listed {
            #[serde(default)]
            processes: Vec<Listing>,
        }
        #[derive(Deserialize)]
        struct Listing {
            #[serde(default)]
            config: Config,
            #[serde(default)]
            pid: u32,
            #[serde(default)]
            tag: Option<String>,
        }
        #[derive(Deserialize, Default)]
        struct Config {
            #[serde(default)]
            cmd: String,
            #[serde(default)]
            args: Vec<String>,
            #[serde(default)]
            envs: BTreeMap<String, String>,
            #[serde(default)]
            cwd: Option<String>,
        }
        let listed: Listed = unary(
            self.sandbox,
            "process.Process/List",
            &serde_json::json!({}),
            CallOptions::default(),
            "list processes",
        )?;
        Ok(listed
            .processes
            .into_iter()
            .map(|p| ProcessInfo {
                pid: p.pid,
                tag: p.tag,
                cmd: p.config.cmd,
                args: p.config.args,
                envs: p.config.envs,
                cwd: p.config.cwd,
            })
            .collect())
    }

    /// Kills the process `pid` (SIGKILL). `Ok(false)` if there was no such process.
    pub fn kill(&self, pid: u32) -> Result<bool> {
        #[derive(Serialize)]
        struct Signal {
            process: Pid,
            signal: &'static str,
        }
        let request = Signal { process: Pid { pid }, signal: "SIGNAL_SIGKILL" };
        let what = format!("kill process {pid}");
        match unary::<_, serde::de::IgnoredAny>(
            self.sandbox,
            "process.Process/SendSignal",
            &request,
            CallOptions::default(),
            &what,
        ) {
            Ok(_) => Ok(true),
            Err(err) if err.kind() == ErrorKind::NotFound => Ok(false),
            Err(err) => Err(err),
        }
    }

    /// Writes `data` to the stdin of process `pid` (started with `stdin: true`).
    pub fn send_stdin(&self, pid: u32, data: &[u8]) -> Result<()> {
        self.send_input(pid, InputKind::Stdin, data)
    }

    /// `SendInput` of `data` as `kind` to `pid`.
    pub(crate) fn send_input(&self, pid: u32, kind: InputKind, data: &[u8]) -> Result<()> {
        let request = serde_json::json!({ "process": { "pid": pid }, "input": kind.message(data) });
        let what = match kind {
            InputKind::Stdin => format!("write to the stdin of process {pid}"),
            InputKind::Pty => format!("write to the terminal of process {pid}"),
        };
        let _: serde::de::IgnoredAny =
            unary(self.sandbox, "process.Process/SendInput", &request, CallOptions::default(), &what)?;
        Ok(())
    }

    /// Sends `data`, chunk by chunk as the iterator yields them, to the stdin
    /// of process `pid` through one input stream, and returns once all of it
    /// is written (the SDKs' `stream_input`). `timeout` bounds the whole
    /// stream (`None`: no limit; the SDKs use 60 s,
    /// [`DEFAULT_STREAM_INPUT_TIMEOUT`](crate::DEFAULT_STREAM_INPUT_TIMEOUT)).
    /// Keepalives go out while the iterator blocks. See [`InputStream`] for
    /// the RPC used and the fallback on servers without it.
    pub fn stream_input<I>(&self, pid: u32, data: I, timeout: Option<Duration>) -> Result<()>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        let options = StreamInputOptions::default().timeout(timeout);
        let mut stream = self.open_input(pid, &options)?;
        for chunk in data {
            stream.write(chunk.as_ref())?;
        }
        stream.close()
    }

    /// Opens an input stream to the stdin of process `pid`: write to it as
    /// the data comes, then [`close`](InputStream::close) it.
    pub fn open_input(&self, pid: u32, options: &StreamInputOptions) -> Result<InputStream> {
        self.open_input_under(pid, options, self.sandbox.client().cancel_token())
    }

    /// [`open_input`](Commands::open_input), cancelled by `token` (or by
    /// nothing) until open; the stream then follows the view's token.
    #[doc(hidden)] // For the C library: a token that may be absent.
    pub fn open_input_under(
        &self,
        pid: u32,
        options: &StreamInputOptions,
        token: Option<&CancelToken>,
    ) -> Result<InputStream> {
        InputStream::open(self.sandbox, pid, InputKind::Stdin, options, token)
    }

    /// Closes the stdin of process `pid`, so it reads end-of-file.
    pub fn close_stdin(&self, pid: u32) -> Result<()> {
        let what = format!("close the stdin of process {pid}");
        let request = Selector { process: Pid { pid } };
        let _: serde::de::IgnoredAny =
            unary(self.sandbox, "process.Process/CloseStdin", &request, CallOptions::default(), &what)?;
        Ok(())
    }
}

impl std::fmt::Debug for CommandHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandHandle").field("pid", &self.pid).field("sandbox", &self.sandbox.id()).finish()
    }
}

impl CommandHandle {
    /// Reads the `start` event, then hands the rest of the stream to a reader thread.
    fn follow(sandbox: Sandbox, mut stream: ServerStream, input: InputKind, retain: bool) -> Result<CommandHandle> {
        let pid = loop {
            match stream.next::<EventMessage>()? {
                Some(EventMessage { event: ProcessEvent { start: Some(start), .. } }) => break start.pid,
                Some(EventMessage { event: ProcessEvent { data: None, end: None, .. } }) => continue,
                Some(_) => return Err(Error::decode("start a command", "output came before the start event")),
                None => return Err(Error::decode("start a command", "the stream ended before the start event")),
            }
        };
        // From now on the stream belongs to the handle, and follows its token.
        stream.set_cancel(sandbox.client().cancel_token().cloned());
        let (sender, receiver) = mpsc::sync_channel(64);
        let detached = Arc::new(AtomicBool::new(false));
        let stop = detached.clone();
        std::thread::Builder::new()
            .name(format!("e2b-process-{pid}"))
            .spawn(move || read_events(stream, sender, stop, retain))
            .map_err(|err| Error::io("start a command", err))?;
        Ok(CommandHandle { sandbox, pid, input, events: Mutex::new(receiver), finished: Mutex::new(None), detached })
    }

    /// The process id in the sandbox.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The sandbox handle the command was started through.
    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    /// The next output chunk or the exit, waiting up to `timeout`; `None` if
    /// nothing came in time. After the exit, every call returns the exit again.
    ///
    /// For a handle made through a [cancellable view](crate::Sandbox::with_cancel),
    /// an [`ErrorKind::Cancelled`] error as soon as the token is cancelled
    /// (events not yet taken are dropped), unless the command had already
    /// ended. The command goes on running in the sandbox.
    pub fn next_event(&self, timeout: Duration) -> Result<Option<CommandEvent>> {
        self.next_event_under(timeout, self.sandbox.client().cancel_token())
    }

    /// [`next_event`](CommandHandle::next_event), ended by `token` (or by
    /// nothing) instead of the view's token; a cancel leaves the events not
    /// yet taken for the next call.
    #[doc(hidden)] // For the C library: a token or deadline that may be absent.
    pub fn next_event_under(&self, timeout: Duration, token: Option<&CancelToken>) -> Result<Option<CommandEvent>> {
        if let Some(done) = self.finished.lock().expect("not poisoned").clone() {
            return done.map(|result| Some(CommandEvent::Exit(result)));
        }
        let cancelled = || Error::cancelled(&format!("follow process {}", self.pid));
        // The reader thread reports a cancel too, but perhaps behind events waiting in the channel.
        if token.is_some_and(CancelToken::is_cancelled) {
            return Err(cancelled());
        }
        let events = self.events.lock().expect("not poisoned");
        let received = match token {
            None => events.recv_timeout(timeout),
            // The channel cannot be woken by the token: wait in short slices.
            Some(token) => {
                let end = Instant::now().checked_add(timeout);
                loop {
                    let left = end.map_or(CANCEL_POLL, |end| end.saturating_duration_since(Instant::now()));
                    match events.recv_timeout(left.min(CANCEL_POLL)) {
                        Err(RecvTimeoutError::Timeout) if token.is_cancelled() => return Err(cancelled()),
                        Err(RecvTimeoutError::Timeout) if !left.is_zero() => continue,
                        received => break received,
                    }
                }
            }
        };
        let event = match received {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => return Ok(None),
            Err(RecvTimeoutError::Disconnected) => {
                Err(Error::new(ErrorKind::Network, format!("process {}: the output stream stopped", self.pid)))
            }
        };
        match event {
            Ok(CommandEvent::Exit(result)) => {
                *self.finished.lock().expect("not poisoned") = Some(Ok(result.clone()));
                Ok(Some(CommandEvent::Exit(result)))
            }
            Err(err) => {
                *self.finished.lock().expect("not poisoned") = Some(Err(err.clone()));
                Err(err)
            }
            Ok(output) => Ok(Some(output)),
        }
    }

    /// Waits for the command to end, passing output not yet taken to
    /// `on_output`. Returning `Break` from it kills the command and fails with
    /// [`ErrorKind::CallbackAborted`].
    pub fn wait(&self, on_output: Option<OnOutput<'_>>) -> Result<CommandResult> {
        self.wait_under(on_output, self.sandbox.client().cancel_token())
    }

    /// [`wait`](CommandHandle::wait), ended by `token` (or by nothing)
    /// instead of the view's token.
    #[doc(hidden)] // For the C library: a token or deadline that may be absent.
    pub fn wait_under(
        &self,
        mut on_output: Option<OnOutput<'_>>,
        token: Option<&CancelToken>,
    ) -> Result<CommandResult> {
        loop {
            match self.next_event_under(Duration::from_secs(3600), token)? {
                Some(CommandEvent::Exit(result)) => return Ok(result),
                Some(CommandEvent::Output(stream, data)) => {
                    if let Some(on_output) = on_output.as_mut() {
                        if on_output(stream, &data).is_break() {
                            let _ = self.kill();
                            return Err(Error::new(
                                ErrorKind::CallbackAborted,
                                format!("process {}: stopped by the output callback", self.pid),
                            ));
                        }
                    }
                }
                None => {}
            }
        }
    }

    /// Writes `data` to the command's stdin (it must have been started with
    /// `stdin: true`), or to its terminal for a PTY.
    pub fn send_stdin(&self, data: &[u8]) -> Result<()> {
        Commands::new(&self.sandbox).send_input(self.pid, self.input, data)
    }

    /// Opens an input stream to the command's stdin (its terminal for a
    /// PTY); see [`InputStream`].
    pub fn open_input(&self, options: &StreamInputOptions) -> Result<InputStream> {
        InputStream::open(&self.sandbox, self.pid, self.input, options, self.sandbox.client().cancel_token())
    }

    /// Whether the command runs in a PTY ([`Pty::create`](crate::Pty::create), [`Pty::connect`](crate::Pty::connect)).
    pub fn is_pty(&self) -> bool {
        self.input == InputKind::Pty
    }

    /// Closes the command's stdin.
    pub fn close_stdin(&self) -> Result<()> {
        Commands::new(&self.sandbox).close_stdin(self.pid)
    }

    /// Kills the command. `Ok(false)` if it had already ended.
    pub fn kill(&self) -> Result<bool> {
        Commands::new(&self.sandbox).kill(self.pid)
    }

    /// Stops following the command, which goes on running; reattach with
    /// [`Commands::connect`].
    pub fn disconnect(self) {}
}

impl Drop for CommandHandle {
    fn drop(&mut self) {
        // The reader thread leaves at the next message (keepalives come at
        // least every few seconds), closing the connection.
        self.detached.store(true, Ordering::Relaxed);
    }
}

/// The reader thread: turns stream messages into events until the end, an
/// error, or the handle letting go.
fn read_events(
    mut stream: ServerStream,
    sender: SyncSender<Result<CommandEvent>>,
    detached: Arc<AtomicBool>,
    retain: bool,
) {
    let mut result = CommandResult::default();
    loop {
        if detached.load(Ordering::Relaxed) {
            return;
        }
        let event = match stream.next::<EventMessage>() {
            Ok(Some(message)) => message.event,
            Ok(None) => {
                let err = Error::decode("follow a command", "the stream ended without an end event");
                let _ = sender.send(Err(err));
                return;
            }
            Err(err) => {
                let _ = sender.send(Err(err));
                return;
            }
        };
        if let Some(data) = event.data {
            let chunks = [(Stream::Stdout, data.stdout), (Stream::Stderr, data.stderr), (Stream::Pty, data.pty)];
            for (stream_kind, chunk) in chunks {
                let Some(chunk) = chunk.filter(|c| !c.is_empty()) else { continue };
                match stream_kind {
                    Stream::Stdout if retain => result.stdout.extend_from_slice(&chunk),
                    Stream::Stderr if retain => result.stderr.extend_from_slice(&chunk),
                    _ => {}
                }
                if sender.send(Ok(CommandEvent::Output(stream_kind, chunk))).is_err() {
                    return;
                }
            }
        }
        if let Some(end) = event.end {
            result.exit_code = end.exit_code;
            result.error = end.error.filter(|e| !e.is_empty());
            // Drain the end-of-stream message, which may carry the reason (a deadline).
            let outcome = match stream.next::<EventMessage>() {
                Err(err) if err.kind() == ErrorKind::Timeout => Err(err),
                _ => Ok(CommandEvent::Exit(std::mem::take(&mut result))),
            };
            let _ = sender.send(outcome);
            return;
        }
    }
}
